"""Side effects of instruction: e-mails and in-app notifications, reminders, the rapport PDF."""

import datetime

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cper.courriels import courriels_individuels
from dossiers.models import Dossier

from .documents import rapport_instruction_pdf
from .models import DemandeComplements, Notification, RapportInstruction, Routage

User = get_user_model()

# Who hears of each event: the porteur (members of the structure), the guichet, the group.
DESTINATAIRES = {
    "recevable": {"porteur", "groupe"},
    "irrecevable": {"porteur", "guichet"},
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


def _destinataires(dossier, publics: set[str]) -> dict[str, list]:
    par_public = {}
    if "porteur" in publics:
        par_public["porteur"] = list(User.objects.filter(adhesions__structure=dossier.structure_id))
    agents = User.objects.none()
    if "guichet" in publics and dossier.guichet_id:
        agents = agents | User.objects.filter(groups__guichet=dossier.guichet_id)
    if "groupe" in publics:
        routage = Routage.objects.filter(dossier=dossier).first()
        if routage:
            agents = agents | User.objects.filter(
                adhesions_groupes__groupe_technique=routage.groupe_technique_id
            )
    par_public["agents"] = list(agents.filter(is_active=True).distinct())
    return par_public


@shared_task
def notifier(dossier_pk: int, evenement: str, cle: str) -> int:
    """E-mail and in-app notification, in French, to those concerned by an event.

    Idempotent: a run whose key is already recorded does nothing.
    """
    if Notification.objects.filter(cle=cle).exists():
        return 0
    dossier = Dossier.objects.select_related("guichet", "structure").get(pk=dossier_pk)
    demande = DemandeComplements.objects.filter(dossier=dossier).first()
    messages, notifications = [], []
    for public, users in _destinataires(dossier, DESTINATAIRES[evenement]).items():
        chemin = reverse(
            "instruction:porteur_dossier" if public == "porteur" else "instruction:dossier",
            args=[dossier.pk],
        )
        contexte = {
            "dossier": dossier,
            "demande": demande,
            "public": public,
            "url": settings.SITE_URL + chemin,
        }
        sujet, courriels = courriels_individuels(
            f"instruction/email/{evenement}", contexte, [user.email for user in users]
        )
        messages.extend(courriels)
        for user in users:
            notifications.append(Notification(user=user, texte=sujet[:300], url=chemin, cle=cle))
    with transaction.atomic():
        Notification.objects.bulk_create(notifications)
        get_connection(fail_silently=False).send_messages(messages)
    return len(messages)


@shared_task
def relancer_complements() -> int:
    """Daily: remind porteurs seven days before the deadline and on the day (once each)."""
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
