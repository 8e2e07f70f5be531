"""The second factor (django-otp): who owes one, whether this session gave it, and its writes.

A TOTP application (`TOTPDevice`) and ten one-time recovery codes (`StaticDevice`) per person.
Administrators (role, staff or superuser) owe one; higher floors add others at start-up with
`enregistrer_exigence` (gouvernance: the pilotage secretariat), so this floor never imports them.

ProConnect: a login whose provider asserts a multi-factor authentication in the id_token
(`amr` holds `mfa`) counts as the second factor for that session; any other ProConnect login
still asks for the TOTP code (README, « Second facteur »).
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .enums import Role

logger = logging.getLogger(__name__)

# Set in the session by a ProConnect login whose id_token asserts a second factor.
CLE_MFA_PROCONNECT = "second_facteur_proconnect"
NOM_APPLICATION = "Application d'authentification"
NOM_CODES = "Codes de secours"

_exigences: list[Callable] = []


def enregistrer_exigence(fonction: Callable) -> None:
    """Declare who else owes a second factor: `fonction(user) -> bool` (idempotent)."""
    if fonction not in _exigences:
        _exigences.append(fonction)


def second_facteur_requis(user) -> bool:
    """Whether this signed-in person must give a second factor before using the service."""
    return (
        user.is_staff
        or user.is_superuser
        or user.a_le_role(Role.ADMINISTRATEUR)
        or any(exigence(user) for exigence in _exigences)
    )


def facteur_verifie(request) -> bool:
    """This session gave the second factor: a code checked by django-otp, or ProConnect's own."""
    user = request.user
    return user.is_authenticated and (
        user.is_verified() or bool(request.session.get(CLE_MFA_PROCONNECT))
    )


def application_de(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def a_un_second_facteur(user) -> bool:
    return user_has_device(user, confirmed=True)


def codes_restants(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


CODE_INVALIDE = "Code incorrect ou déjà utilisé. Vérifiez l'heure de votre téléphone et réessayez."


class CodeInvalide(Exception):
    """The code is wrong, already used, or came too soon after wrong ones (the message says
    which, in French)."""

    def __init__(self, message: str = CODE_INVALIDE):
        super().__init__(message)
        self.message = message


def _code_nettoye(code: str) -> str:
    return "".join(code.split()).lower()


def nouvelle_cle() -> str:
    """A fresh TOTP secret (hex, 20 bytes), kept in the session until the person confirms it."""
    return random_hex(20)


def appareil_provisoire(user, cle: str) -> TOTPDevice:
    """An unsaved device for the secret being enrolled: its QR code and its checks."""
    return TOTPDevice(user=user, key=cle, name=NOM_APPLICATION, confirmed=False)


def _totp_verifie(appareil: TOTPDevice, code: str) -> int | None:
    """The time step the code belongs to, or None (the same window as django-otp's devices)."""
    code = _code_nettoye(code)
    if not (code.isdigit() and len(code) == appareil.digits):
        return None
    totp = TOTP(appareil.bin_key, appareil.step, appareil.t0, appareil.digits, appareil.drift)
    if totp.verify(int(code), appareil.tolerance, appareil.last_t + 1):
        return totp.t()
    return None


def _nouveaux_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    appareil = StaticDevice.objects.create(user=user, name=NOM_CODES, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.CODES_DE_SECOURS)]
    StaticToken.objects.bulk_create(StaticToken(device=appareil, token=code) for code in codes)
    return codes


@transaction.atomic
def second_facteur_activer(*, request, cle: str, code: str) -> list[str]:
    """Record the application whose first code the person typed; return the recovery codes,
    shown once. The session counts as verified from now on."""
    user = request.user
    if application_de(user) is not None:
        # Replacing an application needs the old one first (account page), never a password.
        raise CodeInvalide
    appareil = appareil_provisoire(user, cle)
    pas = _totp_verifie(appareil, code)
    if pas is None:
        raise CodeInvalide
    TOTPDevice.objects.filter(user=user).delete()
    appareil.confirmed, appareil.last_t = True, pas
    appareil.save()
    codes = _nouveaux_codes(user)
    otp_login(request, appareil)
    logger.info("Second facteur activé pour le compte %s", user.pk)
    return codes


def _appareil_du_code(user, code: str):
    """The device a code is meant for: digits are the application's, anything else a recovery
    code (so a wrong guess throttles only the device it was aimed at). Locked for the check."""
    modele = TOTPDevice if code.isdigit() else StaticDevice
    return modele.objects.select_for_update().filter(user=user, confirmed=True).first()


def _refus(appareil, code: str) -> str | None:
    """None when the device accepts the code, else the message. Returned rather than raised so
    that the caller's transaction keeps django-otp's count of failures (its growing delay)."""
    if appareil is None or not code:
        return CODE_INVALIDE
    permis, details = appareil.verify_is_allowed()
    if not permis:
        reprise = timezone.localtime(details["locked_until"]) if details else None
        return (
            f"Trop de codes erronés : réessayez après {reprise:%H:%M:%S}."
            if reprise
            else "Trop de codes erronés : réessayez plus tard."
        )
    return None if appareil.verify_token(code) else CODE_INVALIDE


def second_facteur_verifier(*, request, code: str) -> bool:
    """Check a code of the signed-in person and mark the session verified; True when it was a
    recovery code (now used up). CodeInvalide otherwise.

    The transaction is opened here rather than by the decorator: a wrong code must still
    commit the failure django-otp counted before the refusal is raised.
    """
    code = _code_nettoye(code)
    with transaction.atomic():
        appareil = _appareil_du_code(request.user, code)
        refus = _refus(appareil, code)
        if refus is None:
            otp_login(request, appareil)
    if refus is not None:
        logger.warning("Code de second facteur refusé pour le compte %s", request.user.pk)
        raise CodeInvalide(refus)
    return isinstance(appareil, StaticDevice)


def codes_secours_regenerer(*, request, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a code of the application.
    Same transaction handling as second_facteur_verifier."""
    code = _code_nettoye(code)
    with transaction.atomic():
        appareil = TOTPDevice.objects.select_for_update().filter(user=request.user, confirmed=True)
        refus = _refus(appareil.first(), code)
        codes = _nouveaux_codes(request.user) if refus is None else []
    if refus is not None:
        raise CodeInvalide(refus)
    logger.info("Codes de secours régénérés pour le compte %s", request.user.pk)
    return codes


@transaction.atomic
def second_facteur_reinitialiser(*, user, par) -> None:
    """An administrator removes someone's application and codes (lost phone): the person
    enrols again at their next login, and any session verified with them ends."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.info("Second facteur du compte %s réinitialisé par le compte %s", user.pk, par.pk)
