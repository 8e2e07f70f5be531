"""Celery tasks of the execution: take primary keys, re-read, idempotent."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from cper.notifications import Destinataires, notifier
from execution.documents import acte_pdf
from execution.enums import EtatActe
from execution.models import Acte

User = get_user_model()


@shared_task
def produire_acte(acte_pk: int) -> bool:
    """Build the act's PDF for its current state; once notified, tell the porteur.

    The act row is locked; a PDF already built for this state is not built again.
    """
    with transaction.atomic():
        acte = (
            Acte.objects.select_for_update(of=("self",))
            .select_related("dossier__structure", "financeur", "dossier__volet")
            .get(pk=acte_pk)
        )
        if acte.fichier and acte.fichier_etat == acte.etat:
            return False
        ancien = acte.fichier.name
        acte.fichier.save(f"acte-{acte.pk}.pdf", ContentFile(acte_pdf(acte)), save=False)
        acte.fichier_etat = acte.etat
        acte.save(update_fields=["fichier", "fichier_etat"])
        if ancien and ancien != acte.fichier.name:
            stockage = acte.fichier.storage
            transaction.on_commit(lambda: stockage.delete(ancien))
        if acte.etat == EtatActe.NOTIFIE:
            dossier = acte.dossier
            notifier(
                cle=f"acte-notifie:{acte.pk}:{acte.version}",
                modele="execution/email/acte_notifie",
                contexte={"acte": acte, "dossier": dossier},
                destinataires=[
                    Destinataires(
                        users=list(User.objects.filter(adhesions__structure=dossier.structure_id)),
                        chemin=reverse("execution:porteur", args=[dossier.pk]),
                    )
                ],
            )
    return True
