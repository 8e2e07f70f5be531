"""Fixtures: the local OpenID Connect provider (its own process and database) and cper's
ProConnect settings pointing at it."""

import copy
import html
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

RACINE = Path(__file__).resolve().parents[2]
MOT_DE_PASSE_FOURNISSEUR = "mot-de-passe-du-fournisseur"
CLIENT_ID = "cper-nord-pas-de-calais"
CLIENT_SECRET = "secret-du-client-cper-pour-les-tests"
RETOUR = "/comptes/proconnect/retour/"
APRES_DECONNEXION = "/comptes/proconnect/deconnecte/"

# The people the provider knows (identifier → e-mail, and whether it asserts a second factor).
PERSONNES = {
    "agent": ("agent.proconnect@exemple.fr", False),
    "administrateur": ("admin.proconnect@exemple.fr", False),
    "administrateur_mfa": ("admin.mfa@exemple.fr", True),
    "inconnu": ("personne.inconnue@exemple.fr", False),
    "porteur": ("porteur.proconnect@exemple.fr", False),
    # Someone whose address at the provider is now the one of an account already tied to
    # another ProConnect identity.
    "usurpateur": ("agent.rattache@exemple.fr", False),
    "inactif": ("agent.inactif@exemple.fr", False),
}


@dataclass
class Fournisseur:
    url: str
    process: subprocess.Popen
    subs: dict = field(default_factory=dict)

    @property
    def emetteur(self) -> str:
        return f"{self.url}/o"

    def reglages(self) -> dict:
        """cper's settings for this provider, as an operator would set them for ProConnect."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "PROCONNECT_EMETTEUR": self.emetteur,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.emetteur}/authorize/",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.emetteur}/token/",
            "OIDC_OP_USER_ENDPOINT": f"{self.emetteur}/userinfo/",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.emetteur}/.well-known/jwks.json",
            "PROCONNECT_URL_FIN_SESSION": f"{self.emetteur}/logout/",
        }


def _attendre(url: str, process: subprocess.Popen, journal: Path) -> None:
    limite = time.monotonic() + 30
    while time.monotonic() < limite:
        if process.poll() is not None:
            pytest.fail(f"Le fournisseur OIDC s'est arrêté (journal : {journal}).")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.05)
    pytest.fail(f"Le fournisseur OIDC n'a pas répondu en 30 secondes (journal : {journal}).")


@pytest.fixture(scope="session")
def fournisseur_oidc(live_server, tmp_path_factory):
    """A django-oauth-toolkit provider with OIDC on, served by gunicorn on a free port.

    Its RS256 key is generated here; it knows the client cper (redirect URIs of the test
    client and of the live server) and the PERSONNES. On 127.0.0.1 while the live server is
    on localhost: the two sites keep separate cookies, as two real hosts would.
    """
    # tests/conftest.py imports this module: its helpers are read when the fixture runs.
    from tests.conftest import arreter_worker, port_libre

    dossier = tmp_path_factory.mktemp("fournisseur-oidc")
    cle = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    chemin_cle = dossier / "cle.pem"
    chemin_cle.write_bytes(
        cle.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    port = port_libre()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.fournisseur_oidc.settings",
        "FOURNISSEUR_BASE": str(dossier / "fournisseur.sqlite3"),
        "FOURNISSEUR_CLE_RSA": str(chemin_cle),
        "FOURNISSEUR_EMETTEUR": f"{url}/o",
    }
    sites = ["http://testserver", live_server.url]
    configuration = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [site + RETOUR for site in sites],
        "post_logout_redirect_uris": [site + APRES_DECONNEXION for site in sites],
        "personnes": [
            {
                "identifiant": identifiant,
                "email": email,
                "mot_de_passe": MOT_DE_PASSE_FOURNISSEUR,
                "prenom": identifiant.capitalize(),
                "nom": "Fournisseur",
                "mfa": mfa,
            }
            for identifiant, (email, mfa) in PERSONNES.items()
        ],
    }
    preparation = subprocess.run(
        [sys.executable, "-m", "tests.fournisseur_oidc.preparer"],
        input=json.dumps(configuration),
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if preparation.returncode != 0:
        pytest.fail(f"Préparation du fournisseur OIDC impossible : {preparation.stderr}")
    journal = dossier / "gunicorn.log"
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            # One control socket per user by default: parallel runs would share it.
            "--no-control-socket",
            "tests.fournisseur_oidc.wsgi:application",
        ],
        cwd=RACINE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=journal.open("w"),
    )
    fournisseur = Fournisseur(url=url, process=process, subs=json.loads(preparation.stdout))
    try:
        _attendre(f"{url}/o/.well-known/openid-configuration", process, journal)
        yield fournisseur
    finally:
        arreter_worker(process)


@pytest.fixture
def proconnect(settings, fournisseur_oidc):
    """cper with ProConnect configured on the local provider (the CSP lets forms go there)."""
    for nom, valeur in fournisseur_oidc.reglages().items():
        setattr(settings, nom, valeur)
    politique = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    politique["DIRECTIVES"]["form-action"] = [
        *politique["DIRECTIVES"]["form-action"],
        fournisseur_oidc.url,
    ]
    settings.CONTENT_SECURITY_POLICY = politique
    return fournisseur_oidc


# --- the provider's pages, for tests that drive cper with Django's test client --------------

_CHAMP_CACHE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _champs_caches(page: str) -> dict:
    return {nom: html.unescape(valeur) for nom, valeur in _CHAMP_CACHE.findall(page)}


def chez_le_fournisseur(url_autorisation: str, identifiant: str) -> str:
    """What a person does at the provider: sign in, consent; returns the URL the provider
    sends the browser back to (cper's callback with code and state)."""
    navigateur = requests.Session()
    reponse = navigateur.get(url_autorisation, timeout=10)  # → the provider's login page
    navigateur.post(
        reponse.url,
        data={
            **_champs_caches(reponse.text),
            "username": identifiant,
            "password": MOT_DE_PASSE_FOURNISSEUR,
        },
        headers={"Referer": reponse.url},
        timeout=10,
    )
    consentement = navigateur.get(url_autorisation, timeout=10)
    assert 'name="allow"' in consentement.text, consentement.text[:500]
    retour = navigateur.post(
        consentement.url,
        data={**_champs_caches(consentement.text), "allow": "Authorize"},
        headers={"Referer": consentement.url},
        allow_redirects=False,
        timeout=10,
    )
    assert retour.status_code == 302, retour.text[:500]
    return urljoin(consentement.url, retour.headers["Location"])
