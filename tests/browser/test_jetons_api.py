"""A porteur creates an API token from « Mon compte », uses it, then revokes it; the API's
documentation page opens under the site's Content-Security-Policy (no CDN, no inline code)."""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import capture, se_connecter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _statut(url: str, secret: str) -> int:
    requete = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})  # noqa: S310
    try:
        with urllib.request.urlopen(requete, timeout=10) as reponse:  # noqa: S310 - live server
            json.load(reponse)
            return reponse.status
    except urllib.error.HTTPError as erreur:
        return erreur.code


def test_creer_utiliser_puis_revoquer_un_jeton(page, live_server, porteur):
    se_connecter(page, porteur.email)
    page.goto("/comptes/mon-compte/")
    expect(page.get_by_role("heading", name="Jetons d'API")).to_be_visible()
    page.get_by_role("link", name="Créer un jeton d'API").click()
    page.get_by_label("Nom du jeton").fill("Logiciel financier")
    page.get_by_label("Durée de validité").select_option(label="30 jours")
    page.get_by_role("button", name="Créer le jeton").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre nouveau jeton d'API")
    capture(page, "jeton-api-cree")
    secret = page.locator("#jeton").inner_text()
    assert secret.startswith("cper_")
    assert _statut(f"{live_server.url}/api/v1/dossiers/", secret) == 200

    page.get_by_role("link", name="J'ai copié mon jeton, revenir à mon compte").click()
    ligne = page.get_by_role("row", name="Logiciel financier")
    expect(ligne).to_contain_text(secret[:11])
    expect(page.get_by_text(secret)).to_have_count(0)  # shown once, never again
    ligne.get_by_role("button", name="Révoquer").click()
    expect(page.get_by_text("Le jeton « Logiciel financier » est révoqué")).to_be_visible()
    assert _statut(f"{live_server.url}/api/v1/dossiers/", secret) == 401


def test_la_documentation_de_l_api_s_ouvre(page):
    page.goto("/api/v1/documentation/")
    expect(page.locator(".opblock-summary-path").first).to_have_text("/api/v1/dossiers/")
    expect(page.get_by_text("Créer un brouillon (porteur)")).to_be_visible()
    capture(page, "api-documentation")
