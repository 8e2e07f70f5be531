"""Celery side of the webhooks: send one delivery, hand over what is due, tell an owner."""

from celery import shared_task
from django.urls import reverse

from api.models import Abonnement
from api.services import webhooks
from cper.notifications import Destinataires, notifier


@shared_task(name="api.tasks.livrer")
def livrer(livraison_pk: int) -> str:
    return webhooks.livraison_envoyer(livraison_pk)


@shared_task(name="api.tasks.relancer_livraisons")
def relancer_livraisons() -> int:
    """Every minute: hand over again the deliveries whose next attempt is due."""
    return webhooks.livraisons_relancer()


@shared_task(name="api.tasks.prevenir_desactivation")
def prevenir_desactivation(abonnement_pk: int, cle: str) -> int:
    """Tell the owner of a subscription disabled after repeated failures (e-mail and notice,
    once per disabling: `cle`)."""
    abonnement = Abonnement.objects.select_related("proprietaire").get(pk=abonnement_pk)
    return notifier(
        cle=cle,
        modele="api/email/abonnement_desactive",
        contexte={"abonnement": abonnement},
        destinataires=[
            Destinataires(
                users=[abonnement.proprietaire],
                chemin=reverse("admin:api_abonnement_change", args=[abonnement.pk]),
            )
        ],
    )
