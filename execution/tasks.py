"""Celery tasks of the execution: take primary keys, re-read, idempotent."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from cper.notifications import Destinataires, notifier
from execution.documents import acte_pdf
from execution.enums import Echeance, EtatActe
from execution.models import Acte, PropositionCaducite, Prorogation, VersionActe
from execution.services.echeances import echeances_surveiller

User = get_user_model()


@shared_task
def produire_acte(acte_pk: int) -> bool:
    """Build the act's PDF for its current state; once notified, tell the porteur.

    The act row is locked; a PDF already built for this state is not built again.
    """
    with transaction.atomic():
        acte = (
            Acte.objects.select_for_update(of=("self",))
            .select_related("dossier__structure", "financeur", "dossier__volet")
            .get(pk=acte_pk)
        )
        if acte.fichier and acte.fichier_etat == acte.etat:
            return False
        ancien = acte.fichier.name
        acte.fichier.save(f"acte-{acte.pk}.pdf", ContentFile(acte_pdf(acte)), save=False)
        acte.fichier_etat = acte.etat
        acte.save(update_fields=["fichier", "fichier_etat"])
        # A version replaced by an avenant keeps its PDF.
        if (
            ancien
            and ancien != acte.fichier.name
            and not VersionActe.objects.filter(fichier=ancien).exists()
        ):
            stockage = acte.fichier.storage
            transaction.on_commit(lambda: stockage.delete(ancien))
        if acte.etat == EtatActe.NOTIFIE:
            dossier = acte.dossier
            notifier(
                cle=f"acte-notifie:{acte.pk}:{acte.version}",
                modele="execution/email/acte_notifie",
                contexte={"acte": acte, "dossier": dossier},
                destinataires=[
                    Destinataires(
                        users=list(User.objects.filter(adhesions__structure=dossier.structure_id)),
                        chemin=reverse("execution:porteur", args=[dossier.pk]),
                    )
                ],
            )
    return True


@shared_task
def surveiller_echeances() -> dict:
    """Beat, every morning: warnings 60 days before each deadline, caducité proposed after it."""
    return echeances_surveiller()


def _porteurs(dossier):
    return list(User.objects.filter(adhesions__structure=dossier.structure_id))


def _agents(acte):
    return list(User.objects.filter(groups__parametres_execution__financeur=acte.financeur_id))


@shared_task
def notifier_echeance(evenement: str, pk: int, cle: str, echeance: str = "") -> int:
    """The notices of a deadline's event, once per key (re-read, idempotent)."""
    if evenement in ("prorogation_demandee", "prorogation_decidee"):
        prorogation = Prorogation.objects.select_related("acte__dossier", "acte__financeur").get(
            pk=pk
        )
        acte, contexte = prorogation.acte, {"prorogation": prorogation}
    elif evenement == "avertissement":
        acte, contexte = Acte.objects.select_related("dossier", "financeur").get(pk=pk), {}
    else:
        proposition = PropositionCaducite.objects.select_related(
            "acte__dossier", "acte__financeur"
        ).get(pk=pk)
        acte, contexte = proposition.acte, {"proposition": proposition}
    dossier = acte.dossier
    page_porteur = Destinataires(
        users=_porteurs(dossier), chemin=reverse("execution:porteur", args=[dossier.pk])
    )
    page_agents = Destinataires(
        users=_agents(acte), chemin=reverse("execution:dossier", args=[dossier.pk])
    )
    destinataires = {
        "avertissement": [page_porteur, page_agents],
        "prorogation_demandee": [page_agents],
        "prorogation_decidee": [page_porteur],
        "proposition": [page_agents],
        "caducite_confirmee": [page_porteur, page_agents],
    }[evenement]
    return notifier(
        cle=cle,
        modele=f"execution/email/{evenement}",
        contexte={
            "acte": acte,
            "dossier": dossier,
            "echeance": Echeance(echeance).label.lower() if echeance else "",
            "date_limite": (
                acte.date_limite_commencement
                if echeance == Echeance.COMMENCEMENT
                else acte.date_limite_achevement
            ),
            **contexte,
        },
        destinataires=destinataires,
    )
