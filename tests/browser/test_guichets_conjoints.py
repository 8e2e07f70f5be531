"""In the browser: a dossier filed at both guichets, seen by both, declared recevable once."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier
from tests.browser.conftest import capture, se_connecter
from tests.dossiers.complets import dossier_complet
from tests.instruction.conftest import groupe_mobilite, volet  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_depot_conjoint_vu_des_deux_guichets_declare_recevable_une_fois(
    page,
    porteur,
    structure,
    guichet_douai,
    guichet_region,
    agent_sp_douai,
    agent_region,
    groupe_mobilite,  # noqa: F811
):
    dossier = dossier_complet(structure=structure, porteur=porteur, intitule="Halte fluviale")

    # The porteur files at the suggested sous-préfecture and at the Conseil régional.
    se_connecter(page, porteur.email)
    page.goto(reverse("dossiers:deposer", args=[dossier.pk]))
    page.locator("label[for=id_conjoint]").click()
    page.locator("label[for=id_confirmation]").click()
    page.get_by_role("button", name="Déposer le dossier").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "déposé auprès des guichets « Sous-préfecture de Douai » et « Conseil régional"
    )
    dossier.refresh_from_db()
    numero = dossier.numero

    # Both guichets find it in their workbench, marked as filed at both.
    for agent in (agent_sp_douai, agent_region):
        se_connecter(page, agent.email)
        page.goto(reverse("instruction:guichet"))
        ligne = page.get_by_role("row").filter(has_text=numero)
        expect(ligne).to_contain_text(
            "Dépôt conjoint : Sous-préfecture de Douai et Conseil régional"
        )
    capture(page, "guichets-conjoints-file")

    # The Région's agent declares it recevable.
    page.get_by_role("link", name=numero).click()
    page.get_by_role("link", name="Déclarer recevable").click()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("alert")).to_contain_text("recevable")
    assert Dossier.objects.get(pk=dossier.pk).etat == E.EN_INSTRUCTION

    # The sous-préfecture sees who did it and has nothing left to declare.
    se_connecter(page, agent_sp_douai.email)
    page.goto(reverse("instruction:dossier", args=[dossier.pk]))
    expect(page.get_by_text(f"par {agent_region}").first).to_be_visible()
    expect(
        page.get_by_text("Pour le guichet « Conseil régional Hauts-de-France »").first
    ).to_be_visible()
    expect(page.get_by_role("link", name="Déclarer recevable")).to_have_count(0)
    capture(page, "guichets-conjoints-dossier")
