"""Personas of DESIGN.md §10 and the real services the suite runs against."""

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
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
from tests.fournisseur_oidc.fixtures import fournisseur_oidc, proconnect  # noqa: F401

# The world where every page has something to show (access matrix, hostile inputs).
from tests.monde import monde  # noqa: F401
from tests.second_facteur import ClientCper

RACINE = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def clamd_reel():
    """The real clamd every upload is scanned by; started here when its socket is silent."""
    from django.conf import settings

    resultat = subprocess.run(  # noqa: S603
        ["bash", str(RACINE / "scripts" / "clamav" / "demarrer.sh"), settings.CLAMD_SOCKET],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if resultat.returncode != 0:
        pytest.fail(f"clamd n'a pas démarré : {resultat.stderr}")
    return settings.CLAMD_SOCKET


@pytest.fixture(autouse=True)
def _compteurs_de_limites_vides(request):
    """Rate-limit counters start at zero: the cache table outlives transactional tests."""
    if "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db"):
        from django.core.cache import caches

        request.getfixturevalue("django_db_blocker").unblock()
        try:
            caches["limites"].clear()
        finally:
            request.getfixturevalue("django_db_blocker").restore()


@pytest.fixture(autouse=True)
def _agregats_a_jour(request):
    """After every test that used the database, the kept aggregates equal a from-scratch
    computation: a service that moves a dossier or its money without
    `dossiers.agregats.recalculer_dossier` fails the test that drives it, instead of showing
    stale figures on the dashboards. `@pytest.mark.agregats_libres` opts a test out."""
    marqueur = request.node.get_closest_marker("django_db")
    noms = request.fixturenames
    if request.node.get_closest_marker("agregats_libres"):
        yield
        return
    if (
        "transactional_db" in noms
        or "live_server" in noms
        or (
            marqueur
            and (marqueur.kwargs.get("transaction") or (marqueur.args and marqueur.args[0]))
        )
    ):
        request.getfixturevalue("transactional_db")
    elif marqueur or "db" in noms:
        request.getfixturevalue("db")
    else:
        yield
        return
    yield
    from django.db import DatabaseError, transaction

    from dossiers import agregats, recherche
    from instruction import suivi

    try:
        with transaction.atomic():
            ecarts = agregats.ecarts()
            ecarts_instruction = suivi.ecarts()
            ecarts_recherche = recherche.ecarts()
    except DatabaseError:
        return  # the test left its transaction broken on purpose: nothing to compare
    if ecarts_recherche:
        pytest.fail(
            "Textes cherchés tenus périmés (numéro, intitulé ou raison sociale écrits sans "
            f"Dossier.save ni Structure.save) : {ecarts_recherche[:5]}",
            pytrace=False,
        )
    if ecarts_instruction:
        pytest.fail(
            "États d'instruction tenus périmés (un service a routé un dossier ou enregistré "
            f"un avis sans instruction.suivi.tenir) : {ecarts_instruction[:5]}",
            pytrace=False,
        )
    if ecarts:
        pytest.fail(
            "Agrégats des tableaux de bord périmés (un service n'a pas appelé "
            f"agregats.recalculer_dossier) : {ecarts[:5]}",
            pytrace=False,
        )


@pytest.fixture
def client():
    """pytest-django's client, whose force_login also gives the second factor when owed."""
    return ClientCper()


@pytest.fixture(autouse=True)
def _fichiers_prives_temporaires(settings, tmp_path):
    """Uploaded and generated files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "prive"
    settings.DONNEES_OUVERTES_ROOT = tmp_path / "donnees-ouvertes"


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


@dataclass
class WorkerReel:
    process: subprocess.Popen
    file: str
    media_root: Path


DEMARRAGE_WORKER = 120  # seconds


def lancer_worker(*, file: str, media_root: Path, env_en_plus: dict | None = None) -> WorkerReel:
    """Start a real Celery worker process on the test database, consuming the queue `file`.

    It writes files to `media_root` and its log beside it; the caller stops it with
    `arreter_worker`. Celery's app must already point at the broker the worker uses.
    """
    from django.db import connection

    from cper.celery import app

    base = connection.settings_dict
    journal = media_root.parent / f"{file}.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cper.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_FILE_TESTS": file,
        "PRIVATE_MEDIA_ROOT": str(media_root),
        "DATABASE_URL": (
            f"postgres://{base['USER']}:{base['PASSWORD'] or ''}@{base['HOST']}:{base['PORT']}"
            f"/{base['NAME']}"
        ),
        **(env_en_plus or {}),
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
            f"--queues={file}",
            f"--hostname={file}@%h",
        ],
        cwd=RACINE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=journal.open("w"),
    )
    # A few seconds on a calm machine; much more when the suite shares the cores with
    # others. Ready is ready: the wait costs nothing more when the worker is quick.
    limite = time.monotonic() + DEMARRAGE_WORKER
    while time.monotonic() < limite:
        if app.control.ping(destination=[f"{file}@{socket.gethostname()}"], timeout=0.5):
            return WorkerReel(process=process, file=file, media_root=media_root)
        if process.poll() is not None:
            pytest.fail(f"Le worker Celery s'est arrêté au démarrage (journal : {journal}).")
    arreter_worker(process)
    pytest.fail(f"Le worker Celery n'a pas répondu en {DEMARRAGE_WORKER} secondes.")


def arreter_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def celery_worker_reel(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real Celery worker process on the real Redis broker, using the test database.

    It listens on a queue of its own, so that no other worker on the same broker (a developer's
    `make run`, another test run) takes the tasks of this run; it writes files to `media_root`.
    """
    from django.conf import settings

    worker = lancer_worker(
        file=settings.CELERY_TASK_DEFAULT_QUEUE, media_root=tmp_path_factory.mktemp("prive-worker")
    )
    try:
        yield worker
    finally:
        arreter_worker(worker.process)


@pytest.fixture
def envoi_au_worker(celery_worker_reel, settings):
    """Send tasks for real to the test worker's queue (not run in-process) during one test."""
    from cper.celery import app

    settings.MEDIA_ROOT = celery_worker_reel.media_root
    app.conf.task_always_eager = False
    yield celery_worker_reel
    app.conf.task_always_eager = True


# --- a broker of one's own, to stop and start again ---------------------------------------------


def port_libre() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Courtier:
    """A `redis-server` subprocess on a free port; stopped and started again by the tests."""

    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def demarrer(self) -> None:
        if self.process is not None:
            return
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        limite = time.monotonic() + 10
        while time.monotonic() < limite:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.02)
        pytest.fail(f"redis-server n'a pas démarré sur le port {self.port}.")

    def arreter(self) -> None:
        if self.process is None:
            return
        self.process.kill()
        self.process.wait(timeout=10)
        self.process = None


def pointer_celery_vers(url: str) -> None:
    """Send Celery's messages to `url` from now on: new URL, pooled connections dropped."""
    from kombu import pools

    from cper.celery import app

    pools.reset()
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(scope="module")
def courtier_jetable():
    courtier = Courtier(port=port_libre())
    courtier.demarrer()
    try:
        yield courtier
    finally:
        courtier.arreter()


@pytest.fixture
def courtier_en_panne(courtier_jetable, settings):
    """Celery publishes for real (not in-process) to a Redis that is down for this test.

    `courtier_en_panne.demarrer()` brings it back on the same port.
    """
    from cper.celery import app

    courtier_jetable.demarrer()
    avant = app.conf.broker_url
    settings.REDIS_URL = settings.CELERY_BROKER_URL = courtier_jetable.url
    pointer_celery_vers(courtier_jetable.url)
    app.conf.task_always_eager = False
    courtier_jetable.arreter()
    try:
        yield courtier_jetable
    finally:
        app.conf.task_always_eager = True
        pointer_celery_vers(avant)
