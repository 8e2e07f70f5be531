"""Personal API tokens: each user creates and revokes their own."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from api.models import JetonApi
from api.models.jetons import empreinte, nouveau_secret

logger = logging.getLogger(__name__)


class TropDeJetons(Exception):
    """The user already holds the maximum number of valid tokens."""


@transaction.atomic
def jeton_creer(*, par, nom: str, duree_jours: int) -> tuple[JetonApi, str]:
    """Create a token for `par`; return it with its secret, which is shown once and never kept."""
    if not par.is_authenticated or not par.is_active:
        raise PermissionDenied
    if not 1 <= duree_jours <= settings.API_JETON_DUREE_MAX_JOURS:
        raise ValueError("Durée de validité hors des limites.")
    # Lock the user's row: two tabs creating tokens at once cannot pass the cap together.
    get_user_model().objects.select_for_update().filter(pk=par.pk).first()
    if JetonApi.objects.filter(user=par).valides().count() >= settings.API_JETONS_MAX:
        raise TropDeJetons
    secret = nouveau_secret()
    jeton = JetonApi.objects.create(
        user=par,
        nom=nom,
        debut=secret[: len("cper_") + 6],
        empreinte=empreinte(secret),
        expire_le=timezone.now() + datetime.timedelta(days=duree_jours),
    )
    logger.info("jeton d'API %s créé par l'utilisateur %s", jeton.pk, par.pk)
    return jeton, secret


@transaction.atomic
def jeton_revoquer(*, par, jeton_pk: int) -> JetonApi:
    """Revoke one of `par`'s tokens; revoking it twice changes nothing."""
    jeton = JetonApi.objects.select_for_update().filter(pk=jeton_pk, user=par).first()
    if jeton is None:
        raise PermissionDenied
    if jeton.revoque_le is None:
        jeton.revoque_le = timezone.now()
        jeton.save(update_fields=["revoque_le"])
        logger.info("jeton d'API %s révoqué par l'utilisateur %s", jeton.pk, par.pk)
    return jeton
