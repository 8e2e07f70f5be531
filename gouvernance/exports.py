"""The dashboards' tables, shared by the HTML pages and their CSV and XLSX exports.

A Tableau is a title, typed columns and rows of plain values (str, int, Decimal, None). The CSV
speaks French Excel: `;` separator, decimal comma, UTF-8 with a BOM; the XLSX keeps numbers as
numbers with a French display format.
"""

from dataclasses import dataclass

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import OuterRef, Subquery, Value
from django.utils import timezone

from cper import tableurs
from cper.referentiel.models import Commune
from dossiers.enums import EtatDossier
from gouvernance.selectors.maquette import Maquette
from gouvernance.selectors.tableaux import NIVEAUX, Entonnoir, SyntheseTerritoire

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
            ("Engagé (€)", EUROS),
            ("Mandaté (€)", EUROS),
            ("Libéré : caducités et renonciations (€)", EUROS),
            ("Reste à payer (€)", EUROS),
            ("Taux d'exécution (%)", POURCENTAGE),
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
                c.engage,
                c.mandate,
                c.libere,
                c.reste_a_payer,
                c.taux_execution,
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
        lignes=[list(etape) for etape in entonnoir.etapes + entonnoir.sorties],
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


def tableau_delais_versement(delais) -> Tableau:
    return Tableau(
        code="delais-versement",
        titre="Délais de paiement, de la demande de versement au mandatement (en jours)",
        colonnes=[
            ("Financeur", TEXTE),
            ("Versements mesurés", ENTIER),
            ("Médiane (jours)", JOURS),
            ("90e centile (jours)", JOURS),
        ],
        lignes=[[d.libelle, d.dossiers, d.mediane, d.p90] for d in delais],
    )


# The execution figures of a cell (maquette.Cellule), in the maquette's order.
COLONNES_EXECUTION = [
    ("Programmé (€)", EUROS),
    ("Engagé (€)", EUROS),
    ("Mandaté (€)", EUROS),
    ("Libéré : caducités et renonciations (€)", EUROS),
    ("Reste à payer (€)", EUROS),
    ("Taux d'exécution (%)", POURCENTAGE),
]


def _execution(c) -> list:
    return [c.programme, c.engage, c.mandate, c.libere, c.reste_a_payer, c.taux_execution]


def tableaux_territoires(repartition) -> list[Tableau]:
    return [
        Tableau(
            code=f"territoires-{niveau}",
            titre=f"Répartition par {libelle.lower() if niveau != 'epci' else 'EPCI'}",
            colonnes=[
                (libelle, TEXTE),
                ("Dossiers déposés", ENTIER),
                ("Demandé, dossiers en cours (€)", EUROS),
                *COLONNES_EXECUTION,
            ],
            lignes=[[t.nom, t.dossiers, t.demande, *_execution(t)] for t in repartition[niveau]],
        )
        for niveau, libelle in NIVEAUX
    ]


def tableau_execution_territoires(lignes) -> Tableau:
    """Every territory × volet × signatory (tableaux.execution_territoriale)."""
    return Tableau(
        code="execution-territoires",
        titre="Exécution par territoire, volet et signataire",
        colonnes=[
            ("Territoire", TEXTE),
            ("Niveau", TEXTE),
            ("Volet", TEXTE),
            ("Signataire", TEXTE),
            *COLONNES_EXECUTION,
        ],
        lignes=[
            [
                ligne.territoire,
                ligne.niveau,
                ligne.volet,
                ligne.financeur,
                *_execution(ligne.cellule),
            ]
            for ligne in lignes
        ],
    )


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


def tableau_execution_territoire(synthese: SyntheseTerritoire) -> Tableau:
    return Tableau(
        code="execution",
        titre="Exécution par volet et par signataire",
        colonnes=[("Volet", TEXTE), ("Signataire", TEXTE), *COLONNES_EXECUTION],
        lignes=[
            [volet, financeur, *_execution(cellule)]
            for volet, financeur, cellule in synthese.execution
        ]
        + (
            [["Total", "Tous les signataires", *_execution(synthese.total_execution)]]
            if synthese.execution
            else []
        ),
    )


def tableau_entonnoir_territoire(synthese: SyntheseTerritoire) -> Tableau:
    tableau = tableau_entonnoir(synthese.entonnoir)
    tableau.code = "entonnoir"
    tableau.titre = "Entonnoir des dossiers du territoire"
    return tableau


COLONNES_DOSSIERS = [
    ("Numéro", TEXTE),
    ("Intitulé", TEXTE),
    ("Structure porteuse", TEXTE),
    ("Volet", TEXTE),
    ("Communes", TEXTE),
    ("État", TEXTE),
    ("Demandé aux signataires (€)", EUROS),
    ("Programmé (€)", EUROS),
    ("Mandaté (€)", EUROS),
]


def noms_des_communes():
    """Per dossier, the names of its communes in alphabetical order, joined by « , »."""
    return Subquery(
        Commune.objects.filter(dossiers=OuterRef("pk"))
        .order_by()
        .annotate(groupe=Value(1))
        .values("groupe")
        .annotate(noms=StringAgg("nom", ", ", order_by="nom"))
        .values("noms")
    )


def tableau_dossiers_territoire(dossiers) -> Tableau:
    """The public fields of each dossier, nothing about people (DESIGN §4), in one query.

    `dossiers` is annotated with `demande`, `programme` and `mandate` (the kept suivi); plain
    values rather than model instances keep a few thousand rows fast.
    """
    libelles = dict(EtatDossier.choices)
    lignes = (
        dossiers.prefetch_related(None)
        .annotate(noms_communes=noms_des_communes())
        .values_list(
            "numero",
            "intitule",
            "structure__raison_sociale",
            "volet__numero",
            "volet__intitule",
            "noms_communes",
            "etat",
            "demande",
            "programme",
            "mandate",
        )
    )
    return Tableau(
        code="dossiers",
        titre="Dossiers du territoire",
        colonnes=COLONNES_DOSSIERS,
        lignes=[
            [
                numero,
                intitule,
                structure,
                f"{volet_numero}. {volet}" if volet_numero else "",
                noms or "",
                libelles[etat],
                demande,
                programme,
                mandate,
            ]
            for (
                numero,
                intitule,
                structure,
                volet_numero,
                volet,
                noms,
                etat,
                demande,
                programme,
                mandate,
            ) in lignes
        ],
    )


# --- Files ----------------------------------------------------------------------------------


def nom_fichier(prefixe: str, tableau: Tableau, extension: str) -> str:
    return f"cper-{prefixe}-{tableau.code}-{timezone.localdate():%Y-%m-%d}.{extension}"


TYPES_MIME = tableurs.FORMATS


def _feuille(tableau: Tableau) -> tableurs.Feuille:
    return tableurs.Feuille(
        titre=tableau.titre,
        entetes=[libelle for libelle, _ in tableau.colonnes],
        lignes=tableau.lignes,
        formats=[FORMATS_XLSX.get(type_) for type_ in tableau.types],
    )


def en_csv(tableau: Tableau) -> bytes:
    return tableurs.en_csv(_feuille(tableau))


def en_xlsx(tableau: Tableau) -> bytes:
    return tableurs.en_xlsx(_feuille(tableau))


def contenu(tableau: Tableau, format_: str) -> bytes:
    return en_xlsx(tableau) if format_ == "xlsx" else en_csv(tableau)
