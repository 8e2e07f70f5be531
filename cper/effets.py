"""The outbox: side effects written in the user's transaction, carried out by Celery, retried.

A service calls `differer("dossiers.tasks.emettre_recepisse", dossier.pk, porteur.pk, cle=...)`
inside its transaction. The row commits with the change it follows, or not at all. After the
commit it is handed to the broker on a best-effort basis: if Redis is down the publication fails
fast, is logged, and the user's action still succeeds. A worker then runs `executer`, which locks
the row, runs the task function and marks the row done, or schedules the next attempt with an
exponential backoff. Every minute, the beat job `relancer` hands over again what is due and asks
each app to reconcile its own facts (a filed dossier without récépissé, …) into missing rows.

Each task stays idempotent on its own: a row may be carried out again if the worker dies after
the task ran and before its transaction committed.
"""

import datetime
import logging
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules, import_string

from .enums import EtatEffet
from .models import EffetDiffere

logger = logging.getLogger(__name__)

# Backoff after the n-th failure: 1, 2, 4 … minutes, at most six hours; given up after 12.
DELAI_INITIAL = datetime.timedelta(minutes=1)
DELAI_MAXIMAL = datetime.timedelta(hours=6)
TENTATIVES_MAX = 12
# A row handed over by the beat job is not handed over again before this delay.
DELAI_REPUBLICATION = datetime.timedelta(minutes=2)
LOT_RELANCE = 500
# Reconciliation looks this far back: the rows the services write cover any outage, however
# long; this catches a lost row, not years of history (demo data included).
HORIZON_RECONCILIATION = datetime.timedelta(days=7)

_reconciliations: list[Callable[[], Iterable[EffetDiffere]]] = []


def _nom(tache) -> str:
    return getattr(tache, "name", tache)


def differer(tache, *arguments, cle: str | None = None) -> EffetDiffere:
    """Record a side effect in the current transaction; it is handed to Celery after commit.

    `tache` is the dotted path of a Celery task (or the task itself); `arguments` are primary
    keys and other JSON values. A second call with the same `cle` returns the first row.
    """
    nom = _nom(tache)
    import_string(nom)  # a typo fails here, in the service's test, not in a worker at night
    effet, cree = EffetDiffere.objects.get_or_create(
        cle=cle or f"{nom}:{uuid.uuid4().hex}",
        defaults={"tache": nom, "arguments": list(arguments), "prochain_essai": timezone.now()},
    )
    if cree:
        transaction.on_commit(lambda: publier(effet.pk, nom), robust=True)
    return effet


def file_de(tache: str) -> str | None:
    """The Celery queue of a task (settings.CELERY_TASK_ROUTES); None for the default one."""
    return settings.CELERY_TASK_ROUTES.get(tache, {}).get("queue")


def publier(effet_pk: int, tache: str) -> bool:
    """Hand a row to the broker on its task's queue; never raises. The beat job retries."""
    try:
        # By name: cper.tasks imports this module.
        import_string("cper.tasks.executer_effet").apply_async(
            (effet_pk,), retry=False, queue=file_de(tache)
        )
    except Exception as exc:
        logger.warning("Effet %s non transmis au courtier, il sera relancé : %s", effet_pk, exc)
        return False
    return True


def delai_apres(tentatives: int) -> datetime.timedelta:
    """How long to wait after the given number of failed attempts."""
    return min(DELAI_INITIAL * 2 ** max(tentatives - 1, 0), DELAI_MAXIMAL)


def executer(effet_pk: int) -> str:
    """Carry out one due row, once: lock it, run its task, mark it done or schedule a retry.

    Runs the task in the row's transaction, so that what the task records (a récépissé, the
    effects it defers in turn) commits together with the row marked done. A row that another
    worker holds, or that is done or given up, is left alone. Only the beat job and the commit
    of the row hand it over, so a row waiting for its next attempt is not run early.
    """
    with transaction.atomic():
        effet = (
            EffetDiffere.objects.select_for_update(skip_locked=True)
            .filter(pk=effet_pk, etat=EtatEffet.A_FAIRE)
            .first()
        )
        if effet is None:
            return "rien à faire"
        try:
            with transaction.atomic():
                import_string(effet.tache)(*effet.arguments)
        except Exception as exc:
            effet.tentatives += 1
            effet.derniere_erreur = f"{exc.__class__.__name__}: {exc}"[:2000]
            effet.prochain_essai = timezone.now() + delai_apres(effet.tentatives)
            if effet.tentatives >= TENTATIVES_MAX:
                effet.etat = EtatEffet.ECHEC
                logger.error("Effet %s abandonné après %s essais", effet.pk, effet.tentatives)
            else:
                logger.warning(
                    "Effet %s (%s) en échec, essai %s : %s",
                    effet.pk,
                    effet.tache,
                    effet.tentatives,
                    effet.derniere_erreur,
                    exc_info=True,
                )
        else:
            effet.etat = EtatEffet.FAIT
            effet.fait_le = timezone.now()
        effet.save()
        return effet.etat


def reconciliation(fonction: Callable[[], Iterable[EffetDiffere]]):
    """Register a function that defers what an app's facts show was never done.

    It runs in the beat job's transaction and calls `differer` with deterministic keys, so that
    an effect already recorded is not recorded twice. Apps register in their `effets` module.
    """
    _reconciliations.append(fonction)
    return fonction


def reconcilier() -> int:
    """Run every app's reconciliation; the number of rows they returned."""
    autodiscover_modules("effets")
    total = 0
    for fonction in _reconciliations:
        try:
            with transaction.atomic():
                total += len(list(fonction()))
        except Exception:
            logger.exception("Réconciliation %s en échec", fonction.__qualname__)
    return total


def relancer(*, maintenant: datetime.datetime | None = None) -> int:
    """The beat job: reconcile facts into rows, then hand over again every due row."""
    reconcilier()
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        dus = dict(
            EffetDiffere.objects.select_for_update(skip_locked=True)
            .filter(etat=EtatEffet.A_FAIRE, prochain_essai__lte=maintenant)
            .order_by("prochain_essai")
            .values_list("pk", "tache")[:LOT_RELANCE]
        )
        # A lease: the next runs leave these rows to the worker for a while, so that a worker
        # slower than the beat does not find the same rows queued many times over.
        EffetDiffere.objects.filter(pk__in=dus).update(
            prochain_essai=maintenant + DELAI_REPUBLICATION
        )
    # Publish after the lease above is committed; a worker may take a row right away.
    return sum(publier(pk, tache) for pk, tache in dus.items())
