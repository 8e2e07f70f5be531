"""Side effects of instruction: notifications (e-mail and in-app), reminders, the PDFs."""

import datetime

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cper import notifications
from cper.notifications import Destinataires
from dossiers.models import Dossier

from .documents import courrier_pdf, rapport_instruction_pdf
from .models import Affectation, Courrier, DemandeComplements, RapportInstruction, Routage

User = get_user_model()

# Who hears of each event: the porteur (members of the structure), the guichet, the group.
DESTINATAIRES = {
    "recevable": {"porteur", "groupe"},
    "irrecevable": {"porteur", "guichet"},
    "classe_sans_suite": {"porteur", "guichet"},
    "cloture_proposee": {"guichet"},
    "transfere": {"porteur", "guichet"},
    "complements_demandes": {"porteur"},
    "complete": {"guichet", "groupe"},
    "avis_etat": {"groupe"},
    "avis_region": {"groupe"},
    "instruit": {"porteur", "guichet", "groupe"},
    "message_agents": {"porteur"},
    "message_porteur": {"guichet", "groupe"},
    "relance_j7": {"porteur"},
    "relance_jour": {"porteur"},
}


def _destinataires(dossier, publics: set[str], chemin_agents=None) -> list[Destinataires]:
    """The porteur's colleagues (sent to the porteur's page) first, then the agents."""
    groupes = []
    if "porteur" in publics:
        groupes.append(
            Destinataires(
                users=list(User.objects.filter(adhesions__structure=dossier.structure_id)),
                chemin=reverse("instruction:porteur_dossier", args=[dossier.pk]),
                contexte={"public": "porteur"},
            )
        )
    agents = User.objects.none()
    if "guichet" in publics and dossier.guichet_id:
        agents = agents | User.objects.filter(groups__guichet=dossier.guichet_id)
    if "groupe" in publics:
        routage = Routage.objects.filter(dossier=dossier).first()
        if routage:
            agents = agents | User.objects.filter(
                adhesions_groupes__groupe_technique=routage.groupe_technique_id
            )
    groupes.append(
        Destinataires(
            users=list(agents.distinct()),
            chemin=chemin_agents or reverse("instruction:dossier", args=[dossier.pk]),
            contexte={"public": "agents"},
        )
    )
    return groupes


# Events whose agents' notice leads straight to the action they call for.
CHEMINS_AGENTS = {"cloture_proposee": "instruction:clore"}


@shared_task
def notifier(dossier_pk: int, evenement: str, cle: str) -> int:
    """E-mail and in-app notification, in French, to those concerned by an event (once)."""
    dossier = Dossier.objects.select_related("guichet", "structure").get(pk=dossier_pk)
    chemin_agents = None
    if evenement in CHEMINS_AGENTS:
        chemin_agents = reverse(CHEMINS_AGENTS[evenement], args=[dossier.pk])
    return notifications.notifier(
        cle=cle,
        modele=f"instruction/email/{evenement}",
        contexte={
            "dossier": dossier,
            "demande": DemandeComplements.objects.filter(dossier=dossier).first(),
        },
        destinataires=_destinataires(dossier, DESTINATAIRES[evenement], chemin_agents),
    )


@shared_task
def relancer_complements() -> int:
    """Daily: remind porteurs seven days before the deadline and on the day (once each);
    once the deadline passed, propose to the guichet to close the dossier (once)."""
    aujourdhui = timezone.localdate()
    maintenant = timezone.now()
    envoyees = 0
    ouvertes = DemandeComplements.objects.en_attente().filter(dossier__etat="incomplet")
    for demande in ouvertes.filter(
        echeance=aujourdhui + datetime.timedelta(days=7), relance_j7_le__isnull=True
    ):
        notifier(demande.dossier_id, "relance_j7", f"relance_j7:{demande.pk}")
        DemandeComplements.objects.filter(pk=demande.pk).update(relance_j7_le=maintenant)
        envoyees += 1
    for demande in ouvertes.filter(echeance=aujourdhui, relance_echeance_le__isnull=True):
        notifier(demande.dossier_id, "relance_jour", f"relance_jour:{demande.pk}")
        DemandeComplements.objects.filter(pk=demande.pk).update(relance_echeance_le=maintenant)
        envoyees += 1
    for demande in DemandeComplements.objects.en_retard(aujourdhui).filter(
        cloture_proposee_le__isnull=True
    ):
        notifier(demande.dossier_id, "cloture_proposee", f"cloture_proposee:{demande.pk}")
        DemandeComplements.objects.filter(pk=demande.pk).update(cloture_proposee_le=maintenant)
        envoyees += 1
    return envoyees


@shared_task
def generer_rapport_instruction(dossier_pk: int) -> int:
    """Build (or rebuild) the rapport d'instruction PDF of a concluded instruction."""
    dossier = Dossier.objects.select_related("structure", "guichet", "volet").get(pk=dossier_pk)
    contenu = rapport_instruction_pdf(dossier)
    rapport, _ = RapportInstruction.objects.get_or_create(dossier=dossier)
    if rapport.fichier:
        rapport.fichier.delete(save=False)
    rapport.fichier.save("rapport-instruction.pdf", ContentFile(contenu), save=False)
    rapport.genere_le = timezone.now()
    rapport.save()
    return rapport.pk


@shared_task
def notifier_affectation(affectation_pk: int, cle: str) -> int:
    """Tell the agent a colleague handed them a dossier (once)."""
    affectation = Affectation.objects.select_related("dossier", "agent", "par").get(
        pk=affectation_pk
    )
    if affectation.agent is None:
        return 0
    return notifications.notifier(
        cle=cle,
        modele="instruction/email/affecte",
        contexte={
            "dossier": affectation.dossier,
            "par": affectation.par.get_full_name() or affectation.par.email,
        },
        destinataires=[
            Destinataires(
                users=[affectation.agent],
                chemin=reverse("instruction:dossier", args=[affectation.dossier_id]),
            )
        ],
    )


@shared_task
def generer_courrier(courrier_pk: int) -> int:
    """Build (or rebuild) the PDF of a letter to the porteur."""
    courrier = Courrier.objects.select_related(
        "dossier__structure__commune", "dossier__guichet", "demande", "emis_par"
    ).get(pk=courrier_pk)
    contenu = courrier_pdf(courrier)
    if courrier.fichier:
        courrier.fichier.delete(save=False)
    courrier.fichier.save(f"{courrier.type}.pdf", ContentFile(contenu), save=False)
    courrier.genere_le = timezone.now()
    courrier.save(update_fields=["fichier", "genere_le"])
    return courrier.pk
