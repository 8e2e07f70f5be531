"""Over HTTP: gunicorn started as the Procfile starts it, and a load generator on the loopback.

`wrk` (Debian's package) when installed, else a small concurrent client in Python. Every run
is bounded in time and sends requests to 127.0.0.1 only.
"""

import concurrent.futures
import http.client
import os
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

CONNEXIONS = 4
UNITES = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def commande_gunicorn(port: int) -> list[str]:
    """The Procfile's web line, bound to our port, access log discarded."""
    for ligne in (Path(settings.BASE_DIR) / "Procfile").read_text().splitlines():
        if ligne.startswith("web:"):
            mots = shlex.split(ligne.removeprefix("web:"))
            break
    else:
        raise RuntimeError("Procfile sans ligne web")
    sortie = [sys.executable, "-m", "gunicorn"]
    mots = mots[1:]
    i = 0
    while i < len(mots):
        if mots[i] in ("--bind", "-b", "--access-logfile"):
            i += 2
            continue
        sortie.append(mots[i])
        i += 1
    return [*sortie, "--bind", f"127.0.0.1:{port}"]


class Serveur:
    """gunicorn on a free port with the benchmark's settings and database; stops on exit."""

    def __init__(self, url_base_de_donnees: str, environnement: dict | None = None):
        self.port = port_libre()
        self.environnement = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "demo.bench.settings",
            "DATABASE_URL": url_base_de_donnees,
            "DATABASE_REPLICA_URL": url_base_de_donnees,
            **(environnement or {}),
        }
        self.processus = None
        self.demarrage = None  # seconds until the first answer

    def __enter__(self):
        debut = time.perf_counter()
        self.processus = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            commande_gunicorn(self.port),
            cwd=settings.BASE_DIR,
            env=self.environnement,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        limite = time.monotonic() + 60
        while time.monotonic() < limite:
            try:
                statut, _ = requete(self.port, "/sante/vivant/", "")
                if statut == 200:
                    self.demarrage = time.perf_counter() - debut
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn n'a pas répondu en 60 s")

    def __exit__(self, *exc):
        if self.processus and self.processus.poll() is None:
            self.processus.terminate()
            try:
                self.processus.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.processus.kill()
                self.processus.wait()


def requete(port: int, chemin: str, cookie: str, delai: float = 60) -> tuple[int, int]:
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=delai)
    try:
        connexion.request("GET", chemin, headers={"Cookie": cookie} if cookie else {})
        reponse = connexion.getresponse()
        return reponse.status, len(reponse.read())
    finally:
        connexion.close()


def wrk_disponible() -> bool:
    return shutil.which("wrk") is not None


def charger(port: int, chemin: str, cookie: str, duree: float) -> tuple[float, float, int]:
    """(requests per second, median latency in seconds, errors) over `duree` seconds."""
    if wrk_disponible():
        return _wrk(port, chemin, cookie, duree)
    return _client_python(port, chemin, cookie, duree)


def _wrk(port, chemin, cookie, duree) -> tuple[float, float, int]:
    sortie = subprocess.run(  # noqa: S603
        [  # noqa: S607 - Debian's wrk on the PATH
            "wrk",
            "-t1",
            f"-c{CONNEXIONS}",
            f"-d{max(1, round(duree))}s",
            "--timeout",
            "60s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{chemin}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=duree + 120,
    ).stdout
    par_seconde = float(re.search(r"Requests/sec:\s+([\d.]+)", sortie).group(1))
    if not par_seconde:
        return 0.0, float("nan"), 0
    mediane = re.search(r"50%\s+([\d.]+)(us|ms|s|m)", sortie)
    erreurs = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", sortie)
    return (
        par_seconde,
        float(mediane.group(1)) * UNITES[mediane.group(2)] if mediane else float("nan"),
        int(erreurs.group(1)) if erreurs else 0,
    )


def _client_python(port, chemin, cookie, duree) -> tuple[float, float, int]:
    fin = time.monotonic() + duree

    def boucle():
        durees, erreurs = [], 0
        while time.monotonic() < fin or not durees:
            debut = time.perf_counter()
            statut, _ = requete(port, chemin, cookie)
            durees.append(time.perf_counter() - debut)
            erreurs += statut != 200
        return durees, erreurs

    debut = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(CONNEXIONS) as pool:
        resultats = list(pool.map(lambda _: boucle(), range(CONNEXIONS)))
    ecoule = time.perf_counter() - debut
    durees = [d for liste, _ in resultats for d in liste]
    return len(durees) / ecoule, statistics.median(durees), sum(e for _, e in resultats)
