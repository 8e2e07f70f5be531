"""Writes a visitor or a user can cause on accounts: sign-up and its confirmation."""

import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from cper.effets import differer

from .enums import Role
from .models import User
from .roles import donner_role
from .signals import compte_confirme

logger = logging.getLogger(__name__)

SEL_INSCRIPTION = "cper.comptes.inscription"


class LienInvalide(Exception):
    """The confirmation link is forged, altered, expired or was issued for another address."""


def en_attente_de_confirmation(user: User) -> bool:
    """A self-registered porteur who never confirmed; not an account an admin switched off."""
    return not user.is_active and user.last_login is None and user.roles == {Role.PORTEUR}


def _empreinte(user: User) -> str:
    """A fingerprint of the account's current password hash: a new sign-up changes it, so every
    link sent before it stops working."""
    return salted_hmac(SEL_INSCRIPTION, user.password, algorithm="sha256").hexdigest()[:32]


def jeton_inscription(user: User) -> str:
    """A signed, timestamped token naming the account, the address it was sent to and the
    sign-up it confirms (the fingerprint of the password chosen then)."""
    return signing.dumps(
        {"u": user.pk, "e": user.email, "h": _empreinte(user)}, salt=SEL_INSCRIPTION, compress=True
    )


def compte_du_jeton(jeton: str) -> User:
    """The account a confirmation token was issued for, or LienInvalide."""
    try:
        donnees = signing.loads(
            jeton, salt=SEL_INSCRIPTION, max_age=settings.DUREE_LIEN_INSCRIPTION
        )
    except signing.BadSignature as exc:  # SignatureExpired is a subclass
        raise LienInvalide from exc
    try:
        user = User.objects.get(pk=donnees["u"], email=donnees["e"])
        empreinte = donnees["h"]
    except (User.DoesNotExist, KeyError, TypeError, ValueError) as exc:
        raise LienInvalide from exc
    if en_attente_de_confirmation(user) and not (
        isinstance(empreinte, str) and constant_time_compare(empreinte, _empreinte(user))
    ):
        # A later sign-up replaced the one this link was sent for.
        raise LienInvalide
    return user


@transaction.atomic
def porteur_inscrire(*, email: str, prenom: str, nom: str, mot_de_passe: str) -> None:
    """Create an inactive porteur account and send the confirmation link.

    The answer never tells whether the address already has an account: an existing owner gets
    an e-mail instead (a new confirmation link if still unconfirmed, a reminder otherwise).

    While the address is unconfirmed, the last sign-up wins: its names and password replace the
    earlier ones and the links sent before stop working. Someone who pre-registers a stranger's
    address thus never keeps a password on the account the stranger will confirm; and the
    confirmation asks for the password again, so a link clicked after someone else's later
    sign-up activates nothing.
    """
    email = User.objects.normalize_email(email).lower()
    existant = User.objects.filter(email__iexact=email).first()
    if existant is None:
        user = User(email=email, first_name=prenom, last_name=nom, is_active=False)
        user.set_password(mot_de_passe)
        user.save()
        donner_role(user, Role.PORTEUR)
        logger.info(
            "Inscription d'un porteur : compte %s créé, en attente de confirmation", user.pk
        )
        differer("cper.comptes.tasks.envoyer_confirmation_inscription", user.pk)
    elif en_attente_de_confirmation(existant):
        existant = User.objects.select_for_update().get(pk=existant.pk)
        existant.first_name, existant.last_name = prenom, nom
        existant.set_password(mot_de_passe)
        existant.save(update_fields=["first_name", "last_name", "password"])
        logger.info(
            "Inscription renouvelée pour le compte %s, en attente de confirmation", existant.pk
        )
        differer("cper.comptes.tasks.envoyer_confirmation_inscription", existant.pk)
    else:
        differer("cper.comptes.tasks.signaler_compte_existant", existant.pk)


class MotDePasseDifferent(Exception):
    """The password typed at confirmation is not the one of the last sign-up."""


@transaction.atomic
def inscription_confirmer(*, user: User, mot_de_passe: str) -> bool:
    """Activate the account; False when it already was (the link served twice) or when it is
    not a sign-up awaiting confirmation (an agent's or a disabled account stays as it is).

    The password of the last sign-up must be typed again (MotDePasseDifferent otherwise): the
    account is activated only by someone who holds both the mailbox and that password, so the
    pending invitations accepted below go to the address's owner and nobody else.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not en_attente_de_confirmation(user):
        return False
    if not user.check_password(mot_de_passe):
        raise MotDePasseDifferent
    user.is_active = True
    user.save(update_fields=["is_active"])
    logger.info("Inscription confirmée pour le compte %s", user.pk)
    compte_confirme.send(sender=User, user=user)
    return True
