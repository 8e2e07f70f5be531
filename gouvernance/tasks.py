"""Side effects of the séances: convocation with its agenda, relevé, porteurs' notices."""

import datetime

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cper.courriels import courriels_individuels
from cper.lecture import replique
from cper.notifications import Destinataires, notifier
from gouvernance import exports, fichiers
from gouvernance.documents import ordre_du_jour_pdf, releve_decisions_pdf
from gouvernance.enums import EtatExport
from gouvernance.models import Export, PointOrdreDuJour, Seance

User = get_user_model()


@shared_task
def convoquer(seance_pk: int) -> int:
    """E-mail each member of the instance the convocation with the agenda as a PDF.

    The séance row is locked and the sending date recorded in the same transaction: a retried
    or duplicated run sends nothing.
    """
    with transaction.atomic():
        seance = Seance.objects.select_for_update().get(pk=seance_pk)
        if seance.convocation_envoyee_le is not None:
            return 0
        contenu = ordre_du_jour_pdf(seance)
        nom = f"ordre-du-jour-{seance.date:%Y-%m-%d}.pdf"
        seance.convocation.save(nom, ContentFile(contenu), save=False)
        seance.convocation_envoyee_le = timezone.now()
        seance.save(update_fields=["convocation", "convocation_envoyee_le"])
        membres = User.objects.filter(mandats__instance=seance.instance_id, is_active=True)
        _, messages = courriels_individuels(
            "gouvernance/email/convocation",
            {
                "seance": seance,
                "nb_points": seance.points.count(),
                "url": settings.SITE_URL + reverse("gouvernance:seance", args=[seance.pk]),
            },
            [membre.email for membre in membres.distinct().order_by("email")],
            attachments=[(nom, contenu, "application/pdf")],
        )
        get_connection(fail_silently=False).send_messages(messages)
    return len(messages)


@shared_task
def cloturer(seance_pk: int) -> int:
    """Build the relevé de décisions, then tell each porteur the decision on their dossier.

    Idempotent: the relevé is built once, and a notice whose key is recorded is not sent again.
    """
    seance = Seance.objects.get(pk=seance_pk)
    if not seance.releve:
        contenu = releve_decisions_pdf(seance)
        seance.releve.save(
            f"releve-decisions-{seance.date:%Y-%m-%d}.pdf", ContentFile(contenu), save=False
        )
        seance.save(update_fields=["releve"])
    envoyes = 0
    points = PointOrdreDuJour.objects.filter(seance=seance, decision__isnull=False).select_related(
        "dossier__structure", "decision"
    )
    for point in points.prefetch_related("decision__montants__financeur"):
        envoyes += _notifier_porteur(seance, point)
    return envoyes


def _notifier_porteur(seance, point) -> int:
    dossier = point.dossier
    return notifier(
        cle=f"decision:{point.pk}",
        modele="gouvernance/email/decision",
        contexte={
            "seance": seance,
            "dossier": dossier,
            "decision": point.decision,
            "montants": list(point.decision.montants.all()),
        },
        destinataires=[
            Destinataires(
                users=list(User.objects.filter(adhesions__structure=dossier.structure_id)),
                chemin=reverse("instruction:porteur_dossier", args=[dossier.pk]),
            )
        ],
    )


# --- exports of the dashboards ---


@shared_task
def produire_export(export_pk: int) -> str:
    """Write the CSV or XLSX file of an export, with the scope its author has now."""
    export = Export.objects.select_related("demandeur").filter(pk=export_pk).first()
    if export is None or export.etat != EtatExport.EN_PREPARATION:
        return "rien à faire"
    try:
        # The figures from the replica; the export row (just committed) from the primary.
        with replique():
            tableau = fichiers.construire(export)
        if tableau is None:
            export.etat = EtatExport.ECHEC
        else:
            export.titre = tableau.titre[:200]
            export.nom_fichier = exports.nom_fichier(export.page, tableau, export.format)
            export.fichier.save(
                export.nom_fichier, ContentFile(exports.contenu(tableau, export.format)), save=False
            )
            export.etat = EtatExport.PRET
    except Exception:
        export.etat = EtatExport.ECHEC
        raise
    finally:
        export.termine_le = timezone.now()
        export.save()
    return export.etat


DUREE_CONSERVATION_EXPORTS = datetime.timedelta(days=7)


@shared_task
def supprimer_exports_anciens() -> int:
    """Delete the exports (rows and files) asked for more than seven days ago."""
    anciens = list(
        Export.objects.filter(created_at__lt=timezone.now() - DUREE_CONSERVATION_EXPORTS)
    )
    for export in anciens:
        if export.fichier:
            export.fichier.delete(save=False)
        export.delete()
    return len(anciens)
