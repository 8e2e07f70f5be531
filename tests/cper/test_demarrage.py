"""The WSGI application warms itself when loaded (gunicorn --preload), and leaves no connection."""

import os
import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
SCRIPT = """
import time
debut = time.perf_counter()
from cper.wsgi import application
from django.db import connections
from django.template import engines
chargeur = engines["django"].engine.template_loaders[0]
assert all(c.connection is None for c in connections.all()), "connexion ouverte avant le fork"
import gc
assert gc.get_freeze_count() > 10_000, "objets chargés non figés"
assert gc.get_threshold()[0] == 50_000, gc.get_threshold()
print(len(chargeur.get_template_cache))
"""


def test_l_application_chargee_a_compile_ses_gabarits_et_ferme_ses_connexions():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cper.settings.test"}
    resultat = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stderr
    assert "Préchauffage incomplet" not in resultat.stderr
    # Every template of templates/ (and what the public pages include) is compiled already.
    assert int(resultat.stdout) > len(list((RACINE / "templates").rglob("*.html")))
