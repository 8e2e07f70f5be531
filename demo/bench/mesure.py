"""In-process measurement: the Django test client, every page in turn, median of the rounds.

The pages are interleaved round after round, so that a burst of load on the machine spreads
over all of them instead of falling on one; every ratio is taken against the bare view of the
same run.
"""

import statistics
import time
from dataclasses import dataclass, field

from django.db import connections
from django.test.utils import CaptureQueriesContext

from cper.demarrage import ramasse_miettes

from .pages import Page

CHAUFFE = 2


@dataclass
class Resultat:
    page: Page
    statut: int = 0
    requetes: int = 0
    octets: int = 0
    durees: list[float] = field(default_factory=list)  # seconds
    http_par_seconde: float | None = None
    http_mediane: float | None = None  # seconds
    http_erreurs: int = 0

    @property
    def mediane(self) -> float:
        return statistics.median(self.durees) if self.durees else float("nan")


def _requetes_et_taille(page: Page) -> tuple[int, int, int]:
    """One request watched on every database alias: (status, queries, bytes)."""
    captures = [CaptureQueriesContext(connections[alias]) for alias in connections]
    for capture in captures:
        capture.__enter__()
    try:
        reponse = page.client.get(page.url)
    finally:
        for capture in captures:
            capture.__exit__(None, None, None)
    return reponse.status_code, sum(len(c) for c in captures), len(reponse.content)


def mesurer(pages: list[Page], *, tours: int, sortie=None) -> list[Resultat]:
    resultats = [Resultat(page) for page in pages]
    for _ in range(CHAUFFE):
        for page in pages:
            page.client.get(page.url)
    # This process warmed, then set as a gunicorn worker is when it starts (cper.wsgi).
    ramasse_miettes()
    for resultat in resultats:
        resultat.statut, resultat.requetes, resultat.octets = _requetes_et_taille(resultat.page)
    for tour in range(tours):
        for resultat in resultats:
            debut = time.perf_counter()
            resultat.page.client.get(resultat.page.url)
            resultat.durees.append(time.perf_counter() - debut)
        if sortie:
            sortie(f"  tour {tour + 1}/{tours}")
    return resultats
