"""Personas of DESIGN.md §10 and the real services the suite runs against."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cper.comptes.enums import Role
from tests.factories import (
    ArrondissementFactory,
    CommuneFactory,
    GuichetFactory,
    StructureFactory,
    UserFactory,
)

RACINE = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fichiers_prives_temporaires(settings, tmp_path):
    """Uploaded and generated files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "prive"


@pytest.fixture
def arrondissement_douai(db):
    return ArrondissementFactory(code="593", nom="Douai", chef_lieu="59178")


@pytest.fixture
def commune_douai(arrondissement_douai):
    return CommuneFactory(code_insee="59178", nom="Douai", arrondissement=arrondissement_douai)


@pytest.fixture
def guichet_douai(arrondissement_douai):
    return GuichetFactory(
        code="sp-douai", nom="Sous-préfecture de Douai", arrondissement=arrondissement_douai
    )


@pytest.fixture
def guichet_region(db):
    return GuichetFactory(conseil_regional=True)


@pytest.fixture
def porteur(db):
    return UserFactory(email="porteur@exemple.fr", roles=[Role.PORTEUR])


@pytest.fixture
def structure(porteur, commune_douai):
    """The porteur's structure: a commune of the Douai arrondissement."""
    return StructureFactory(
        raison_sociale="Commune de Douai", commune=commune_douai, membres=[porteur]
    )


@pytest.fixture
def autre_porteur(db):
    return UserFactory(email="autre.porteur@exemple.fr", roles=[Role.PORTEUR])


@pytest.fixture
def autre_structure(autre_porteur):
    return StructureFactory(raison_sociale="Commune de Cambrai", membres=[autre_porteur])


@pytest.fixture
def agent_sp_douai(guichet_douai):
    agent = UserFactory(email="agent.douai@exemple.fr", roles=[Role.AGENT_GUICHET])
    agent.groups.add(guichet_douai.groupe)
    return agent


@pytest.fixture
def agent_region(guichet_region):
    agent = UserFactory(email="agent.region@exemple.fr", roles=[Role.AGENT_GUICHET])
    agent.groups.add(guichet_region.groupe)
    return agent


@pytest.fixture
def instructeur_etat(db):
    return UserFactory(email="instructeur.etat@exemple.fr", roles=[Role.INSTRUCTEUR])


@pytest.fixture
def instructeur_region(db):
    return UserFactory(email="instructeur.region@exemple.fr", roles=[Role.INSTRUCTEUR])


@pytest.fixture
def membre_pilotage(db):
    return UserFactory(email="pilotage@exemple.fr", roles=[Role.MEMBRE_PILOTAGE])


@pytest.fixture
def membre_concertation_opale(db):
    return UserFactory(email="concertation.opale@exemple.fr", roles=[Role.MEMBRE_CONCERTATION])


@pytest.fixture
def administrateur(db):
    return UserFactory(
        email="admin@exemple.fr", roles=[Role.ADMINISTRATEUR], is_staff=True, is_superuser=True
    )


@pytest.fixture
def inconnu(db):
    """Signed in, but holding no role and no permission on anything."""
    return UserFactory(email="inconnu@exemple.fr")


@pytest.fixture(scope="session")
def celery_worker_reel(django_db_setup, django_db_blocker):
    """A real Celery worker process on the real Redis broker, using the test database."""
    from django.db import connection

    base = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cper.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": (
            f"postgres://{base['USER']}:{base['PASSWORD'] or ''}@{base['HOST']}:{base['PORT']}"
            f"/{base['NAME']}"
        ),
    }
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cper",
            "worker",
            "--pool=solo",
            "--loglevel=warning",
            f"--hostname=test-{os.getpid()}@%h",
        ],
        cwd=RACINE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from cper.celery import app

    try:
        limite = time.monotonic() + 30
        while time.monotonic() < limite:
            if app.control.ping(timeout=0.5):
                break
            if process.poll() is not None:
                pytest.fail("Le worker Celery s'est arrêté au démarrage.")
        else:
            pytest.fail("Le worker Celery n'a pas répondu en 30 secondes.")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=15)
