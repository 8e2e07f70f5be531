"""An agent logs in through the local OpenID Connect provider in Chromium, and out of both."""

import re

import pytest
from playwright.sync_api import expect

from cper.comptes.enums import Role
from tests.browser.conftest import capture
from tests.factories import UserFactory
from tests.fournisseur_oidc.fixtures import MOT_DE_PASSE_FOURNISSEUR, PERSONNES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_un_agent_se_connecte_avec_proconnect_puis_quitte_les_deux_sessions(
    page, proconnect, guichet_douai
):
    agent = UserFactory(email=PERSONNES["agent"][0], roles=[Role.AGENT_GUICHET])
    agent.groups.add(guichet_douai.groupe)

    page.goto("/comptes/connexion/")
    capture(page, "connexion-proconnect")
    page.get_by_role("button", name="S’identifier avec ProConnect").click()
    # The provider's own pages: its login form, then its consent.
    expect(page).to_have_url(re.compile(rf"^{re.escape(proconnect.url)}/connexion/"))
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill(MOT_DE_PASSE_FOURNISSEUR)
    page.get_by_role("button", name="Connexion au fournisseur").click()
    expect(page.get_by_text("Application requires the following permissions")).to_be_visible()
    page.get_by_role("button", name="Authorize").click()

    # Back at cper, in the agent's own space.
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers déposés à mon guichet")
    expect(page.get_by_role("link", name=agent.email)).to_be_visible()
    agent.refresh_from_db()
    assert agent.proconnect_sub == proconnect.subs["agent"]

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Vous êtes déconnecté de ce service et de ProConnect."
    )
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()
    # The provider's session is gone too: its pages ask to sign in again.
    page.goto(f"{proconnect.url}/session/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next="))
    expect(page.get_by_role("button", name="Connexion au fournisseur")).to_be_visible()
