"""Stage 7: the history — one django-fsm-log row per transition, as the services write it."""

from django.contrib.contenttypes.models import ContentType
from django_fsm_log.models import StateLog

from dossiers.models import Dossier

from .execution import MOTIF_ABANDON, MOTIF_CADUCITE
from .instruction import MOTIF_COMPLEMENTS, REPONSE_COMPLEMENTS
from .seances import MOTIF_REJET

MOTIF_IRRECEVABLE = "Le projet ne relève d'aucun volet du contrat."
MOTIF_CLASSEMENT = "Les pièces demandées n'ont pas été transmises avant l'échéance."


def _auteur(plan, transition: str, source: str, acteurs) -> int:
    """Who fires each transition: the one the services allow."""
    if transition in ("deposer", "retirer", "completer", "commencer", "abandonner"):
        return plan.structure.createur
    if transition in ("declarer_recevable", "declarer_irrecevable", "classer_sans_suite") or (
        transition == "demander_complements" and source == "depose"
    ):
        return acteurs.agents[plan.guichet.id].id
    if transition in ("demander_complements", "conclure_instruction"):
        return acteurs.instructeur_etat.id
    if transition in ("attribuer", "solder", "cloturer", "declarer_caduc"):
        return acteurs.guichet_douai.id
    return acteurs.pilotage.id


def _description(plan, transition: str, acteurs, seances) -> str:
    if transition == "deposer":
        return f"Déposé auprès du guichet « {plan.guichet} » sous le numéro {plan.numero}."
    if transition == "declarer_recevable":
        return f"Routé vers {acteurs.groupes[plan.volet.code]}."
    if transition == "programmer":
        return f"Programmé en séance du {seances[plan.parcours.seance]:%d/%m/%Y}"
    return {
        "retirer": "Retiré par le porteur.",
        "demander_complements": MOTIF_COMPLEMENTS,
        "completer": REPONSE_COMPLEMENTS,
        "declarer_irrecevable": MOTIF_IRRECEVABLE,
        "classer_sans_suite": MOTIF_CLASSEMENT,
        "conclure_instruction": "Instruction conclue",
        "rejeter": MOTIF_REJET,
        "attribuer": "Acte attributif notifié au porteur.",
        "commencer": "Commencement déclaré par le porteur.",
        "solder": "Tous les soldes sont versés ou arrêtés.",
        "cloturer": "Dossier clôturé",
        "abandonner": MOTIF_ABANDON,
        "declarer_caduc": MOTIF_CADUCITE,
    }[transition]


def ecrire(chargement, plans, acteurs, seances) -> None:
    type_dossier = ContentType.objects.get_for_model(Dossier).pk
    chargement.copier(
        StateLog,
        [
            "timestamp",
            "by",
            "source_state",
            "state",
            "transition",
            "content_type",
            "object_id",
            "description",
        ],
        (
            (
                moment,
                _auteur(p, transition, source, acteurs),
                source,
                cible,
                transition,
                type_dossier,
                p.pk,
                _description(p, transition, acteurs, seances),
            )
            for p in plans
            for transition, source, cible, moment in p.parcours.jalons
        ),
    )
