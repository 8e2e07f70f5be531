# ruff: noqa: F811 - the fixtures imported from tests/gouvernance are parameters here
"""In the browser: a dossier whose start deadline passed is proposed for caducité, the État's
agent confirms, and the maquette gives the programmed money back to the État's envelope."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dossiers.enums import EtatDossier as E
from execution.models import Acte
from execution.tasks import surveiller_echeances
from tests.browser.conftest import capture, se_connecter
from tests.execution.conftest import (  # noqa: F401 - fixtures
    acte_etat,
    dossier_programme,
    financeurs,
    gestionnaire_etat,
    pilotage,
    secretariat,
    volet,
)
from tests.factories import EnveloppeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FINE = "\u202f"


def _euros(texte: str) -> str:
    return texte.replace(" ", FINE).replace(FINE + "€", "\u00a0€")


def test_un_dossier_caduc_rend_son_argent_a_l_enveloppe(
    page, acte_etat, gestionnaire_etat, membre_pilotage, volet, financeurs
):
    EnveloppeFactory(volet=volet, financeur=financeurs["etat"], montant=100000)
    dossier = acte_etat.dossier
    # The act gave the porteur until yesterday to start; nothing was declared.
    hier = timezone.localdate() - datetime.timedelta(days=1)
    Acte.objects.filter(pk=acte_etat.pk).update(date_limite_commencement=hier)
    surveiller_echeances()  # the beat job, this morning

    se_connecter(page, membre_pilotage.email)
    page.goto("/gouvernance/pilotage/")
    cellule = page.locator("#tableau-maquette-croise tbody tr").first.locator("td").first
    expect(cellule).to_contain_text(_euros("Programmé : 40 000,00 €"))
    expect(cellule).to_contain_text(_euros("Reste : 60 000,00 €"))

    se_connecter(page, gestionnaire_etat.email)
    page.goto(f"/execution/dossiers/{dossier.pk}/")
    expect(page.get_by_text("Date limite de commencement dépassée")).to_be_visible()
    page.get_by_role("link", name="Confirmer la caducité").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Confirmer la caducité de la subvention"
    )
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("alert")).to_contain_text("Dossier déclaré caduc")
    expect(page.get_by_text("Déclaré caduc").first).to_be_visible()
    capture(page, "caducite-confirmee")
    dossier.refresh_from_db()
    assert dossier.etat == E.CADUC

    se_connecter(page, membre_pilotage.email)
    page.goto("/gouvernance/pilotage/")
    cellule = page.locator("#tableau-maquette-croise tbody tr").first.locator("td").first
    expect(cellule).to_contain_text(_euros("Programmé : 0,00 €"))
    expect(cellule).to_contain_text(_euros("Libéré (caducités, renonciations) : 40 000,00 €"))
    expect(cellule).to_contain_text(_euros("Reste : 100 000,00 €"))
    capture(page, "maquette-apres-caducite")
