"""In the browser: completeness, a complements round-trip, joint instruction, conclusion, PDF."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from django_fsm_log.models import StateLog
from playwright.sync_api import expect
from pypdf import PdfReader

from dossiers.enums import EtatDossier as E
from tests.browser.conftest import capture, se_connecter
from tests.factories import FinanceurFactory, LigneFinancementFactory
from tests.factories.dossiers import PDF_MINIMAL
from tests.instruction.conftest import (  # noqa: F401 - fixtures
    dossier_depose,
    groupe_mobilite,
    volet,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_parcours_d_instruction_conjointe(
    page,
    dossier_depose,  # noqa: F811
    groupe_mobilite,  # noqa: F811
    agent_sp_douai,
    porteur,
    instructeur_etat,
    instructeur_region,
):
    etat, region = FinanceurFactory(), FinanceurFactory(region=True)
    LigneFinancementFactory(dossier=dossier_depose, financeur=etat, montant_demande=40000)
    LigneFinancementFactory(dossier=dossier_depose, financeur=region, montant_demande=30000)
    numero = dossier_depose.numero

    # The guichet agent finds the dossier and asks for complements.
    se_connecter(page, agent_sp_douai.email)
    page.get_by_role("link", name="Guichet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers déposés à mon guichet")
    capture(page, "instruction-guichet")
    page.get_by_role("link", name=numero).click()
    page.get_by_role("link", name="Demander des compléments").click()
    page.get_by_label("Motif de la demande").fill("La délibération du conseil municipal manque.")
    page.get_by_label("Délibération").check(force=True)  # DSFR draws the box on the label
    echeance = timezone.localdate() + datetime.timedelta(days=10)
    page.get_by_label("À transmettre avant le").fill(echeance.isoformat())
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("alert")).to_contain_text("demande de compléments est envoyée")

    # The porteur sees the request and answers it.
    se_connecter(page, porteur.email)
    page.goto(f"/instruction/porteur/dossiers/{dossier_depose.pk}/")
    expect(page.get_by_text("La délibération du conseil municipal manque.")).to_be_visible()
    page.get_by_label("Votre réponse").fill("La délibération est jointe.")
    page.get_by_label("Pièce à joindre").set_input_files(
        files=[{"name": "deliberation.pdf", "mimeType": "application/pdf", "buffer": PDF_MINIMAL}]
    )
    page.get_by_role("button", name="Transmettre mes compléments").click()
    expect(page.get_by_role("alert")).to_contain_text("Vos compléments sont transmis")

    # The guichet agent declares it recevable into the group of its volet.
    se_connecter(page, agent_sp_douai.email)
    page.goto(f"/instruction/dossiers/{dossier_depose.pk}/")
    expect(page.get_by_text(re.compile("Réponse du .* La délibération est jointe"))).to_be_visible()
    page.get_by_role("link", name="Déclarer recevable").click()
    expect(page.get_by_label("Groupe technique chargé de l'instruction")).to_have_value(
        str(groupe_mobilite.pk)
    )
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("alert")).to_contain_text("recevable")
    page.get_by_label("Annotation privée").fill("Porteur fiable, déjà financé en 2010.")
    page.get_by_role("button", name="Ajouter l'annotation").click()

    # Each side gives its avis.
    for instructeur, sens, montant, champ in [
        (instructeur_etat, "Favorable", "35000", "Montant proposé : État (€)"),
        (
            instructeur_region,
            "Favorable sous réserve",
            "30000",
            "Montant proposé : Conseil régional (€)",
        ),
    ]:
        se_connecter(page, instructeur.email)
        page.get_by_role("link", name="Instruction").click()
        page.get_by_role("link", name=re.compile(r"^À traiter \(\d+\)")).click()
        page.get_by_role("link", name=numero).click()
        page.get_by_role("link", name=re.compile("Donner l'avis")).click()
        page.get_by_label(sens, exact=True).check(force=True)
        page.get_by_label("Motivation").fill(f"Avis {sens.lower()} : projet structurant.")
        page.get_by_label(champ).fill(montant)
        page.get_by_role("button", name="Enregistrer l'avis").click()
        expect(page.get_by_role("alert")).to_contain_text("est enregistré")

    # The Région instructor concludes; the rapport PDF downloads.
    page.get_by_role("link", name="Conclure l'instruction").click()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("alert")).to_contain_text("L'instruction est conclue")
    page.reload()
    capture(page, "instruction-dossier-instruit")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=re.compile("Télécharger le rapport")).click()
    with open(telechargement.value.path(), "rb") as fichier:
        texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(fichier.read())).pages)
    assert numero in texte
    assert "Favorable sous réserve" in texte
    assert "Porteur fiable" not in texte

    # The porteur never sees the private annotation; every step is in the log.
    se_connecter(page, porteur.email)
    page.goto(f"/instruction/porteur/dossiers/{dossier_depose.pk}/")
    expect(page.get_by_text("Instruit", exact=True)).to_be_visible()
    expect(page.get_by_text("Porteur fiable")).to_have_count(0)
    etapes = list(
        StateLog.objects.for_(dossier_depose).order_by("pk").values_list("transition", "by__email")
    )
    assert etapes == [
        ("demander_complements", agent_sp_douai.email),
        ("completer", porteur.email),
        ("declarer_recevable", agent_sp_douai.email),
        ("conclure_instruction", instructeur_region.email),
    ]
    dossier_depose.refresh_from_db()
    assert dossier_depose.etat == E.INSTRUIT
