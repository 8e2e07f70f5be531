"""Side effects of the dossiers app, run after commit; tasks take primary keys and re-read."""

import hashlib
import time

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cper.courriels import courriel
from cper.effets import differer
from cper.notifications import Destinataires, notifier

from .documents import rendre_recepisse
from .enums import EtatDossier
from .models import DemandeAdhesion, Dossier, Invitation, Recepisse
from .services.structures import jeton_invitation

# --- depot ---


def _lien(dossier: Dossier) -> str:
    return settings.SITE_URL + reverse("dossiers:detail", args=[dossier.pk])


def _adresses_du_guichet(guichet) -> list[str]:
    """The guichet's active agents, then its shared mailbox."""
    agents = get_user_model().objects.filter(groups=guichet.groupe_id, is_active=True)
    adresses = list(agents.order_by("email").values_list("email", flat=True))
    return list(dict.fromkeys([*adresses, guichet.email]))


@shared_task
def emettre_recepisse(dossier_pk: int, porteur_pk: int) -> None:
    """Render and store the récépissé once, then send it and notify the guichet."""
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update().filter(pk=dossier_pk, numero__isnull=False).first()
        )
        if dossier is None:
            return
        if not Recepisse.objects.filter(dossier=dossier).exists():
            debut = time.perf_counter()
            pdf = rendre_recepisse(dossier.pk)
            recepisse = Recepisse(
                dossier=dossier,
                taille=len(pdf),
                sha256=hashlib.sha256(pdf).hexdigest(),
                duree_rendu_ms=round((time.perf_counter() - debut) * 1000),
            )
            recepisse.fichier.save(recepisse.nom_fichier, ContentFile(pdf), save=False)
            recepisse.save()
        # Deferred in this transaction: they exist once the récépissé does, and are sent once.
        differer(envoyer_recepisse, dossier_pk, porteur_pk, cle=f"recepisse-envoi:{dossier_pk}")
        differer(notifier_guichet_du_depot, dossier_pk, cle=f"recepisse-guichet:{dossier_pk}")


@shared_task
def envoyer_recepisse(dossier_pk: int, porteur_pk: int) -> None:
    """E-mail the récépissé to the porteur who filed, colleagues of the structure in copy."""
    with transaction.atomic():
        # Claiming the send first means a retried task never sends it twice.
        if not Recepisse.objects.filter(
            dossier_id=dossier_pk, envoye_au_porteur_le__isnull=True
        ).update(envoye_au_porteur_le=timezone.now()):
            return
        recepisse = Recepisse.objects.select_related("dossier__guichet", "dossier__structure").get(
            dossier_id=dossier_pk
        )
        dossier = recepisse.dossier
        membres = list(
            get_user_model()
            .objects.filter(adhesions__structure=dossier.structure_id, is_active=True)
            .values_list("pk", "email")
        )
        to = [email for pk, email in membres if pk == porteur_pk] or [e for _, e in membres[:1]]
        cc = [email for pk, email in membres if email not in to]
        if not to:
            return
        message = courriel(
            "dossiers/email/recepisse",
            {"dossier": dossier, "guichet": dossier.guichet, "lien": _lien(dossier)},
            to=to,
            cc=cc,
        )
        with recepisse.fichier.open("rb") as fichier:
            message.attach(recepisse.nom_fichier, fichier.read(), "application/pdf")
        message.send()


@shared_task
def notifier_guichet_du_depot(dossier_pk: int) -> None:
    """Tell the guichet's agents that a dossier was filed with them."""
    with transaction.atomic():
        if not Recepisse.objects.filter(
            dossier_id=dossier_pk, guichet_notifie_le__isnull=True
        ).update(guichet_notifie_le=timezone.now()):
            return
        dossier = Dossier.objects.select_related("guichet", "structure").get(pk=dossier_pk)
        courriel(
            "dossiers/email/depot_guichet",
            {"dossier": dossier, "guichet": dossier.guichet, "lien": _lien(dossier)},
            to=_adresses_du_guichet(dossier.guichet),
        ).send()


def _agents_du_guichet(dossier) -> list:
    """The agents of the guichet(s) where the dossier was filed (both, for a dépôt conjoint)."""
    return list(
        get_user_model()
        .objects.filter(
            Q(groups__guichet=dossier.guichet_id)
            | Q(groups__guichet__depots_conjoints__dossier=dossier.pk)
        )
        .distinct()
    )


@shared_task
def notifier_depot(dossier_pk: int) -> int:
    """In-app notices of a dépôt: the structure's members and the guichet's agents.

    Their e-mails are the récépissé and the guichet's message, sent by the tasks above.
    """
    dossier = Dossier.objects.select_related("guichet", "structure").get(pk=dossier_pk)
    chemin = reverse("dossiers:detail", args=[dossier.pk])
    membres = get_user_model().objects.filter(adhesions__structure=dossier.structure_id)
    contexte = {"dossier": dossier, "guichet": dossier.guichet}
    return notifier(
        cle=f"depot-porteur:{dossier.pk}",
        modele="dossiers/email/recepisse",
        contexte=contexte,
        destinataires=[Destinataires(users=list(membres), chemin=chemin)],
        courriel=False,
    ) + notifier(
        cle=f"depot-guichet:{dossier.pk}",
        modele="dossiers/email/depot_guichet",
        contexte=contexte,
        destinataires=[Destinataires(users=_agents_du_guichet(dossier), chemin=chemin)],
        courriel=False,
    )


@shared_task
def notifier_retrait(dossier_pk: int) -> None:
    """Tell the guichet's agents that a dossier filed with them was withdrawn."""
    dossier = (
        Dossier.objects.select_related("guichet", "structure")
        .filter(pk=dossier_pk, etat=EtatDossier.RETIRE, guichet__isnull=False)
        .first()
    )
    if dossier is None:
        return
    # The notices first: they are written once, whereas a failed e-mail is sent again.
    notifier(
        cle=f"retrait:{dossier.pk}",
        modele="dossiers/email/retrait_guichet",
        contexte={"dossier": dossier, "guichet": dossier.guichet},
        destinataires=[
            Destinataires(
                users=_agents_du_guichet(dossier),
                chemin=reverse("dossiers:detail", args=[dossier.pk]),
            )
        ],
        courriel=False,
    )
    courriel(
        "dossiers/email/retrait_guichet",
        {"dossier": dossier, "guichet": dossier.guichet, "lien": _lien(dossier)},
        to=_adresses_du_guichet(dossier.guichet),
    ).send()


# --- structures ---


@shared_task
def envoyer_invitation(invitation_pk: int) -> None:
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
    courriel("dossiers/email/invitation", contexte, to=[invitation.email]).send()


@shared_task
def envoyer_demande_adhesion(demande_pk: int) -> None:
    """Tell the structure's administrators that someone asks to join."""
    demande = (
        DemandeAdhesion.objects.select_related("structure", "demandeur")
        .filter(pk=demande_pk, decidee_le__isnull=True)
        .first()
    )
    if demande is None:
        return
    destinataires = list(
        demande.structure.adhesions.filter(administrateur=True).values_list(
            "user__email", flat=True
        )
    )
    if not destinataires:
        return
    contexte = {
        "demande": demande,
        "lien": settings.SITE_URL + reverse("dossiers:structure", args=[demande.structure_id]),
    }
    courriel("dossiers/email/demande_adhesion", contexte, to=destinataires).send()


@shared_task
def envoyer_decision_adhesion(demande_pk: int) -> None:
    """Tell the person who asked to join what was decided."""
    demande = (
        DemandeAdhesion.objects.select_related("structure", "demandeur")
        .filter(pk=demande_pk, decidee_le__isnull=False)
        .first()
    )
    if demande is None:
        return
    contexte = {
        "demande": demande,
        "lien": settings.SITE_URL + reverse("dossiers:structure", args=[demande.structure_id]),
    }
    courriel("dossiers/email/decision_adhesion", contexte, to=[demande.demandeur.email]).send()
