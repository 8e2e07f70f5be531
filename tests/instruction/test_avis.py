"""Joint instruction: one avis per side, conclusion only with both, the rapport PDF."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django_fsm_log.models import StateLog
from pypdf import PdfReader

from dossiers.enums import EtatDossier as E
from instruction.enums import Cote, SensAvis
from instruction.models import Avis, RapportInstruction
from tests.factories import FinanceurFactory, LigneFinancementFactory


@pytest.fixture
def plan(dossier_en_instruction):
    etat = FinanceurFactory()
    region = FinanceurFactory(region=True)
    LigneFinancementFactory(dossier=dossier_en_instruction, financeur=etat, montant_demande=40000)
    LigneFinancementFactory(dossier=dossier_en_instruction, financeur=region, montant_demande=30000)
    return etat, region


def _donner(client, dossier, sens, montants, motivation="Projet utile."):
    donnees = {"sens": sens, "motivation": motivation}
    donnees.update({f"montant_{f.pk}": m for f, m in montants.items()})
    return client.post(reverse("instruction:avis", args=[dossier.pk]), donnees)


def test_chaque_cote_donne_son_avis_et_peut_le_modifier(
    client, instructeur_etat, instructeur_region, dossier_en_instruction, plan
):
    etat, region = plan
    client.force_login(instructeur_etat)
    _donner(client, dossier_en_instruction, SensAvis.FAVORABLE, {etat: "35000"})
    _donner(client, dossier_en_instruction, SensAvis.FAVORABLE_SOUS_RESERVE, {etat: "30000"})
    avis = Avis.objects.get(dossier=dossier_en_instruction)
    assert (avis.cote, avis.sens) == (Cote.ETAT, SensAvis.FAVORABLE_SOUS_RESERVE)
    assert avis.montants.get().montant == Decimal("30000.00")

    client.force_login(instructeur_region)
    _donner(client, dossier_en_instruction, SensAvis.DEFAVORABLE, {region: "0"})
    assert Avis.objects.filter(dossier=dossier_en_instruction).count() == 2
    page = client.get(reverse("instruction:dossier", args=[dossier_en_instruction.pk]))
    assert "Avis divergents" in page.text
    assert "Avis divergents" in client.get(reverse("instruction:groupes")).text


def test_conclure_exige_les_deux_avis(
    client, instructeur_etat, instructeur_region, dossier_en_instruction, plan
):
    client.force_login(instructeur_etat)
    _donner(client, dossier_en_instruction, SensAvis.FAVORABLE, {plan[0]: "40000"})
    url = reverse("instruction:conclure_instruction", args=[dossier_en_instruction.pk])
    reponse = client.post(url, {})
    assert reponse.status_code == 200
    assert "il manque l&#x27;avis Région" in reponse.text
    dossier_en_instruction.refresh_from_db()
    assert dossier_en_instruction.etat == E.EN_INSTRUCTION


def test_conclure_avec_les_deux_avis_produit_le_rapport(
    client,
    instructeur_etat,
    instructeur_region,
    dossier_en_instruction,
    plan,
    membre_pilotage,
    porteur,
    django_capture_on_commit_callbacks,
):
    etat, region = plan
    client.force_login(instructeur_etat)
    _donner(client, dossier_en_instruction, SensAvis.FAVORABLE, {etat: "35000"}, "Bon projet.")
    client.post(
        reverse("instruction:annoter", args=[dossier_en_instruction.pk]),
        {"texte": "NOTE-SECRETE du service"},
    )
    client.force_login(instructeur_region)
    _donner(client, dossier_en_instruction, SensAvis.DEFAVORABLE, {region: "0"}, "Trop cher.")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("instruction:conclure_instruction", args=[dossier_en_instruction.pk]), {}
        )
    dossier_en_instruction.refresh_from_db()
    assert dossier_en_instruction.etat == E.INSTRUIT
    assert StateLog.objects.for_(dossier_en_instruction).get().by == instructeur_region

    # The avis can no longer change.
    client.force_login(instructeur_etat)
    reponse = _donner(client, dossier_en_instruction, SensAvis.DEFAVORABLE, {etat: "1"})
    assert Avis.objects.get(cote=Cote.ETAT).sens == SensAvis.FAVORABLE
    assert reponse.status_code in (302, 404)

    assert RapportInstruction.objects.get().fichier
    reponse = client.get(reverse("instruction:rapport", args=[dossier_en_instruction.pk]))
    assert reponse["Content-Type"] == "application/pdf"
    texte = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(b"".join(reponse.streaming_content))).pages
    )
    texte = texte.replace("\u202f", " ").replace("\xa0", " ")
    assert dossier_en_instruction.numero in texte
    assert "Favorable" in texte and "Défavorable" in texte
    assert "Avis divergents" in texte
    assert "Bon projet." in texte and "Trop cher." in texte
    assert "40 000,00" in texte and "35 000,00" in texte
    assert "NOTE-SECRETE" not in texte

    client.force_login(membre_pilotage)
    url = reverse("instruction:rapport", args=[dossier_en_instruction.pk])
    assert client.get(url).status_code == 200
    client.force_login(porteur)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("etat", "region", "divergents"),
    [
        (SensAvis.FAVORABLE, SensAvis.DEFAVORABLE, True),
        (SensAvis.DEFAVORABLE, SensAvis.FAVORABLE_SOUS_RESERVE, True),
        (SensAvis.FAVORABLE, SensAvis.FAVORABLE_SOUS_RESERVE, False),
        (SensAvis.DEFAVORABLE, SensAvis.DEFAVORABLE, False),
        (SensAvis.FAVORABLE, None, False),
    ],
)
def test_avis_divergents(etat, region, divergents):
    from instruction.enums import avis_divergents

    assert avis_divergents(etat, region) is divergents
