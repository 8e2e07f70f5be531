"""E-mails of the sign-up, sent after commit; tasks take primary keys and re-read."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from cper.courriels import courriel

from .models import User
from .services import en_attente_de_confirmation, jeton_inscription


def _envoyer(user: User, evenement: str, contexte: dict) -> None:
    contexte = {"user": user, "site_url": settings.SITE_URL, **contexte}
    courriel(f"comptes/email/{evenement}", contexte, to=[user.email]).send()


@shared_task
def envoyer_confirmation_inscription(user_pk: int) -> None:
    user = User.objects.filter(pk=user_pk).first()
    if user is None or not en_attente_de_confirmation(user):  # confirmed meanwhile
        return
    lien = reverse("comptes:confirmer_inscription", args=[jeton_inscription(user)])
    _envoyer(user, "confirmation_inscription", {"lien": settings.SITE_URL + lien})


@shared_task
def signaler_compte_existant(user_pk: int) -> None:
    user = User.objects.filter(pk=user_pk).first()
    if user is None:
        return
    _envoyer(
        user,
        "compte_existant",
        {
            "lien_connexion": settings.SITE_URL + reverse("comptes:connexion"),
            "lien_oubli": settings.SITE_URL + reverse("comptes:mot_de_passe_oubli"),
        },
    )
