"""The quarantine: files stored while the scanner was unreachable are scanned again."""

import logging

from celery import shared_task
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from cper.courriels import courriel
from cper.effets import differer

from . import antivirus
from .controle import alerter_quarantaine
from .enums import StatutAntivirus, Usage
from .models import FichierAnalyse

logger = logging.getLogger(__name__)


def _modeles():
    return [m for m in apps.get_models() if issubclass(m, FichierAnalyse)]


def _analyser(modele, pk) -> str:
    with transaction.atomic():
        objet = (
            modele.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, statut_antivirus=StatutAntivirus.EN_ANALYSE)
            .first()
        )
        if objet is None:
            return "deja"
        try:
            with objet.fichier.open("rb") as flux:
                analyse = antivirus.analyser(flux)
        except FileNotFoundError:
            logger.error("Fichier en quarantaine absent du stockage : %s", objet.fichier.name)
            return "absent"
        if not analyse.infecte:
            modele.objects.filter(pk=pk).update(statut_antivirus=StatutAntivirus.SAIN)
            return "sain"
        alerter_quarantaine(objet=objet, signature=analyse.signature)
        deposant = objet.televerse_par
        contexte = {"nom": objet.nom_original, "usage": Usage(objet.usage).label}
        nom_stocke = objet.fichier.name
        stockage = objet.fichier.storage
        objet.delete()
        transaction.on_commit(lambda: stockage.delete(nom_stocke))
        if deposant is not None:
            # Through the outbox: an SMTP outage delays the warning, it does not lose it.
            differer(signaler_fichier_infecte, deposant.pk, contexte)
        return "infecte"


@shared_task
def signaler_fichier_infecte(user_pk: int, contexte: dict) -> None:
    """Tell the person who uploaded it that a file kept in quarantine was infected."""
    deposant = get_user_model().objects.filter(pk=user_pk).first()
    if deposant is not None and deposant.email:
        courriel("televersement/email/fichier_infecte", contexte, to=[deposant.email]).send()


@shared_task
def analyser_quarantaine() -> dict:
    """Scan every file still waiting; stop at the first sign that clamd is still down."""
    bilan = {"sain": 0, "infecte": 0, "absent": 0, "deja": 0}
    for modele in _modeles():
        pks = list(
            modele.objects.filter(statut_antivirus=StatutAntivirus.EN_ANALYSE)
            .order_by("pk")
            .values_list("pk", flat=True)[:500]
        )
        for pk in pks:
            try:
                bilan[_analyser(modele, pk)] += 1
            except antivirus.AntivirusIndisponible:
                logger.warning("Quarantaine : antivirus toujours injoignable")
                return bilan
    if bilan["sain"] or bilan["infecte"]:
        logger.info("Quarantaine analysée : %s", bilan)
    return bilan
