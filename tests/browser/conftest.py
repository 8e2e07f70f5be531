"""Playwright driving Debian's Chromium (never a downloaded browser) against live_server."""

import io
import os

import pytest
from pypdf import PdfReader

from cper.comptes.models import User
from cper.comptes.second_facteur import second_facteur_requis
from tests.factories import MOT_DE_PASSE
from tests.second_facteur import application, code_totp

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def navigateur():
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; Django's ORM calls from the tests are still
    # synchronous and safe.
    ancienne_valeur = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        navigateur = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield navigateur
        navigateur.close()
    if ancienne_valeur is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(navigateur, live_server):
    contexte = navigateur.new_context(base_url=live_server.url, locale="fr-FR")
    contexte.set_default_timeout(10_000)
    page = contexte.new_page()
    erreurs_csp = []
    page.on(
        "console",
        lambda message: (
            erreurs_csp.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    contexte.close()
    assert not erreurs_csp, erreurs_csp


def capture(page, nom: str) -> None:
    """Screenshot to var/captures/<nom>.png when CPER_CAPTURES is set (to look at the pages).

    caret="initial": Playwright's default hides the caret with an inline style, which the CSP
    (rightly) reports and the `page` fixture would count as a failure.
    """
    if os.environ.get("CPER_CAPTURES"):
        page.screenshot(path=f"var/captures/{nom}.png", full_page=True, caret="initial")


def se_connecter(page, email: str, mot_de_passe: str = MOT_DE_PASSE) -> None:
    """Sign in through the login page, as whoever was signed in before leaves; a person who
    owes a second factor then types the code of their application, as they would."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    appareil = None
    if user is not None and user.check_password(mot_de_passe) and second_facteur_requis(user):
        appareil = application(user)
    page.context.clear_cookies()
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    if appareil is not None:
        page.get_by_label("Code de vérification").fill(code_totp(appareil))
        page.get_by_role("button", name="Vérifier").click()


def texte_pdf(chemin) -> str:
    """The text of a downloaded PDF, whitespace collapsed."""
    with open(chemin, "rb") as fichier:
        lecteur = PdfReader(io.BytesIO(fichier.read()))
        return " ".join(" ".join(p.extract_text() for p in lecteur.pages).split())
