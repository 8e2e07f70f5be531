"""CSV and XLSX exports read back show the dashboard's numbers."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from .exports_outils import telecharger
from .scenario_tableaux import contrat, k, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilote(client, membre_pilotage):
    scenario(contrat())
    client.force_login(membre_pilotage)
    return client


def _ligne(lignes, volet, signataire):
    return next(ligne for ligne in lignes if ligne[0].endswith(volet) and ligne[1] == signataire)


def test_maquette_en_csv(pilote):
    reponse = telecharger(pilote, reverse("gouvernance:pilotage_export", args=["maquette", "csv"]))
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    date = timezone.localdate().isoformat()
    assert f'filename="cper-pilotage-maquette-{date}.csv"' in reponse["Content-Disposition"]
    assert reponse.content_lu.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert "no-store" in reponse["Cache-Control"] and "private" in reponse["Cache-Control"]
    lignes = list(csv.reader(io.StringIO(reponse.content_lu.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][:3] == ["Volet", "Signataire", "Enveloppe (€)"]
    etat = _ligne(lignes[1:], "Mobilité multimodale", "État")
    assert etat[2:] == [
        "1000000,00",
        "600000,00",
        "450000,00",
        "1100000,00",
        "110,0",
        "-100000,00",
        "Dépassement de l'enveloppe",
        # Nothing engaged or paid yet: all to pay, nothing executed.
        "0,00",
        "0,00",
        "0,00",
        "1100000,00",
        "0,0",
    ]
    total = _ligne(lignes[1:], "Total des volets", "Total des signataires")
    assert total[2] == "2100000,00" and total[5] == "1650000,00" and total[6] == "78,6"


def test_maquette_en_xlsx(pilote):
    reponse = telecharger(pilote, reverse("gouvernance:pilotage_export", args=["maquette", "xlsx"]))
    assert reponse["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in reponse["Content-Disposition"]
    feuille = load_workbook(io.BytesIO(reponse.content_lu)).active
    lignes = [list(ligne) for ligne in feuille.iter_rows(values_only=True)]
    assert lignes[0][5] == "Programmé (€)"
    etat = _ligne(lignes[1:], "Mobilité multimodale", "État")
    assert [Decimal(str(v)) for v in etat[2:6]] == [k(1000), k(600), k(450), k(1100)]
    assert Decimal(str(etat[6])) == Decimal("110.0")
    assert feuille.cell(row=2, column=3).number_format == '#,##0.00" €"'


@pytest.mark.parametrize(
    "tableau",
    [
        "volets",
        "entonnoir",
        "etats",
        "delais",
        "territoires-departement",
        "territoires-arrondissement",
        "territoires-epci",
        "territoires-pole",
    ],
)
@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_chaque_tableau_du_pilotage_s_exporte(pilote, tableau, format_):
    reponse = telecharger(pilote, reverse("gouvernance:pilotage_export", args=[tableau, format_]))
    assert reponse.status_code == 200
    assert f"cper-pilotage-{tableau}-" in reponse["Content-Disposition"]


def test_un_tableau_inconnu_404(pilote):
    assert pilote.post("/gouvernance/pilotage/export/inconnu.csv").status_code == 404
    assert pilote.post("/gouvernance/pilotage/export/maquette.pdf").status_code == 404
    # Asking for a file is a POST (with its CSRF token), never a link.
    assert pilote.get("/gouvernance/pilotage/export/maquette.csv").status_code == 405


def test_la_page_propose_les_exports_de_chaque_tableau(pilote):
    html = pilote.get(reverse("gouvernance:pilotage")).content.decode()
    for tableau in ("maquette", "volets", "entonnoir", "etats", "delais", "territoires-pole"):
        assert reverse("gouvernance:pilotage_export", args=[tableau, "csv"]) in html
        assert reverse("gouvernance:pilotage_export", args=[tableau, "xlsx"]) in html
    # Money the French way, with the overrun flagged and the charts drawn without script.
    assert "1\u202f100\u202f000,00\u00a0€" in html
    assert "Dépassement" in html
    assert html.count("<svg") == 5
    assert "<script>" not in html
