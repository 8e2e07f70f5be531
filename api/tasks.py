"""Celery side of the webhooks: send one delivery, hand over what is due, tell an owner."""

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.urls import reverse

from api.models import Abonnement
from api.services import webhooks
from cper.courriels import courriel


@shared_task(name="api.tasks.livrer")
def livrer(livraison_pk: int) -> str:
    return webhooks.livraison_envoyer(livraison_pk)


@shared_task(name="api.tasks.relancer_livraisons")
def relancer_livraisons() -> int:
    """Every minute: hand over again the deliveries whose next attempt is due."""
    return webhooks.livraisons_relancer()


@shared_task(name="api.tasks.prevenir_desactivation")
def prevenir_desactivation(abonnement_pk: int) -> int:
    """E-mail the owner of a subscription disabled after repeated failures (outbox, once)."""
    abonnement = Abonnement.objects.select_related("proprietaire").get(pk=abonnement_pk)
    message = courriel(
        "api/email/abonnement_desactive",
        {
            "abonnement": abonnement,
            "url": settings.SITE_URL + reverse("admin:api_abonnement_change", args=[abonnement.pk]),
        },
        to=[abonnement.proprietaire.email],
    )
    return get_connection(fail_silently=False).send_messages([message])
