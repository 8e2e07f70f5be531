"""Side effects of the dossiers app, run after commit; tasks take primary keys and re-read."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Invitation


@shared_task
def envoyer_invitation(invitation_pk: int) -> None:
    from .services.structures import jeton_invitation

    invitation = (
        Invitation.objects.select_related("structure", "invite_par")
        .filter(pk=invitation_pk, acceptee_le__isnull=True)
        .first()
    )
    if invitation is None:
        return
    contexte = {
        "invitation": invitation,
        "lien": settings.SITE_URL
        + reverse("dossiers:invitation_accepter", args=[jeton_invitation(invitation)]),
        "jours": settings.DUREE_INVITATION // 86400,
    }
    sujet = render_to_string("dossiers/email/invitation_subject.txt", contexte)
    corps = render_to_string("dossiers/email/invitation_body.txt", contexte)
    send_mail(" ".join(sujet.split()), corps, None, [invitation.email])
