"""ProConnect (OpenID Connect) for agents, on mozilla-django-oidc.

An agent logs in with ProConnect only into an account an administrator opened: the person is
found by the e-mail the provider vouches for (case-insensitively), never created, and nothing
of the provider's claims becomes a role, a group or a seat. Porteurs keep their e-mail and
password. The provider's `sub` is recorded at the first login and required afterwards, so an
address changed at the provider cannot open another person's account. State, nonce and the
id_token's signature are checked by the library; the issuer and the audience here.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from .enums import Role
from .models import User
from .second_facteur import CLE_MFA_PROCONNECT

logger = logging.getLogger(__name__)

SEL_DECONNEXION = "cper.comptes.proconnect.deconnexion"


def proconnect_actif() -> bool:
    """ProConnect is offered only once its client and provider are configured."""
    return bool(
        settings.OIDC_RP_CLIENT_ID
        and settings.OIDC_RP_CLIENT_SECRET
        and settings.PROCONNECT_EMETTEUR
    )


class ConnexionRefusee(Exception):
    """The provider vouched for someone this service does not let in; the message says why."""


REFUS_INCONNU = (
    "Aucun compte n'est ouvert pour l'adresse {email}. Les comptes des agents sont créés par "
    "les administrateurs du CPER : demandez-leur d'ouvrir le vôtre, puis reconnectez-vous."
)
REFUS_INACTIF = "Le compte de l'adresse {email} est désactivé : adressez-vous aux administrateurs."
REFUS_PORTEUR = (
    "ProConnect est réservé aux agents. Les porteurs de projet se connectent avec leur adresse "
    "électronique et leur mot de passe, ci-dessous."
)
REFUS_AUTRE_IDENTITE = (
    "Le compte de l'adresse {email} est rattaché à une autre identité ProConnect : la "
    "connexion est refusée. Adressez-vous aux administrateurs si votre identité a changé."
)
REFUS_ADRESSE_NON_VERIFIEE = "ProConnect n'a pas vérifié l'adresse {email} : connexion refusée."
ECHEC = "La connexion avec ProConnect n'a pas abouti. Réessayez ou connectez-vous par mot de passe."


class ProConnectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not proconnect_actif():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """The library checks the signature and the nonce; the id_token must also come from
        our provider and be meant for us (OpenID Connect Core 3.1.3.7)."""
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the id_token (userinfo JWTs carry no nonce)
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if payload.get("iss") != settings.PROCONNECT_EMETTEUR:
                raise SuspiciousOperation("id_token d'un autre émetteur")
            if settings.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("id_token destiné à un autre client")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo et id_token ne désignent pas la même personne")
        try:
            user = compte_proconnect(claims)
        except ConnexionRefusee as refus:
            self.request.refus_proconnect = str(refus)
            logger.warning("Connexion ProConnect refusée : %s", refus)
            return None
        amr = payload.get("amr") or []
        self.request.session[CLE_MFA_PROCONNECT] = isinstance(amr, list) and "mfa" in amr
        return user


@transaction.atomic
def compte_proconnect(claims: dict):
    """The account the provider's claims open, its `sub` recorded at the first login; or
    ConnexionRefusee. Reads e-mail and sub only: never a role, group or name."""
    email = str(claims.get("email") or "").strip().lower()
    sub = str(claims.get("sub") or "")
    if not email or not sub:
        raise ConnexionRefusee(ECHEC)
    if claims.get("email_verified") is False:
        raise ConnexionRefusee(REFUS_ADRESSE_NON_VERIFIEE.format(email=email))
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        raise ConnexionRefusee(REFUS_INCONNU.format(email=email))
    if not user.is_active:
        raise ConnexionRefusee(REFUS_INACTIF.format(email=email))
    if user.roles == {Role.PORTEUR}:
        raise ConnexionRefusee(REFUS_PORTEUR)
    autre = User.objects.filter(proconnect_sub=sub).exclude(pk=user.pk).exists()
    if autre or (user.proconnect_sub and user.proconnect_sub != sub):
        raise ConnexionRefusee(REFUS_AUTRE_IDENTITE.format(email=email))
    if not user.proconnect_sub:
        user.proconnect_sub = sub
        user.save(update_fields=["proconnect_sub"])
        logger.info("Identité ProConnect rattachée au compte %s", user.pk)
    return user


@transaction.atomic
def proconnect_detacher(*, user, par) -> None:
    """An administrator unties an account from its ProConnect identity (the person's identity
    changed at the provider): the next ProConnect login ties the new one."""
    User.objects.filter(pk=user.pk).update(proconnect_sub="")
    logger.info("Identité ProConnect du compte %s détachée par le compte %s", user.pk, par.pk)


class RetourProConnect(OIDCAuthenticationCallbackView):
    """The provider's redirect back: the library's checks, then a French message on the
    login page when the person is not let in."""

    def get(self, request):
        try:
            return super().get(request)
        except (requests.RequestException, jwt.InvalidTokenError) as erreur:
            # A forged or expired code, a token that does not verify, the provider down:
            # the person is told on the login page, never shown an error page.
            logger.warning("Connexion ProConnect impossible : %s", erreur)
            return self.login_failure()

    def login_failure(self):
        if self.request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        messages.error(self.request, getattr(self.request, "refus_proconnect", ECHEC))
        return redirect("comptes:connexion")


def url_fin_de_session(request) -> str:
    """Where logout sends the browser: ProConnect's end_session_endpoint when the session came
    from it (RP-initiated logout ends the provider's session too), else the home page."""
    id_token = request.session.get("oidc_id_token")
    if not (id_token and proconnect_actif() and settings.PROCONNECT_URL_FIN_SESSION):
        return resolve_url(settings.LOGOUT_REDIRECT_URL)
    parametres = {
        "id_token_hint": id_token,
        # Signed rather than kept in the session: the session is gone when the browser returns.
        "state": signing.dumps("deconnexion", salt=SEL_DECONNEXION),
        "post_logout_redirect_uri": request.build_absolute_uri(
            reverse("comptes:proconnect_deconnecte")
        ),
    }
    return f"{settings.PROCONNECT_URL_FIN_SESSION}?{urlencode(parametres)}"


def deconnexion_authentique(state: str) -> bool:
    """The provider sent back the state our logout gave it, less than ten minutes ago."""
    try:
        return signing.loads(state, salt=SEL_DECONNEXION, max_age=600) == "deconnexion"
    except signing.BadSignature:
        return False
