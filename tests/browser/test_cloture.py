"""In the browser: an incomplete dossier past its complements deadline is proposed for closing
by the daily job; the guichet's agent classes it sans suite with a motive, and the porteur reads
the letter (PDF) on their page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from instruction.tasks import relancer_complements
from tests.browser.conftest import capture, se_connecter, texte_pdf
from tests.factories.instruction import DemandeComplementsFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_un_dossier_incomplet_apres_l_echeance_est_clos_avec_un_courrier(
    page, agent_sp_douai, porteur, structure, guichet_douai
):
    echeance = timezone.localdate() - datetime.timedelta(days=3)
    demande = DemandeComplementsFactory(
        dossier__structure=structure,
        dossier__guichet=guichet_douai,
        dossier__cree_par=porteur,
        echeance=echeance,
    )
    dossier = demande.dossier
    relancer_complements()  # the beat job, this morning: it proposes the closing to the guichet

    se_connecter(page, agent_sp_douai.email)
    page.goto("/notifications/")
    page.get_by_role("link", name=f"Dossier {dossier.numero} : échéance des compléments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clore le dossier incomplet")
    page.get_by_text("Classer le dossier sans suite").click()  # the DSFR radio is under its label
    page.get_by_label("Motif").fill("La délibération demandée n'a pas été transmise.")
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("alert")).to_contain_text("Le dossier est clos")
    expect(page.get_by_text("Classé sans suite").first).to_be_visible()
    capture(page, "cloture-agent")

    se_connecter(page, porteur.email)
    page.goto(f"/instruction/porteur/dossiers/{dossier.pk}/")
    expect(page.get_by_text("Classé sans suite").first).to_be_visible()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Classement sans suite du").click()
    texte = texte_pdf(telechargement.value.path()).replace("\u202f", " ").replace("\xa0", " ")
    assert "Classement sans suite" in texte
    assert dossier.numero in texte
    assert "La délibération demandée n'a pas été transmise." in texte
    assert "tribunal administratif de Lille" in texte
