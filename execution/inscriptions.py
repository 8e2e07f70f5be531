"""What the execution registers with the floors below at start-up (AppConfig.ready)."""

from cper.comptes.enums import Role
from cper.espaces import enregistrer_espace
from dossiers.extensions import enregistrer_lien_porteur
from execution import acces, agregats
from execution.views.blocs import bloc_agent, bloc_porteur, lien_porteur
from instruction.extensions import enregistrer_bloc_agent, enregistrer_bloc_porteur


def enregistrer() -> None:
    acces.enregistrer()
    enregistrer_lien_porteur(lien_porteur)
    enregistrer_bloc_porteur(bloc_porteur)
    enregistrer_bloc_agent(bloc_agent)
    agregats.enregistrer()
    for role in (Role.AGENT_GUICHET, Role.INSTRUCTEUR):
        enregistrer_espace(
            role=role, libelle="Versements", nom_url="execution:versements", ordre=35
        )
