"""Webhooks: each event becomes one delivery per subscription, sent by Celery and retried.

- `distribuer` hears every event (`cper.evenements.abonner`) in the publisher's transaction and
  only writes rows: one `Livraison` per active subscription to its type. The delivery task is
  handed to the broker after the commit, best effort: the beat job `livraisons_relancer`
  hands over every minute what is due, so a broker outage delays deliveries, never loses one.
- `livraison_envoyer` (the task) sends one delivery once, records the attempt, and on failure
  pauses the subscription 1, 2, 4… minutes (at most six hours, `cper.effets.delai_apres`): its
  other deliveries wait for the end of the pause instead of failing in turn, so a burst of
  events during an outage counts as one failure per pause. A delivery is abandoned after
  `WEBHOOKS_TENTATIVES_MAX` attempts; after `WEBHOOKS_ECHECS_AVANT_DESACTIVATION` failures in
  a row the subscription is disabled and its owner told by e-mail (through the outbox).
- Receivers must accept a delivery twice (the same `webhook-id`): a worker that dies after
  sending and before recording sends it again.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from api.enums import StatutLivraison
from api.envoi import corps, envoyer
from api.models import Abonnement, Livraison
from cper.effets import DELAI_REPUBLICATION, LOT_RELANCE, delai_apres, differer

logger = logging.getLogger(__name__)
A_ENVOYER = StatutLivraison.A_ENVOYER


def _confier(livraison_pk: int) -> bool:
    """Hand a delivery to the broker; never raises (the beat job hands it over again)."""
    try:
        # By name: api.tasks imports this module.
        import_string("api.tasks.livrer").apply_async((livraison_pk,), retry=False)
    except Exception as exc:
        logger.warning("Livraison %s non transmise au courtier : %s", livraison_pk, exc)
        return False
    return True


def _confier_apres_validation(livraisons) -> None:
    for livraison in livraisons:
        transaction.on_commit(lambda pk=livraison.pk: _confier(pk), robust=True)


def distribuer(evenement) -> list[Livraison]:
    """One delivery of `evenement` per active subscription to its type (rows only)."""
    maintenant = timezone.now()
    abonnements = Abonnement.objects.filter(actif=True, types__contains=[evenement.type])
    livraisons = Livraison.objects.bulk_create(
        Livraison(evenement=evenement, abonnement=abonnement, prochain_essai=maintenant)
        for abonnement in abonnements
    )
    _confier_apres_validation(livraisons)
    return livraisons


def _abandonner(livraison: Livraison, raison: str) -> None:
    livraison.statut = StatutLivraison.ABANDONNEE
    livraison.prochain_essai = None
    livraison.derniere_erreur = raison
    livraison.save()


def _en_attente(abonnement: Abonnement):
    """The subscription's deliveries waiting to be sent, but not those being sent right now:
    their rows are locked by a worker that will then wait for the subscription's row, which
    the caller holds (waiting for them in turn would be a deadlock)."""
    libres = Livraison.objects.select_for_update(skip_locked=True).filter(
        abonnement=abonnement, statut=A_ENVOYER
    )
    return Livraison.objects.filter(pk__in=list(libres.values_list("pk", flat=True)))


def _desactiver(abonnement: Abonnement, maintenant) -> None:
    """Disable a subscription that keeps failing; its owner is told after the commit."""
    abonnement.actif = False
    abonnement.desactive_le = maintenant
    abonnement.en_pause_jusqu_au = None
    # Deliveries not being sent right now are abandoned; one in flight sees `actif` at its end.
    _en_attente(abonnement).update(
        statut=StatutLivraison.ABANDONNEE,
        prochain_essai=None,
        derniere_erreur="Abonnement désactivé après des échecs répétés.",
    )
    cle = f"webhooks:desactivation:{abonnement.pk}:{int(maintenant.timestamp())}"
    differer("api.tasks.prevenir_desactivation", abonnement.pk, cle, cle=cle)
    logger.warning(
        "Abonnement %s désactivé après %s échecs", abonnement.pk, abonnement.echecs_consecutifs
    )


def livraison_envoyer(livraison_pk: int) -> str:
    """Send one delivery that is due to be sent, once, and record the attempt."""
    with transaction.atomic():
        livraison = (
            Livraison.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("abonnement", "evenement")
            .filter(pk=livraison_pk, statut=A_ENVOYER)
            .first()
        )
        if livraison is None:
            return "rien à faire"
        abonnement = livraison.abonnement
        maintenant = timezone.now()
        if not abonnement.actif:
            _abandonner(livraison, "Abonnement inactif.")
            return livraison.statut
        if abonnement.en_pause_jusqu_au and abonnement.en_pause_jusqu_au > maintenant:
            livraison.prochain_essai = abonnement.en_pause_jusqu_au
            livraison.save(update_fields=["prochain_essai"])
            return "reportée"
        evenement = livraison.evenement
        reponse = envoyer(
            url=abonnement.url,
            secret=abonnement.secret,
            identifiant=evenement.identifiant,
            contenu=corps(evenement),
        )
        livraison.tentatives += 1
        livraison.statut_http = reponse.statut
        livraison.duree_ms = reponse.duree_ms
        livraison.extrait_reponse = reponse.extrait[:500]
        livraison.derniere_erreur = (
            "" if reponse.reussie else (reponse.erreur or f"Réponse HTTP {reponse.statut}")[:500]
        )
        logger.info(
            "Webhook %s (%s) vers l'abonnement %s, essai %s : %s en %s ms",
            livraison.pk,
            evenement.type,
            abonnement.pk,
            livraison.tentatives,
            reponse.statut or reponse.erreur,
            reponse.duree_ms,
        )
        # Locked only now, for a moment: other deliveries of the subscription were not held
        # up by this one's HTTP call.
        abonnement = Abonnement.objects.select_for_update().get(pk=abonnement.pk)
        maintenant = timezone.now()
        if reponse.reussie:
            livraison.statut = StatutLivraison.LIVREE
            livraison.livree_le = maintenant
            livraison.prochain_essai = None
            abonnement.echecs_consecutifs = 0
            abonnement.en_pause_jusqu_au = None
        else:
            # Deliveries failing together during one pause count as one failure.
            if not abonnement.en_pause_jusqu_au or abonnement.en_pause_jusqu_au <= maintenant:
                abonnement.echecs_consecutifs += 1
                abonnement.en_pause_jusqu_au = maintenant + delai_apres(
                    abonnement.echecs_consecutifs
                )
            livraison.prochain_essai = abonnement.en_pause_jusqu_au
            if (
                abonnement.actif
                and abonnement.echecs_consecutifs >= settings.WEBHOOKS_ECHECS_AVANT_DESACTIVATION
            ):
                _desactiver(abonnement, maintenant)
            if not abonnement.actif or livraison.tentatives >= settings.WEBHOOKS_TENTATIVES_MAX:
                livraison.statut = StatutLivraison.ABANDONNEE
                livraison.prochain_essai = None
        abonnement.save()
        livraison.save()
        return livraison.statut


def livraisons_relancer(*, maintenant=None) -> int:
    """The beat job: hand over again every delivery due (least tried first)."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        dues = list(
            Livraison.objects.select_for_update(skip_locked=True)
            .filter(statut=A_ENVOYER, prochain_essai__lte=maintenant)
            .order_by("tentatives", "prochain_essai", "pk")
            .values_list("pk", flat=True)[:LOT_RELANCE]
        )
        # A lease, as for the outbox: the next runs leave these to the worker for a while.
        Livraison.objects.filter(pk__in=dues).update(
            prochain_essai=maintenant + DELAI_REPUBLICATION
        )
    return sum(_confier(pk) for pk in dues)


@transaction.atomic
def livraisons_rejouer(*, livraisons, par) -> tuple[int, int]:
    """Send again the chosen deliveries' events (a new delivery each, with the same
    `webhook-id`); deliveries of an inactive subscription are left. (replayed, left)"""
    if not par.is_staff:
        raise PermissionDenied
    choisies = list(livraisons.select_related("abonnement"))
    maintenant = timezone.now()
    nouvelles = Livraison.objects.bulk_create(
        Livraison(
            evenement_id=livraison.evenement_id,
            abonnement=livraison.abonnement,
            prochain_essai=maintenant,
        )
        for livraison in choisies
        if livraison.abonnement.actif
    )
    _confier_apres_validation(nouvelles)
    logger.info("%s livraison(s) rejouée(s) par %s", len(nouvelles), par.pk)
    return len(nouvelles), len(choisies) - len(nouvelles)


@transaction.atomic
def abonnements_reactiver(*, abonnements, par) -> int:
    """Activate again subscriptions disabled (by failures or by hand), with a clean slate."""
    if not par.is_staff:
        raise PermissionDenied
    n = 0
    for abonnement in abonnements.select_for_update().filter(actif=False):
        abonnement.reactiver()
        abonnement.save()
        n += 1
    return n
