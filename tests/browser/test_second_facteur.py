"""An administrator's first login: enrolment of the TOTP application, then the admin site."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from cper.comptes.enums import Role
from tests.browser.conftest import capture
from tests.factories import MOT_DE_PASSE, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_premiere_connexion_d_un_administrateur_avec_activation_du_second_facteur(page):
    UserFactory(
        email="admin@exemple.fr", roles=[Role.ADMINISTRATEUR], is_staff=True, is_superuser=True
    )
    page.goto("/admin/")
    page.get_by_label("Adresse électronique").fill("admin@exemple.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Activer la vérification en deux étapes"
    )
    expect(page.get_by_role("img", name=re.compile("Code QR de configuration"))).to_be_visible()
    capture(page, "second-facteur-activation")
    secret = page.locator("#cle-secrete").inner_text().replace(" ", "")
    code = f"{TOTP(b32decode(secret)).token():06d}"  # what the person's application shows
    page.get_by_label("Code à 6 chiffres affiché par l'application").fill(code)
    page.get_by_role("button", name="Activer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    expect(page.get_by_role("list", name="Codes de secours").get_by_role("listitem")).to_have_count(
        10
    )
    capture(page, "second-facteur-codes")
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Référentiel, comptes et rôles")
