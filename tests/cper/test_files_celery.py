"""Celery queues by weight: PDFs and exports on `lourd`, e-mails and notices on the default one."""

import os

import pytest
import redis
from django.conf import settings as reglages

from cper import effets
from cper.settings import base
from tests.conftest import pointer_celery_vers


@pytest.fixture
def courtier_reel(courtier_jetable):
    """Celery publishes for real to a Redis of this test's own; eager mode off."""
    from cper.celery import app

    courtier_jetable.demarrer()
    avant = app.conf.broker_url
    pointer_celery_vers(courtier_jetable.url)
    app.conf.task_always_eager = False
    try:
        yield redis.Redis.from_url(courtier_jetable.url)
    finally:
        app.conf.task_always_eager = True
        pointer_celery_vers(avant)


def test_les_pdf_et_les_exports_partent_sur_la_file_lourde(courtier_reel, settings):
    lourde = f"lourd-tests-{os.getpid()}"
    settings.CELERY_TASK_ROUTES = {t: {"queue": lourde} for t in base.TACHES_LOURDES}
    assert effets.publier(1, "dossiers.tasks.emettre_recepisse")
    assert effets.publier(2, "gouvernance.tasks.produire_export")
    assert effets.publier(3, "instruction.tasks.notifier")
    assert courtier_reel.llen(lourde) == 2
    assert courtier_reel.llen(reglages.CELERY_TASK_DEFAULT_QUEUE) == 1


def test_la_production_range_chaque_tache_lourde_sur_la_file_lourde():
    for tache in base.TACHES_LOURDES:
        assert base.CELERY_TASK_ROUTES[tache] == {"queue": "lourd"}
    assert "instruction.tasks.notifier" not in base.CELERY_TASK_ROUTES
    assert "cper.comptes.tasks.envoyer_confirmation_inscription" not in base.CELERY_TASK_ROUTES


def test_les_tests_gardent_une_seule_file_par_processus():
    assert reglages.CELERY_TASK_ROUTES == {}
    assert effets.file_de("dossiers.tasks.emettre_recepisse") is None
