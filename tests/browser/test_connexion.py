import re

import pytest
from playwright.sync_api import expect

from cper.comptes.enums import Role
from tests.factories import MOT_DE_PASSE, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _se_connecter(page, email, mot_de_passe):
    page.goto("/")
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()


def test_un_porteur_se_connecte_par_la_vraie_page_et_arrive_dans_son_espace(page):
    UserFactory(email="porteur@exemple.fr", roles=[Role.PORTEUR])
    _se_connecter(page, "porteur@exemple.fr", MOT_DE_PASSE)
    expect(page).to_have_url(re.compile(r"/dossiers/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    expect(page.get_by_role("navigation", name="Menu principal")).to_contain_text("Mes dossiers")


def test_un_mauvais_mot_de_passe_reste_sur_la_page_avec_un_message(page):
    UserFactory(email="agent@exemple.fr", roles=[Role.AGENT_GUICHET])
    _se_connecter(page, "agent@exemple.fr", "pas-le-bon")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    expect(page.get_by_role("alert")).to_contain_text("mot de passe incorrect")
