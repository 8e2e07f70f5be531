"""The production settings, checked in a separate process as an operator would run them."""

import os
import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
# What an operator's shell would not have: the test run's own switches.
IGNOREES = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
SECRET_SOLIDE = "k7#Qz!m2Vr9@xT4pLw8$Nc6^Hb3&Jd5*Fg1(Ys0)Ua-Ee+Oi=Rt_Pq[Zx]Cv{Bn}"


def _check(env_supplementaire: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in IGNOREES}
    env.update({"DJANGO_SETTINGS_MODULE": "cper.settings.prod", **env_supplementaire})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_ne_signale_rien_avec_un_vrai_secret():
    resultat = _check({"SECRET_KEY": SECRET_SOLIDE})
    assert resultat.returncode == 0, resultat.stderr + resultat.stdout
    assert "System check identified no issues (0 silenced)." in resultat.stdout


def test_la_production_refuse_de_demarrer_sans_secret():
    resultat = _check({})
    assert resultat.returncode != 0
    assert "ImproperlyConfigured" in resultat.stderr
    assert "SECRET_KEY est obligatoire" in resultat.stderr


def test_la_production_refuse_un_secret_faible():
    resultat = _check({"SECRET_KEY": "secret"})
    assert resultat.returncode != 0
    assert "SECRET_KEY est trop faible" in resultat.stderr


def test_debug_est_coupe_par_defaut():
    env = {k: v for k, v in os.environ.items() if k not in IGNOREES}
    env.update({"DJANGO_SETTINGS_MODULE": "cper.settings.dev"})
    resultat = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print(settings.DEBUG)",
        ],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert resultat.stdout.strip() == "False"


def test_la_production_refuse_proconnect_configure_a_moitie():
    resultat = _check({"SECRET_KEY": SECRET_SOLIDE, "PROCONNECT_CLIENT_ID": "cper"})
    assert resultat.returncode != 0
    assert "ProConnect est configuré à moitié" in resultat.stderr
    assert "PROCONNECT_CLIENT_SECRET" in resultat.stderr


def test_la_production_refuse_proconnect_sans_https():
    resultat = _check(
        {
            "SECRET_KEY": SECRET_SOLIDE,
            "PROCONNECT_CLIENT_ID": "cper",
            "PROCONNECT_CLIENT_SECRET": "secret-du-client",
            "PROCONNECT_EMETTEUR": "http://fournisseur.exemple/api/v2",
        }
    )
    assert resultat.returncode != 0
    assert "doivent être en https" in resultat.stderr


def test_check_deploy_ne_signale_rien_avec_proconnect_configure():
    resultat = _check(
        {
            "SECRET_KEY": SECRET_SOLIDE,
            "PROCONNECT_CLIENT_ID": "cper",
            "PROCONNECT_CLIENT_SECRET": "secret-du-client",
            "PROCONNECT_DOMAINE": "auth.agentconnect.gouv.fr",
        }
    )
    assert resultat.returncode == 0, resultat.stderr + resultat.stdout
