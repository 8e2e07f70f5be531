"""Personal tokens in the `Authorization: Bearer <jeton>` header."""

import datetime

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.models import JetonApi
from api.models.jetons import PREFIXE, empreinte

# The last use is written at most this often: not one write per request.
PRECISION_DERNIER_USAGE = datetime.timedelta(minutes=5)


class JetonAuthentication(authentication.BaseAuthentication):
    """A valid token (not expired, not revoked) of an active user authenticates as that user."""

    mot_cle = "Bearer"

    def authenticate(self, request):
        entete = authentication.get_authorization_header(request).split()
        if not entete or entete[0].lower() != self.mot_cle.lower().encode():
            return None
        if len(entete) != 2:
            raise exceptions.AuthenticationFailed("En-tête Authorization mal formé.")
        try:
            secret = entete[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Jeton invalide.") from None
        if not secret.startswith(PREFIXE):
            raise exceptions.AuthenticationFailed("Jeton invalide.")
        maintenant = timezone.now()
        jeton = (
            JetonApi.objects.valides(maintenant)
            .select_related("user")
            .filter(empreinte=empreinte(secret), user__is_active=True)
            .first()
        )
        if jeton is None:
            raise exceptions.AuthenticationFailed("Jeton invalide, expiré ou révoqué.")
        if jeton.utilise_le is None or jeton.utilise_le < maintenant - PRECISION_DERNIER_USAGE:
            JetonApi.objects.filter(pk=jeton.pk).update(utilise_le=maintenant)
        return jeton.user, jeton

    def authenticate_header(self, request):
        return f'{self.mot_cle} realm="api"'


class JetonAuthenticationSchema(OpenApiAuthenticationExtension):
    target_class = "api.v1.authentification.JetonAuthentication"
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton personnel créé depuis la page « Mon compte » (cper_…).",
        }
