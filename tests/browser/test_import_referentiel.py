import pytest
from playwright.sync_api import expect

from cper.comptes.enums import Role
from cper.referentiel.models import Volet
from cper.referentiel.services import (
    FICHIER_REFERENTIEL,
    FICHIER_TERRITOIRES,
    lire_json,
    referentiel_charger,
    territoires_importer,
)
from tests.browser.conftest import capture, se_connecter
from tests.factories import MOT_DE_PASSE, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _deposer(page, nom, contenu):
    page.get_by_label("Fichier à importer").set_input_files(
        files=[{"name": nom, "mimeType": "text/csv", "buffer": contenu.encode()}]
    )
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Soumettre").click()


def test_l_administrateur_importe_des_volets_apres_un_apercu(page):
    territoires_importer(donnees=lire_json(FICHIER_TERRITOIRES))
    referentiel_charger(donnees=lire_json(FICHIER_REFERENTIEL))
    UserFactory(
        email="admin@exemple.fr", roles=[Role.ADMINISTRATEUR], is_staff=True, is_superuser=True
    )
    se_connecter(page, "admin@exemple.fr", MOT_DE_PASSE)
    page.goto("/admin/referentiel/volet/")
    page.get_by_role("link", name="Importer").click()

    # One bad row: the error is in French and nothing can be confirmed.
    _deposer(
        page,
        "volets.csv",
        "code,numero,intitule,montant\nemploi,7,Emploi,46000000\nnumerique,4,Numérique,-1\n",
    )
    expect(page.get_by_text("Le montant doit être positif ou nul")).to_be_visible()
    expect(page.get_by_role("button", name="Confirmer l’importation")).to_have_count(0)

    _deposer(
        page,
        "volets.csv",
        "code,numero,intitule,montant\nemploi,7,Emploi et formation,46000000\n",
    )
    expect(page.get_by_role("heading", name="Aperçu")).to_be_visible()
    expect(page.locator("table.import-preview")).to_contain_text("Emploi et formation")
    capture(page, "admin-import-apercu")
    assert Volet.objects.get(code="emploi").intitule == "Emploi"

    page.get_by_role("button", name="Confirmer l’importation").click()
    expect(page.locator(".messagelist")).to_contain_text("1")
    assert Volet.objects.get(code="emploi").intitule == "Emploi et formation"
