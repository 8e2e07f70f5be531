"""E-mails of every floor: rendered from `<app>/email/<event>_subject.txt` and `_body.txt`."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def rendre_sujet(modele: str, contexte) -> str:
    """The subject of the e-mail `modele`, folded on one line.

    A template's line ends would otherwise break the header (Django refuses newlines in
    headers).
    """
    return " ".join(render_to_string(f"{modele}_subject.txt", contexte).split())


def rendre_courriel(modele: str, contexte) -> tuple[str, str]:
    """(subject, body) of the e-mail `modele` (e.g. "dossiers/email/recepisse")."""
    return rendre_sujet(modele, contexte), render_to_string(f"{modele}_body.txt", contexte)


def _message(sujet, corps, to, cc=(), attachments=None) -> EmailMessage:
    return EmailMessage(
        sujet, corps, settings.DEFAULT_FROM_EMAIL, list(to), cc=list(cc), attachments=attachments
    )


def courriel(modele: str, contexte: dict, *, to, cc=(), attachments=None) -> EmailMessage:
    """The e-mail `modele` rendered with `contexte`, from the site's address, ready to send."""
    return _message(*rendre_courriel(modele, contexte), to, cc, attachments)


def courriels_individuels(
    modele: str, contexte: dict, adresses, *, attachments=None
) -> tuple[str, list[EmailMessage]]:
    """The e-mail `modele` rendered once, one message per address (nobody sees the others).

    Returns the subject too, for the in-app notifications that go with it.
    """
    sujet, corps = rendre_courriel(modele, contexte)
    return sujet, [
        _message(sujet, corps, [adresse], attachments=attachments) for adresse in adresses
    ]
