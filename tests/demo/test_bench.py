"""`manage.py bench` runs end to end at a tiny size: every page of the budget gets its row.

Not a timed test: the figures are not checked, only that the benchmark cannot rot.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

RACINE = Path(__file__).resolve().parents[2]
PAGES = [
    "vue nue, connectée (référence)",
    "porteur : « Mes dossiers »",
    "porteur de 150 structures : « Mes dossiers »",
    "porteur : page d'un dossier",
    "agent de guichet : page d'un dossier",
    "instructeur : page d'un dossier",
    "guichet : file, première page",
    "guichet : file, dernière page",
    "guichet : file filtrée",
    "guichet : file, recherche",
    "instructeur : file, première page",
    "instructeur : file, dernière page",
    "instructeur : « en attente de mon avis »",
    "tableau de bord de pilotage",
    "tableau de bord du territoire",
    "séance en préparation",
]


@pytest.fixture
def base_jetable():
    return f"cper_bench_tests_{os.getpid()}"


@pytest.fixture
def sortie(base_jetable):
    base = base_jetable
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cper.settings.dev", "DEBUG": "false"}
    resultat = subprocess.run(  # noqa: S603
        [
            *[sys.executable, "manage.py", "bench", "--dossiers", "50", "--tours", "3"],
            *["--duree-http", "1", "--base", base],
        ],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stderr[-3000:]
    return resultat.stdout


@pytest.mark.django_db
def test_le_tableau_a_une_ligne_par_page_et_le_temps_du_semis(sortie, base_jetable):
    lignes = [ligne for ligne in sortie.splitlines() if ligne.startswith("| ")]
    assert lignes[0].startswith("| page | requêtes | médiane (ms) | × nue | Ko | HTTP req/s")
    corps = lignes[1:]
    for page in PAGES:
        ligne = next((ligne for ligne in corps if ligne.startswith(f"| {page}")), None)
        assert ligne is not None, page
        cellules = [c.strip() for c in ligne.strip("|").split("|")]
        assert "réponse" not in cellules[0], ligne  # every page answered 200
        assert int(cellules[1]) > 0  # its queries were counted
        assert cellules[5] != "—", ligne  # and it was served over HTTP
    assert any(ligne.startswith("| `seed_demo --dossiers 50`") for ligne in corps)
    assert "Machine : " in sortie
    # The scratch database is gone.
    with connection._nodb_cursor() as curseur:
        curseur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [base_jetable])
        assert curseur.fetchall() == []
