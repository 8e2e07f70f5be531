"""What the execution registers with the floors below at start-up (AppConfig.ready)."""

from cper import evenements
from cper.comptes.enums import Role
from cper.espaces import enregistrer_espace
from dossiers.extensions import enregistrer_lien_porteur
from dossiers.models import Dossier
from execution import agregats
from execution.acces import ouvrir_aux_financeurs
from execution.views.blocs import bloc_agent, bloc_porteur, lien_porteur
from gouvernance.selectors.programmation import programmations
from instruction.extensions import enregistrer_bloc_agent, enregistrer_bloc_porteur


def sur_evenement(evenement) -> None:
    """A dossier programmed: each financeur with an amount may carry it out (same transaction)."""
    if evenement.type != "dossier.programmer":
        return
    dossier = Dossier.objects.get(pk=evenement.objet_id)
    programmation = programmations([dossier.pk]).get(dossier.pk)
    financeurs = [
        m.financeur for m in (programmation.montants if programmation else []) if m.montant > 0
    ]
    ouvrir_aux_financeurs(dossier, financeurs)


def enregistrer() -> None:
    evenements.abonner(sur_evenement)
    enregistrer_lien_porteur(lien_porteur)
    enregistrer_bloc_porteur(bloc_porteur)
    enregistrer_bloc_agent(bloc_agent)
    agregats.enregistrer()
    for role in (Role.AGENT_GUICHET, Role.INSTRUCTEUR):
        enregistrer_espace(
            role=role, libelle="Versements", nom_url="execution:versements", ordre=35
        )
