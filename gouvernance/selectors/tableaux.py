"""Reads of the dashboards: funnel, delays, territorial breakdowns, a territory's figures.

Each function is one query computed in PostgreSQL, whatever the number of dossiers.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from cper import lecture
from cper.referentiel.models import (
    Arrondissement,
    Departement,
    Epci,
    PoleMetropolitain,
    Volet,
)
from dossiers.enums import EtatDossier as E
from dossiers.models import AgregatFinancement, TotalSuivi
from gouvernance.models import MembreInstance
from gouvernance.selectors.maquette import ETATS_EN_COURS, ZERO, Maquette, maquette, taux

MONTANT = DecimalField(max_digits=16, decimal_places=2)
# States whose requested money is still wanted or has been granted: the base of a territory's
# programming rate.
ETATS_DEMANDE_ACTIVE = [*ETATS_EN_COURS, E.PROGRAMME]


def _lignes(sql: str, parametres) -> list[tuple]:
    with lecture.connexion().cursor() as curseur:
        curseur.execute(sql, parametres)
        return curseur.fetchall()


# --- Funnel ---------------------------------------------------------------------------------

ETAPES = [
    ("deposer", "Déposés"),
    ("declarer_recevable", "Déclarés recevables"),
    ("conclure_instruction", "Instruits"),
    ("programmer", "Programmés"),
]


@dataclass
class Entonnoir:
    etapes: list[tuple[str, int, Decimal | None]]  # libellé, dossiers, % of the filed ones
    etats: list[tuple[str, int]]  # libellé of the current state, dossiers
    deposes: int


def entonnoir() -> Entonnoir:
    """Dossiers per current state, and how many ever reached each stage (one query).

    Read from the kept counts (`TotalSuivi`, a few dozen rows): a stage counts the dossiers
    that went through its transition at least once (django-fsm-log), so a dossier withdrawn
    after being declared recevable still counts as recevable.
    """
    lignes = (
        TotalSuivi.objects.filter(section__in=["etat", "transition"], dossiers__gt=0)
        .values("section", "cle", "etat")
        .annotate(n=Sum("dossiers"))
        .order_by()
    )
    par_etat, par_etape = {}, {}
    for ligne in lignes:
        if ligne["section"] == "etat":
            par_etat[ligne["etat"]] = ligne["n"]
        else:
            par_etape[ligne["cle"]] = ligne["n"]
    # Dossiers filed without a logged dépôt (imports) still count as filed: they have a number.
    deposes = max(par_etape.get("deposer", 0), sum(par_etat.values()))
    par_etape["deposer"] = deposes
    return Entonnoir(
        etapes=[
            (libelle, par_etape.get(code, 0), taux(Decimal(par_etape.get(code, 0)), deposes))
            for code, libelle in ETAPES
        ],
        etats=[(etat.label, par_etat.get(etat.value, 0)) for etat in E if etat != E.BROUILLON],
        deposes=deposes,
    )


# --- Delays ---------------------------------------------------------------------------------

DELAIS = [
    ("depot_recevabilite", "Dépôt → recevabilité"),
    ("recevabilite_conclusion", "Recevabilité → conclusion de l'instruction"),
    ("conclusion_decision", "Conclusion → décision"),
    ("depot_decision", "Dépôt → décision (total)"),
]


@dataclass
class Delai:
    libelle: str
    dossiers: int
    mediane: Decimal | None
    p90: Decimal | None


def percentile_cont(histogramme: list[tuple[int, int]], p: float) -> Decimal | None:
    """PostgreSQL's `percentile_cont(p)` over the values of a (value, count) histogram."""
    total = sum(n for _valeur, n in histogramme)
    if not total:
        return None
    position = Decimal(str(p)) * (total - 1)
    bas = int(position)
    fraction = position - bas

    def rang(i):
        cumul = 0
        for valeur, n in histogramme:
            cumul += n
            if i < cumul:
                return valeur
        return histogramme[-1][0]

    v_bas = rang(bas)
    v_haut = rang(bas + 1) if fraction else v_bas
    return (v_bas + fraction * (v_haut - v_bas)).quantize(Decimal("0.1"))


def delais() -> list[Delai]:
    """Median and 90th percentile, in calendar days, of each step of the processing (1 query).

    Recevabilité: the first declarer_recevable or declarer_irrecevable; conclusion: the last
    conclure_instruction (an adjourned dossier is concluded again); décision: the last
    programmer or rejeter. Read from the kept histogram of each delay (`TotalSuivi`, one row per
    delay × number of days: a few thousand rows at most, whatever the number of dossiers).
    """
    histogrammes: dict[str, list[tuple[int, int]]] = {code: [] for code, _ in DELAIS}
    for cle, n in TotalSuivi.objects.filter(section="delai", dossiers__gt=0).values_list(
        "cle", "dossiers"
    ):
        code, jours = cle.rsplit(":", 1)
        if code in histogrammes:
            histogrammes[code].append((int(jours), n))
    resultat = []
    for code, libelle in DELAIS:
        histogramme = sorted(histogrammes[code])
        resultat.append(
            Delai(
                libelle=libelle,
                dossiers=sum(n for _j, n in histogramme),
                mediane=percentile_cont(histogramme, 0.5),
                p90=percentile_cont(histogramme, 0.9),
            )
        )
    return resultat


# --- Territories ----------------------------------------------------------------------------

NIVEAUX = [
    ("departement", "Département"),
    ("arrondissement", "Arrondissement"),
    ("epci", "EPCI"),
    ("pole", "Pôle métropolitain"),
]

REGLE_MULTI_TERRITOIRES = (
    "Un dossier situé sur plusieurs communes compte une fois, avec la totalité de ses montants, "
    "dans chaque territoire où se trouve au moins une de ses communes : la somme des lignes d'un "
    "niveau peut donc dépasser le total régional. Les montants sont ceux demandés aux "
    "signataires par les dossiers en cours (déposés, incomplets, en instruction, instruits) et "
    "ceux programmés par l'instance de pilotage ; les dossiers comptés sont tous les dossiers "
    "déposés."
)


@dataclass
class LigneTerritoire:
    nom: str
    dossiers: int
    demande: Decimal
    programme: Decimal


def repartition_territoriale() -> dict[str, list[LigneTerritoire]]:
    """Dossiers, requested and programmed per département, arrondissement, EPCI, pôle (1 query).

    Read from the kept counts per territory × volet × state (`TotalSuivi`, a few thousand rows
    whatever the number of dossiers): no dossier, commune link or financing line is read.

    See REGLE_MULTI_TERRITOIRES for dossiers on several territories.
    """
    sql = f"""
        WITH totaux AS (
            SELECT split_part(t.cle, ':', 1) AS niveau,
                   split_part(t.cle, ':', 2)::int AS territoire,
                   SUM(t.dossiers) AS dossiers,
                   COALESCE(SUM(t.demande) FILTER (WHERE t.etat = ANY(%s)), 0) AS demande,
                   SUM(t.programme) AS programme
            FROM {TotalSuivi._meta.db_table} t
            WHERE t.section = 'territoire' AND t.dossiers <> 0
            GROUP BY t.cle
        )
        SELECT t.niveau, COALESCE(dep.nom, arr.nom, epci.nom, pole.nom) AS nom,
               t.dossiers, t.demande, t.programme
        FROM totaux t
        LEFT JOIN {Departement._meta.db_table} dep
            ON t.niveau = 'departement' AND dep.id = t.territoire
        LEFT JOIN {Arrondissement._meta.db_table} arr
            ON t.niveau = 'arrondissement' AND arr.id = t.territoire
        LEFT JOIN {Epci._meta.db_table} epci ON t.niveau = 'epci' AND epci.id = t.territoire
        LEFT JOIN {PoleMetropolitain._meta.db_table} pole
            ON t.niveau = 'pole' AND pole.id = t.territoire
        WHERE t.dossiers > 0
        ORDER BY t.niveau, 2
    """  # noqa: S608 - table names from the models, values as parameters
    lignes = _lignes(sql, [[str(e) for e in ETATS_EN_COURS]])
    resultat = {code: [] for code, _ in NIVEAUX}
    for niveau, nom, n, demande, programme in lignes:
        if niveau == "arrondissement":
            nom = f"Arrondissement de {nom}"
        resultat[niveau].append(LigneTerritoire(nom, n, demande, programme))
    return resultat


# --- Concertation: a member's territory -----------------------------------------------------


def nombre_du_territoire(mandat: MembreInstance | None, *, etat=None, volet=None) -> int:
    """How many filed dossiers lie on the member's territory, from the kept counts (1 query)."""
    if mandat is None or mandat.territoire is None:
        return 0
    lignes = TotalSuivi.objects.filter(
        section="territoire", cle=cle_du_territoire(mandat.territoire)
    )
    if etat:
        lignes = lignes.filter(etat=etat)
    if volet is not None:
        lignes = lignes.filter(volet=volet.pk)
    return lignes.aggregate(n=Sum("dossiers"))["n"] or 0


def _somme_par_dossier(champ):
    """Per dossier, one column of its aggregate rows summed over the signatories."""
    return Coalesce(
        Subquery(
            AgregatFinancement.objects.filter(dossier=OuterRef("pk"), financeur__signataire=True)
            .order_by()
            .values("dossier")
            .annotate(total=Sum(champ))
            .values("total")
        ),
        Value(ZERO, output_field=MONTANT),
        output_field=MONTANT,
    )


def montant_demande():
    """Per dossier, what it asks of the signatories (whatever its state)."""
    return _somme_par_dossier("demande")


def montant_programme():
    """Per dossier, what the instance de pilotage programmed on it for the signatories."""
    return _somme_par_dossier("programme")


def avec_montants(queryset):
    return queryset.annotate(demande=montant_demande(), programme=montant_programme())


@dataclass
class SyntheseTerritoire:
    lignes: list[dict]  # volet, etat, dossiers, demande, programme
    par_volet: list[dict]
    dossiers: int
    demande_active: Decimal
    programme: Decimal

    @property
    def taux_programmation(self):
        return taux(self.programme, self.demande_active)


NIVEAU_DU_TERRITOIRE = {
    Departement: "departement",
    Arrondissement: "arrondissement",
    Epci: "epci",
    PoleMetropolitain: "pole",
}


def cle_du_territoire(territoire) -> str:
    """The territory's key in the kept counts ("pole:3"), as `SuiviDossier.territoires`."""
    return f"{NIVEAU_DU_TERRITOIRE[type(territoire)]}:{territoire.pk}"


def synthese_territoire(mandat: MembreInstance | None) -> SyntheseTerritoire:
    """Dossiers, requested and programmed per volet × state of a territory (one query).

    Read from the kept counts per territory × volet × state (`TotalSuivi`): the same dossiers
    as `perimetres.dossiers_du_territoire` (filed, on at least one commune of the territory),
    each with what it asks of the signatories and what was programmed for them.
    """
    lignes = []
    if mandat is not None and mandat.territoire is not None:
        sql = f"""
            SELECT v.numero, v.intitule, t.etat, t.dossiers, t.demande, t.programme
            FROM {TotalSuivi._meta.db_table} t
            LEFT JOIN {Volet._meta.db_table} v ON v.id = t.volet
            WHERE t.section = 'territoire' AND t.cle = %s AND t.dossiers > 0
            ORDER BY v.numero, t.etat
        """  # noqa: S608 - table names from the models, values as parameters
        lignes = [
            {
                "volet__numero": numero,
                "volet__intitule": intitule,
                "etat": etat,
                "n": n,
                "total_demande": demande,
                "total_programme": programme,
            }
            for numero, intitule, etat, n, demande, programme in _lignes(
                sql, [cle_du_territoire(mandat.territoire)]
            )
        ]
    libelles = dict(E.choices)
    par_volet: dict = {}
    demande_active = programme = ZERO
    for ligne in lignes:
        ligne["etat_libelle"] = libelles[ligne["etat"]]
        ligne["volet"] = (
            f"{ligne['volet__numero']}. {ligne['volet__intitule']}"
            if ligne["volet__numero"]
            else "Sans volet"
        )
        cumul = par_volet.setdefault(
            ligne["volet"],
            {"volet": ligne["volet"], "n": 0, "demande_active": ZERO, "programme": ZERO},
        )
        cumul["n"] += ligne["n"]
        cumul["programme"] += ligne["total_programme"]
        if ligne["etat"] in ETATS_DEMANDE_ACTIVE:
            cumul["demande_active"] += ligne["total_demande"]
            demande_active += ligne["total_demande"]
        programme += ligne["total_programme"]
    for cumul in par_volet.values():
        cumul["taux"] = taux(cumul["programme"], cumul["demande_active"])
    return SyntheseTerritoire(
        lignes=lignes,
        par_volet=list(par_volet.values()),
        dossiers=sum(ligne["n"] for ligne in lignes),
        demande_active=demande_active,
        programme=programme,
    )


# --- The pilotage dashboard as a whole ------------------------------------------------------


@dataclass
class TableauDeBordPilotage:
    """Every figure of the instance de pilotage's dashboard (the page and the API read it)."""

    maquette: Maquette
    entonnoir: Entonnoir
    delais: list[Delai]
    territoires: dict[str, list[LigneTerritoire]]


def tableau_de_bord_pilotage(le: datetime.date | None = None) -> TableauDeBordPilotage:
    """Maquette, funnel, delays and territorial breakdowns, all from the kept aggregates.

    Nine small queries whatever the number of dossiers: the maquette's six, then one each for
    the funnel, the delays and the territories.
    """
    return TableauDeBordPilotage(
        maquette=maquette(le),
        entonnoir=entonnoir(),
        delais=delais(),
        territoires=repartition_territoriale(),
    )
