import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from dossiers.models import MembreStructure, Structure
from tests.browser.conftest import capture
from tests.factories import CommuneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MDP = "un-mot-de-passe-solide-2015"


def test_un_porteur_s_inscrit_confirme_son_adresse_et_cree_sa_structure(page):
    CommuneFactory(code_insee="59178", nom="Douai")

    page.goto("/")
    page.get_by_role("link", name="Créer un compte porteur").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte porteur")
    page.locator("#id_first_name").fill("Léa")
    page.locator("#id_last_name").fill("Martin")
    page.locator("#id_email").fill("lea.martin@douai.fr")
    page.locator("#id_password1").fill(MDP)
    # A first try with a mistyped confirmation: told next to the field, nothing lost.
    page.locator("#id_password2").fill(MDP + "x")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Les deux mots de passe ne sont pas identiques"
    )
    expect(page.locator("#id_email")).to_have_value("lea.martin@douai.fr")
    page.locator("#id_password2").fill(MDP)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre adresse")

    assert len(mail.outbox) == 1
    lien = re.search(r"http://[^/\s]+(/comptes/inscription/confirmer/\S+/)", mail.outbox[0].body)
    page.goto(lien.group(1))
    page.get_by_label("Mot de passe choisi à l'inscription").fill(MDP)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.get_by_text("Votre adresse est confirmée")).to_be_visible()

    page.get_by_label("Adresse électronique").fill("lea.martin@douai.fr")
    page.get_by_label("Mot de passe").fill(MDP)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")

    page.get_by_role("link", name="Mes structures porteuses").click()
    page.get_by_role("link", name="Créer une structure").click()
    page.locator("#id_raison_sociale").fill("Commune de Douai")
    page.locator("#id_siret").fill("216 200 410 00018")  # one digit wrong
    page.locator("#id_categorie").select_option("commune")
    page.locator("#id_adresse").fill("83 rue de la Mairie")
    page.locator("#id_commune").fill("Douai")
    page.locator("#id_representant_nom").fill("Frédéric Chéreau")
    page.locator("#id_representant_qualite").fill("Maire")
    page.get_by_role("button", name="Enregistrer la structure").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce numéro SIRET n'est pas valide")
    expect(page.locator("#id_representant_nom")).to_have_value("Frédéric Chéreau")
    page.locator("#id_siret").fill("216 200 410 00019")
    page.get_by_role("button", name="Enregistrer la structure").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Commune de Douai")
    expect(page.get_by_text("SIREN 216200410")).to_be_visible()
    expect(page.get_by_role("link", name="Inviter un collègue")).to_be_visible()
    structure = Structure.objects.get(siret="21620041000019")
    assert MembreStructure.objects.get(structure=structure).user.email == "lea.martin@douai.fr"
    capture(page, "structure-creee")
