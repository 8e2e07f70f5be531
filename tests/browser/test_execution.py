"""In the browser: a programmed dossier gets its État act, starts, is paid in three times and
is soldé; the act's PDF is read back."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dossiers.enums import EtatDossier as E
from dossiers.models import AgregatFinancement
from execution.enums import EtatDemande
from execution.models import DemandeVersement
from tests.browser.conftest import capture, se_connecter, texte_pdf
from tests.execution.conftest import (  # noqa: F401 - fixtures
    dossier_programme,
    gestionnaire_etat,
)
from tests.factories.dossiers import PDF_MINIMAL
from tests.gouvernance.conftest import (  # noqa: F401 - fixtures
    financeurs,
    pilotage,
    secretariat,
    volet,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jour(il_y_a: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=il_y_a)).isoformat()


def pdf(nom: str) -> dict:
    return {"name": nom, "mimeType": "application/pdf", "buffer": PDF_MINIMAL}


def confirmer(page, message: str) -> None:
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("alert").first).to_contain_text(message)


def payer(page, dossier_pk: int, *, en_lot: bool = False) -> None:
    """The État's agent accepts the request in the queue, then mandates it."""
    page.goto("/execution/versements/")
    page.get_by_role("link", name=re.compile("NPDC-")).first.click()
    page.get_by_role("link", name="Traiter").click()
    page.get_by_label("Accepter").check(force=True)
    confirmer(page, "Décision enregistrée")
    if en_lot:
        page.goto("/execution/versements/")
        page.get_by_role("checkbox", name=re.compile("Sélectionner la demande")).check(force=True)
        page.get_by_label("Mandaté le").fill(jour(0))
        page.get_by_role("button", name="Marquer « mandaté »").click()
        expect(page.get_by_role("alert").first).to_contain_text("1 versement(s) mandaté(s)")
    else:
        page.get_by_role("link", name="Mandater").click()
        page.get_by_label("Mandaté le").fill(jour(0))
        confirmer(page, "Versement mandaté")


def test_du_programme_au_solde(
    page,
    dossier_programme,  # noqa: F811
    gestionnaire_etat,  # noqa: F811
    financeurs,  # noqa: F811
    porteur,
    membre_pilotage,
):
    pk = dossier_programme.pk

    # The État's agent draws up the act, records its signature and its notification.
    se_connecter(page, gestionnaire_etat.email)
    page.goto(f"/execution/dossiers/{pk}/")
    expect(page.get_by_text("Historique des décisions")).to_be_visible()
    page.get_by_role("link", name=re.compile("Établir l'acte — État")).click()
    page.get_by_label("Numéro de l'acte").fill("2026-SGAR-017")
    confirmer(page, "Acte établi")
    page.get_by_role("link", name="Enregistrer la signature").click()
    page.get_by_label("Signé le").fill(jour(20))
    page.get_by_label("Scan de l'acte signé").set_input_files(pdf("arrete-signe.pdf"))
    page.get_by_label("N° de l'engagement juridique").fill("2103456789")
    confirmer(page, "Signature et engagement juridique enregistrés")
    page.get_by_role("link", name="Enregistrer la notification").click()
    page.get_by_label("Notifié le").fill(jour(15))
    confirmer(page, "Acte notifié")
    capture(page, "execution-acte-notifie")

    # The porteur finds their act from their dossier page and reads it.
    se_connecter(page, porteur.email)
    page.goto(f"/dossiers/{pk}/")
    page.get_by_role("link", name="Actes et versements").click()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger l'acte (PDF)").click()
    texte = texte_pdf(telechargement.value.path()).replace("\u202f", " ").replace("\u00a0", " ")
    notifie = timezone.localdate() - datetime.timedelta(days=15)
    assert "Arrêté attributif de subvention n° 2026-SGAR-017" in texte
    assert "40 000,00 €" in texte and "100 000,00 €" in texte and "40 %" in texte
    assert f"{notifie.year + 2}" in texte and f"{notifie.year + 4}" in texte
    assert "tribunal administratif de Lille" in texte

    # Declares the start, asks for the avance (the most allowed: 30 %).
    page.get_by_role("link", name="Déclarer le commencement du projet").click()
    page.get_by_label("Date du premier engagement juridique").fill(jour(10))
    page.get_by_label("Justificatif du commencement").set_input_files(pdf("ordre-service.pdf"))
    confirmer(page, "Commencement déclaré")
    page.get_by_role("link", name="Demander un versement — État").click()
    page.get_by_label("Versement demandé").select_option("avance")
    page.get_by_label("Montant demandé").fill("12 000,01")
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("ne peut pas dépasser 30 %").first).to_be_visible()
    page.get_by_label("Montant demandé").fill("")
    confirmer(page, "Demande de versement transmise")

    se_connecter(page, gestionnaire_etat.email)
    payer(page, pk, en_lot=True)

    # An acompte on 60 000 € spent (× 40 % − 12 000 = 12 000), then the solde on 95 000 €.
    se_connecter(page, porteur.email)
    page.goto(f"/execution/dossiers/{pk}/porteur/")
    page.get_by_role("link", name="Demander un versement — État").click()
    page.get_by_label("Versement demandé").select_option("acompte")
    page.get_by_label("Dépenses éligibles réalisées").fill("60 000")
    page.get_by_label("État récapitulatif des dépenses").set_input_files(pdf("etat.pdf"))
    confirmer(page, "Demande de versement transmise")
    se_connecter(page, gestionnaire_etat.email)
    payer(page, pk)

    se_connecter(page, porteur.email)
    page.goto(f"/execution/dossiers/{pk}/porteur/")
    page.get_by_role("link", name="Demander un versement — État").click()
    page.get_by_label("Versement demandé").select_option("solde")
    page.get_by_label("Dépenses éligibles réalisées").fill("95 000")
    page.get_by_label("État récapitulatif des dépenses").set_input_files(pdf("etat-final.pdf"))
    page.get_by_label("procès-verbal de réception").set_input_files(pdf("pv.pdf"))
    confirmer(page, "Demande de versement transmise")
    se_connecter(page, gestionnaire_etat.email)
    payer(page, pk)

    page.goto(f"/execution/dossiers/{pk}/")
    expect(page.get_by_text("Soldé", exact=True).first).to_be_visible()
    capture(page, "execution-solde")
    dossier_programme.refresh_from_db()
    assert dossier_programme.etat == E.SOLDE
    montants = sorted(
        DemandeVersement.objects.filter(etat=EtatDemande.MANDATEE).values_list(
            "montant_mandate", flat=True
        )
    )
    assert montants == [Decimal("12000.00"), Decimal("12000.00"), Decimal("14000.00")]
    ligne = AgregatFinancement.objects.get(dossier=dossier_programme, financeur=financeurs["etat"])
    assert (ligne.engage, ligne.mandate) == (Decimal("40000.00"), Decimal("38000.00"))

    # The pilotage dashboard: the dossier went through « soldé », its three payments are timed.
    se_connecter(page, membre_pilotage.email)
    page.goto("/gouvernance/pilotage/")
    soldes = page.locator("#tableau-entonnoir tr", has_text="Soldés")
    expect(soldes.locator("td").first).to_have_text("1")
    tous = page.locator("#tableau-delais-versement tr", has_text="Tous les financeurs")
    expect(tous.locator("td").first).to_have_text("3")
