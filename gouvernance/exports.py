"""The dashboards' tables, shared by the HTML pages and their CSV and XLSX exports.

A Tableau is a title, typed columns and rows of plain values (str, int, Decimal, None). The CSV
speaks French Excel: `;` separator, decimal comma, UTF-8 with a BOM; the XLSX keeps numbers as
numbers with a French display format.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .maquette import Maquette
from .tableaux import NIVEAUX, Entonnoir, SyntheseTerritoire

TEXTE, ENTIER, EUROS, POURCENTAGE, JOURS = "texte", "entier", "euros", "pourcentage", "jours"
# Excel shows "," and "." of a format with the reader's own separators (space and comma in French).
FORMATS_XLSX = {
    ENTIER: "#,##0",
    EUROS: '#,##0.00" €"',
    POURCENTAGE: '0.0" %"',
    JOURS: "0.0",
}


@dataclass
class Tableau:
    code: str  # in the export's URL and file name
    titre: str
    colonnes: list[tuple[str, str]]  # (French header, type)
    lignes: list[list]

    @property
    def types(self) -> list[str]:
        return [type_ for _, type_ in self.colonnes]


# --- Tables of the pilotage dashboard -------------------------------------------------------


def tableau_maquette(maquette: Maquette) -> Tableau:
    return Tableau(
        code="maquette",
        titre="Maquette financière par volet et par signataire",
        colonnes=[
            ("Volet", TEXTE),
            ("Signataire", TEXTE),
            ("Enveloppe (€)", EUROS),
            ("Demandé, dossiers en cours (€)", EUROS),
            ("Proposé par l'instruction (€)", EUROS),
            ("Programmé (€)", EUROS),
            ("Taux de programmation (%)", POURCENTAGE),
            ("Reste à programmer (€)", EUROS),
            ("Alerte", TEXTE),
        ],
        lignes=[
            [
                volet,
                financeur,
                c.enveloppe,
                c.demande,
                c.propose,
                c.programme,
                c.taux_programmation,
                c.reste,
                "Dépassement de l'enveloppe"
                if c.depassement
                else ("Programmé et proposé au-delà de l'enveloppe" if c.vigilance else ""),
            ]
            for volet, financeur, c in maquette.a_plat()
        ],
    )


def tableau_volets(maquette: Maquette) -> Tableau:
    return Tableau(
        code="volets",
        titre="Programmation par volet (tous signataires)",
        colonnes=[
            ("Volet", TEXTE),
            ("Enveloppe (€)", EUROS),
            ("Programmé (€)", EUROS),
            ("Taux de programmation (%)", POURCENTAGE),
        ],
        lignes=[
            [
                str(ligne.volet),
                ligne.total.enveloppe,
                ligne.total.programme,
                ligne.total.taux_programmation,
            ]
            for ligne in maquette.lignes
        ]
        + [
            [
                "Total",
                maquette.total.enveloppe,
                maquette.total.programme,
                maquette.total.taux_programmation,
            ]
        ],
    )


def tableau_entonnoir(entonnoir: Entonnoir) -> Tableau:
    return Tableau(
        code="entonnoir",
        titre="Entonnoir des dossiers déposés",
        colonnes=[
            ("Étape franchie", TEXTE),
            ("Dossiers", ENTIER),
            ("Part des déposés (%)", POURCENTAGE),
        ],
        lignes=[list(etape) for etape in entonnoir.etapes],
    )


def tableau_etats(entonnoir: Entonnoir) -> Tableau:
    return Tableau(
        code="etats",
        titre="Dossiers déposés par état actuel",
        colonnes=[("État", TEXTE), ("Dossiers", ENTIER)],
        lignes=[list(etat) for etat in entonnoir.etats]
        + [["Total des dossiers déposés", entonnoir.deposes]],
    )


def tableau_delais(delais) -> Tableau:
    return Tableau(
        code="delais",
        titre="Délais de traitement (en jours)",
        colonnes=[
            ("Étape", TEXTE),
            ("Dossiers mesurés", ENTIER),
            ("Médiane (jours)", JOURS),
            ("90e centile (jours)", JOURS),
        ],
        lignes=[[d.libelle, d.dossiers, d.mediane, d.p90] for d in delais],
    )


def tableaux_territoires(repartition) -> list[Tableau]:
    return [
        Tableau(
            code=f"territoires-{niveau}",
            titre=f"Répartition par {libelle.lower() if niveau != 'epci' else 'EPCI'}",
            colonnes=[
                (libelle, TEXTE),
                ("Dossiers déposés", ENTIER),
                ("Demandé, dossiers en cours (€)", EUROS),
                ("Programmé (€)", EUROS),
            ],
            lignes=[[t.nom, t.dossiers, t.demande, t.programme] for t in repartition[niveau]],
        )
        for niveau, libelle in NIVEAUX
    ]


# --- Tables of the concertation dashboard ---------------------------------------------------


def tableau_synthese_territoire(synthese: SyntheseTerritoire) -> Tableau:
    return Tableau(
        code="volets-etats",
        titre="Dossiers et montants par volet et par état",
        colonnes=[
            ("Volet", TEXTE),
            ("État", TEXTE),
            ("Dossiers", ENTIER),
            ("Demandé aux signataires (€)", EUROS),
            ("Programmé (€)", EUROS),
        ],
        lignes=[
            [
                ligne["volet"],
                ligne["etat_libelle"],
                ligne["n"],
                ligne["total_demande"],
                ligne["total_programme"],
            ]
            for ligne in synthese.lignes
        ],
    )


def tableau_programmation_territoire(synthese: SyntheseTerritoire) -> Tableau:
    return Tableau(
        code="programmation",
        titre="Taux de programmation par volet",
        colonnes=[
            ("Volet", TEXTE),
            ("Dossiers", ENTIER),
            ("Demandé, dossiers en cours ou programmés (€)", EUROS),
            ("Programmé (€)", EUROS),
            ("Taux de programmation (%)", POURCENTAGE),
        ],
        lignes=[
            [v["volet"], v["n"], v["demande_active"], v["programme"], v["taux"]]
            for v in synthese.par_volet
        ]
        + [
            [
                "Total",
                synthese.dossiers,
                synthese.demande_active,
                synthese.programme,
                synthese.taux_programmation,
            ]
        ],
    )


COLONNES_DOSSIERS = [
    ("Numéro", TEXTE),
    ("Intitulé", TEXTE),
    ("Structure porteuse", TEXTE),
    ("Volet", TEXTE),
    ("Communes", TEXTE),
    ("État", TEXTE),
    ("Demandé aux signataires (€)", EUROS),
    ("Programmé (€)", EUROS),
]


def ligne_dossier(dossier) -> list:
    """The public fields of a dossier, nothing about people (DESIGN §4)."""
    return [
        dossier.numero,
        dossier.intitule,
        dossier.structure.raison_sociale,
        str(dossier.volet) if dossier.volet_id else "",
        ", ".join(commune.nom for commune in dossier.communes.all()),
        dossier.get_etat_display(),
        dossier.demande,
        dossier.programme,
    ]


def tableau_dossiers_territoire(dossiers) -> Tableau:
    return Tableau(
        code="dossiers",
        titre="Dossiers du territoire",
        colonnes=COLONNES_DOSSIERS,
        lignes=[ligne_dossier(dossier) for dossier in dossiers],
    )


# --- Files ----------------------------------------------------------------------------------


def _texte_csv(valeur, type_) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, Decimal | float):
        return f"{valeur}".replace(".", ",")
    return str(valeur)


def _nom_fichier(prefixe: str, tableau: Tableau, extension: str) -> str:
    return f"cper-{prefixe}-{tableau.code}-{timezone.localdate():%Y-%m-%d}.{extension}"


def en_csv(tableau: Tableau, prefixe: str) -> HttpResponse:
    tampon = io.StringIO()
    tampon.write("\ufeff")  # the BOM tells Excel the file is UTF-8
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow([libelle for libelle, _ in tableau.colonnes])
    for ligne in tableau.lignes:
        ecrivain.writerow(
            [_texte_csv(valeur, type_) for valeur, type_ in zip(ligne, tableau.types, strict=True)]
        )
    reponse = HttpResponse(
        tampon.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    reponse["Content-Disposition"] = (
        f'attachment; filename="{_nom_fichier(prefixe, tableau, "csv")}"'
    )
    return reponse


def en_xlsx(tableau: Tableau, prefixe: str) -> HttpResponse:
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = tableau.titre[:31]
    feuille.append([libelle for libelle, _ in tableau.colonnes])
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
    for ligne in tableau.lignes:
        feuille.append(ligne)
    for indice, (libelle, type_) in enumerate(tableau.colonnes, start=1):
        lettre = get_column_letter(indice)
        feuille.column_dimensions[lettre].width = max(12, min(60, len(libelle) + 2))
        if type_ in FORMATS_XLSX:
            for (cellule,) in feuille.iter_rows(min_row=2, min_col=indice, max_col=indice):
                cellule.number_format = FORMATS_XLSX[type_]
    feuille.freeze_panes = "A2"
    tampon = io.BytesIO()
    classeur.save(tampon)
    reponse = HttpResponse(
        tampon.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    reponse["Content-Disposition"] = (
        f'attachment; filename="{_nom_fichier(prefixe, tableau, "xlsx")}"'
    )
    return reponse


def exporter(tableau: Tableau, format_: str, prefixe: str) -> HttpResponse:
    return en_xlsx(tableau, prefixe) if format_ == "xlsx" else en_csv(tableau, prefixe)
