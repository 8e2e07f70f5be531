"""Reads of the dashboards: funnel, delays, territorial breakdowns, a territory's figures.

Each function is one query computed in PostgreSQL, whatever the number of dossiers.
"""

import datetime
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cper import lecture
from cper.referentiel.models import (
    Arrondissement,
    Departement,
    Epci,
    Financeur,
    PoleMetropolitain,
    Volet,
)
from dossiers.enums import EtatDossier as E
from dossiers.models import AgregatFinancement, TotalSuivi
from gouvernance.models import MembreInstance
from gouvernance.selectors.maquette import (
    ETATS_EN_COURS,
    ETATS_LIBERES,
    ZERO,
    Cellule,
    Maquette,
    maquette,
    requete_de_la_maquette,
    taux,
)

MONTANT = DecimalField(max_digits=16, decimal_places=2)
# States whose requested money is still wanted or has been granted: the base of a territory's
# programming rate.
ETATS_DEMANDE_ACTIVE = [*ETATS_EN_COURS, E.PROGRAMME]


def _lignes(sql: str, parametres) -> list[tuple]:
    with lecture.connexion().cursor() as curseur:
        curseur.execute(sql, parametres)
        return curseur.fetchall()


def _ensemble(*requetes: tuple[str, object]) -> list[list[tuple]]:
    """The rows of several read queries sent in one round trip, one list per query.

    psycopg's pipeline sends them together and reads their results once: each is a statement
    of its own, which psycopg prepares after its second run on the connection, so PostgreSQL
    plans it once (one string of several statements was planned again at every request).
    """
    base = lecture.connexion()
    base.ensure_connection()
    curseurs = []
    try:
        with base.connection.pipeline():
            for sql, parametres in requetes:
                curseur = base.cursor()
                curseurs.append(curseur)
                curseur.execute(sql, parametres)
        return [curseur.fetchall() for curseur in curseurs]
    finally:
        for curseur in curseurs:
            curseur.close()


# --- Funnel ---------------------------------------------------------------------------------

ETAPES = [
    ("deposer", "Déposés"),
    ("declarer_recevable", "Déclarés recevables"),
    ("conclure_instruction", "Instruits"),
    ("programmer", "Programmés"),
    # Execution: the first act notified, the start declared, the last payment, the closure.
    ("attribuer", "Attribués (acte notifié)"),
    ("commencer", "Commencés"),
    ("solder", "Soldés"),
    ("cloturer", "Clôturés"),
]
# The exits after the decision: their unpaid money is released.
SORTIES = [
    ("declarer_caduc", "Sortie : devenus caducs"),
    ("abandonner", "Sortie : abandonnés par le porteur"),
]


@dataclass
class Entonnoir:
    etapes: list[tuple[str, int, Decimal | None]]  # libellé, dossiers, % of the filed ones
    etats: list[tuple[str, int]]  # libellé of the current state, dossiers
    deposes: int
    sorties: list[tuple[str, int, Decimal | None]] = field(default_factory=list)


def _entonnoir(par_etape: dict, deposes: int, etats=None) -> Entonnoir:
    """The stages and exits from the dossiers per transition gone through."""
    # Dossiers filed without a logged dépôt (imports) still count as filed: they have a number.
    deposes = max(par_etape.get("deposer", 0), deposes)
    par_etape = {**par_etape, "deposer": deposes}

    def ligne(code, libelle):
        return (libelle, par_etape.get(code, 0), taux(Decimal(par_etape.get(code, 0)), deposes))

    return Entonnoir(
        etapes=[ligne(code, libelle) for code, libelle in ETAPES],
        etats=etats or [],
        deposes=deposes,
        sorties=[ligne(code, libelle) for code, libelle in SORTIES],
    )


def totaux_du_suivi() -> list[tuple]:
    return _lignes(*_requete_totaux_du_suivi())


def _requete_totaux_du_suivi() -> tuple[str, list]:
    """The kept counts of the funnel and the delays, in one query (a few hundred rows whatever
    the number of dossiers): (section, cle, etat, dossiers, financeur's name) — the name for
    the payment delays' keys (`versement:<financeur>:<days>`), in the financeurs' order.

    One row per (section, cle, etat): these sections' counts have no volet nor financeur
    (`dossiers.agregats`), and the readers add up rows of the same key anyway. Only the
    financeurs' order is asked of PostgreSQL: the readers sort each histogram themselves.
    """
    sql = f"""
        SELECT t.section, t.cle, t.etat, t.dossiers, f.nom
        FROM {TotalSuivi._meta.db_table} t
        LEFT JOIN {Financeur._meta.db_table} f
            ON starts_with(t.cle, 'versement:')
           AND f.id = CASE WHEN starts_with(t.cle, 'versement:')
                           THEN split_part(t.cle, ':', 2)::int END
        WHERE t.section IN ('etat', 'transition', 'delai') AND t.dossiers > 0
        ORDER BY f.ordre, f.nom
    """  # noqa: S608 - table names from the models
    return sql, []


def entonnoir(lignes: list[tuple] | None = None) -> Entonnoir:
    """Dossiers per current state, and how many ever reached each stage (one query, none
    when given the rows of `totaux_du_suivi`).

    Read from the kept counts (`TotalSuivi`, a few dozen rows): a stage counts the dossiers
    that went through its transition at least once (django-fsm-log), so a dossier withdrawn
    after being declared recevable still counts as recevable.
    """
    par_etat, par_etape = {}, {}
    for section, cle, etat, n, _financeur in totaux_du_suivi() if lignes is None else lignes:
        if section == "etat":
            par_etat[etat] = par_etat.get(etat, 0) + n
        elif section == "transition":
            par_etape[cle] = par_etape.get(cle, 0) + n
    return _entonnoir(
        par_etape,
        sum(par_etat.values()),
        [(etat.label, par_etat.get(etat.value, 0)) for etat in E if etat != E.BROUILLON],
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


def percentile_cont(
    histogramme: list[tuple[int, int]], p: float, cumuls: list[int] | None = None
) -> Decimal | None:
    """PostgreSQL's `percentile_cont(p)` over the values of a sorted (value, count) histogram;
    `cumuls`: its running counts, when already added up."""
    if cumuls is None:
        cumuls = list(accumulate(n for _valeur, n in histogramme))
    total = cumuls[-1] if cumuls else 0
    if not total:
        return None
    position = _CENTILES.get(p) or Decimal(str(p))
    position *= total - 1
    bas = int(position)
    fraction = position - bas

    def rang(i):
        # The value of the i-th row (from 0): the first whose running count passes i.
        return histogramme[min(bisect_right(cumuls, i), len(histogramme) - 1)][0]

    v_bas = rang(bas)
    v_haut = rang(bas + 1) if fraction else v_bas
    return (v_bas + fraction * (v_haut - v_bas)).quantize(_DIXIEME)


_CENTILES = {0.5: Decimal("0.5"), 0.9: Decimal("0.9")}
_DIXIEME = Decimal("0.1")


def _histogramme(lignes: list[tuple[int, int]], libelle: str) -> Delai:
    histogramme = sorted(lignes)
    cumuls = list(accumulate(n for _j, n in histogramme))
    return Delai(
        libelle=libelle,
        dossiers=cumuls[-1] if cumuls else 0,
        mediane=percentile_cont(histogramme, 0.5, cumuls),
        p90=percentile_cont(histogramme, 0.9, cumuls),
    )


def _fusion(*histogrammes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    cumul: dict[int, int] = {}
    for histogramme in histogrammes:
        for jours, n in histogramme:
            cumul[jours] = cumul.get(jours, 0) + n
    return list(cumul.items())


TOUS_FINANCEURS = "Tous les financeurs"


def tous_les_delais(lignes: list[tuple] | None = None) -> tuple[list[Delai], list[Delai]]:
    """The processing delays and the payment delays, from one query (none when given the rows
    of `totaux_du_suivi`; see delais and delais_versement)."""
    histogrammes: dict[str, list[tuple[int, int]]] = {code: [] for code, _ in DELAIS}
    versements: dict[str, list[tuple[int, int]]] = {}  # per financeur name, in their order
    for section, cle, _etat, n, financeur in totaux_du_suivi() if lignes is None else lignes:
        if section != "delai":
            continue
        code, jours = cle.rsplit(":", 1)
        if code in histogrammes:
            histogrammes[code].append((int(jours), n))
        elif code.startswith("versement:") and financeur:
            versements.setdefault(financeur, []).append((int(jours), n))
    traitement = [_histogramme(histogrammes[code], libelle) for code, libelle in DELAIS]
    paiement = [_histogramme(lignes, nom) for nom, lignes in versements.items()]
    paiement.append(_histogramme(_fusion(*versements.values()), TOUS_FINANCEURS))
    return traitement, paiement


def delais() -> list[Delai]:
    """Median and 90th percentile, in calendar days, of each step of the processing (1 query).

    Recevabilité: the first declarer_recevable or declarer_irrecevable; conclusion: the last
    conclure_instruction (an adjourned dossier is concluded again); décision: the last
    programmer or rejeter. Read from the kept histogram of each delay (`TotalSuivi`, one row per
    delay × number of days: a few thousand rows at most, whatever the number of dossiers).
    """
    return tous_les_delais()[0]


def delais_versement() -> list[Delai]:
    """Median and 90th percentile, in calendar days, from a payment request (its filing date)
    to its payment order (the mandate date), per financeur, then all of them (1 query).

    Every payment mandated counts once. Read from the kept histogram per financeur × number of
    days (`TotalSuivi`, section `delai`, keys `versement:<financeur>:<days>`), so the median
    and percentile are exactly those PostgreSQL's `percentile_cont` gives over the payments.
    """
    return tous_les_delais()[1]


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
    "déposés. L'exécution suit la règle de la maquette : un dossier caduc ou abandonné ne garde "
    "de sa programmation que ce qui lui a été versé, le reste est libéré."
)


@dataclass
class LigneTerritoire:
    nom: str
    dossiers: int
    demande: Decimal
    programme: Decimal  # standing: a caduc or abandoned dossier keeps only what was paid
    engage: Decimal = ZERO
    mandate: Decimal = ZERO
    libere: Decimal = ZERO

    @property
    def reste_a_payer(self) -> Decimal:
        return self.programme - self.mandate

    @property
    def taux_execution(self) -> Decimal | None:
        return taux(self.mandate, self.programme)


# The execution's amounts of the kept `execution` rows (per territory × volet × state ×
# signatory), under the maquette's rule: caduc or abandoned dossiers keep only what was paid.
# Parameter: the released states.
SOMMES_EXECUTION = """
    COALESCE(SUM(CASE WHEN t.etat = ANY(%(liberes)s) THEN t.mandate ELSE t.programme END)
             FILTER (WHERE t.section = 'execution'), 0) AS programme,
    COALESCE(SUM(t.engage) FILTER (WHERE t.section = 'execution'), 0) AS engage,
    COALESCE(SUM(t.mandate) FILTER (WHERE t.section = 'execution'), 0) AS mandate,
    COALESCE(SUM(t.programme - t.mandate)
             FILTER (WHERE t.section = 'execution' AND t.etat = ANY(%(liberes)s)), 0) AS libere
"""


def _parametres_execution(**autres) -> dict:
    return {"liberes": [str(e) for e in ETATS_LIBERES], **autres}


def repartition_territoriale(lignes: list[tuple] | None = None) -> dict[str, list[LigneTerritoire]]:
    """Dossiers, requested and programmed per département, arrondissement, EPCI, pôle (1 query).

    Read from the kept counts per territory × state (`TotalSuivi`, section `repartition`: a few
    hundred rows whatever the number of dossiers): no dossier, commune link or financing line
    is read. Execution under the maquette's rule: a caduc or abandoned dossier keeps only what
    was paid, the rest is released.

    See REGLE_MULTI_TERRITOIRES for dossiers on several territories. Given the rows of
    `_requete_repartition()`, no query.
    """
    if lignes is None:
        lignes = _lignes(*_requete_repartition())
    resultat = {code: [] for code, _ in NIVEAUX}
    for niveau, nom, n, *montants in lignes:
        if niveau == "arrondissement":
            nom = f"Arrondissement de {nom}"
        resultat[niveau].append(LigneTerritoire(nom, n, *montants))
    return resultat


def _requete_repartition() -> tuple[str, dict]:
    sql = f"""
        WITH totaux AS (
            SELECT split_part(t.cle, ':', 1) AS niveau,
                   split_part(t.cle, ':', 2)::int AS territoire,
                   SUM(t.dossiers) AS dossiers,
                   COALESCE(SUM(t.demande) FILTER (WHERE t.etat = ANY(%(en_cours)s)), 0)
                       AS demande,
                   SUM(CASE WHEN t.etat = ANY(%(liberes)s) THEN t.mandate ELSE t.programme END)
                       AS programme,
                   SUM(t.engage) AS engage,
                   SUM(t.mandate) AS mandate,
                   COALESCE(SUM(t.programme - t.mandate)
                            FILTER (WHERE t.etat = ANY(%(liberes)s)), 0) AS libere
            FROM {TotalSuivi._meta.db_table} t
            WHERE t.section = 'repartition' AND t.dossiers <> 0
            GROUP BY t.cle
        )
        SELECT t.niveau, COALESCE(dep.nom, arr.nom, epci.nom, pole.nom) AS nom,
               t.dossiers, t.demande, t.programme, t.engage, t.mandate, t.libere
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
    return sql, _parametres_execution(en_cours=[str(e) for e in ETATS_EN_COURS])


@dataclass
class LigneExecution:
    """The execution of one volet × signatory on a territory (`cellule`: programme, engage,
    mandate, libere; its reste_a_payer and taux_execution)."""

    niveau: str
    territoire: str
    volet: str
    financeur: str
    cellule: Cellule


def execution_territoriale() -> list[LigneExecution]:
    """Per territory (every level), volet and signatory: programmed, engaged, mandated,
    released (1 query, from the kept `execution` rows: a few thousand whatever the number of
    dossiers). The territorial rule of REGLE_MULTI_TERRITOIRES applies."""
    sql = f"""
        WITH totaux AS (
            SELECT split_part(t.cle, ':', 1) AS niveau,
                   split_part(t.cle, ':', 2)::int AS territoire, t.volet, t.financeur,
                   {SOMMES_EXECUTION}
            FROM {TotalSuivi._meta.db_table} t
            WHERE t.section = 'execution' AND t.dossiers <> 0
            GROUP BY t.cle, t.volet, t.financeur
        )
        SELECT t.niveau, COALESCE(dep.nom, arr.nom, epci.nom, pole.nom) AS nom,
               v.numero, v.intitule, f.nom, t.programme, t.engage, t.mandate, t.libere
        FROM totaux t
        JOIN {Financeur._meta.db_table} f ON f.id = t.financeur
        LEFT JOIN {Volet._meta.db_table} v ON v.id = t.volet
        LEFT JOIN {Departement._meta.db_table} dep
            ON t.niveau = 'departement' AND dep.id = t.territoire
        LEFT JOIN {Arrondissement._meta.db_table} arr
            ON t.niveau = 'arrondissement' AND arr.id = t.territoire
        LEFT JOIN {Epci._meta.db_table} epci ON t.niveau = 'epci' AND epci.id = t.territoire
        LEFT JOIN {PoleMetropolitain._meta.db_table} pole
            ON t.niveau = 'pole' AND pole.id = t.territoire
        ORDER BY array_position(%(niveaux)s, t.niveau), 2, v.numero, f.ordre, f.nom
    """  # noqa: S608 - table names from the models, values as parameters
    libelles = dict(NIVEAUX)
    resultat = []
    for niveau, nom, numero, intitule, financeur, programme, engage, mandate, libere in _lignes(
        sql, _parametres_execution(niveaux=[code for code, _ in NIVEAUX])
    ):
        resultat.append(
            LigneExecution(
                niveau=libelles[niveau],
                territoire=f"Arrondissement de {nom}" if niveau == "arrondissement" else nom,
                volet=f"{numero}. {intitule}" if numero else "Sans volet",
                financeur=financeur,
                cellule=Cellule(programme=programme, engage=engage, mandate=mandate, libere=libere),
            )
        )
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
    return queryset.annotate(
        demande=montant_demande(),
        programme=montant_programme(),
        mandate=_somme_par_dossier("mandate"),
    )


@dataclass
class SyntheseTerritoire:
    lignes: list[dict]  # volet, etat, dossiers, demande, programme
    par_volet: list[dict]
    dossiers: int
    demande_active: Decimal
    programme: Decimal
    # (volet, signatory, Cellule) of the execution, then its total over the territory.
    execution: list[tuple[str, str, Cellule]] = field(default_factory=list)
    total_execution: Cellule = field(default_factory=Cellule)
    entonnoir: Entonnoir | None = None

    @property
    def taux_programmation(self):
        return taux(self.programme, self.demande_active)

    def nombre(self, *, etat=None, volet=None) -> int:
        """How many of its dossiers are in that state and volet: `nombre_du_territoire`
        from the rows already read (no query)."""
        return sum(
            ligne["n"]
            for ligne in self.lignes
            if (not etat or ligne["etat"] == etat)
            and (volet is None or ligne["volet_id"] == volet.pk)
        )


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
    lignes, execution, par_etape = [], {}, {}
    if mandat is not None and mandat.territoire is not None:
        # The territory's three kinds of kept rows in one query: per volet × state, the
        # execution per volet × state × signatory, the funnel (transition in `etat`).
        sql = f"""
            SELECT t.section, v.numero, v.intitule, t.etat, f.nom, t.dossiers, t.demande,
                   t.programme, t.engage, t.mandate, t.volet
            FROM {TotalSuivi._meta.db_table} t
            LEFT JOIN {Volet._meta.db_table} v ON v.id = t.volet
            LEFT JOIN {Financeur._meta.db_table} f
                ON t.section = 'execution' AND f.id = t.financeur
            WHERE t.section IN ('territoire', 'execution', 'etape') AND t.cle = %s
              AND t.dossiers > 0
            ORDER BY v.numero, f.ordre, f.nom, t.etat
        """  # noqa: S608 - table names from the models, values as parameters
        for (
            section,
            numero,
            intitule,
            etat,
            financeur,
            n,
            demande,
            programme,
            engage,
            mandate,
            volet_id,
        ) in _lignes(sql, [cle_du_territoire(mandat.territoire)]):
            if section == "etape":
                par_etape[etat] = n
            elif section == "execution":
                volet = f"{numero}. {intitule}" if numero else "Sans volet"
                # Summed as plain numbers (a Cellule per row cost more than the query):
                # programmed, engaged, mandated, released.
                cumul = execution.get((volet, financeur))
                if cumul is None:
                    cumul = execution[(volet, financeur)] = [ZERO, ZERO, ZERO, ZERO]
                if etat in ETATS_LIBERES:
                    cumul[0] += mandate
                    cumul[3] += programme - mandate
                else:
                    cumul[0] += programme
                cumul[1] += engage
                cumul[2] += mandate
            else:
                lignes.append(
                    {
                        "volet__numero": numero,
                        "volet__intitule": intitule,
                        "volet_id": volet_id,
                        "etat": etat,
                        "n": n,
                        "total_demande": demande,
                        "total_programme": programme,
                    }
                )
    execution = {
        cle: Cellule(programme=p, engage=en, mandate=m, libere=lib)
        for cle, (p, en, m, lib) in execution.items()
    }
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
    dossiers = sum(ligne["n"] for ligne in lignes)
    return SyntheseTerritoire(
        lignes=lignes,
        par_volet=list(par_volet.values()),
        dossiers=dossiers,
        demande_active=demande_active,
        programme=programme,
        execution=[(volet, financeur, c) for (volet, financeur), c in execution.items()],
        total_execution=sum(execution.values(), Cellule()),
        entonnoir=_entonnoir(par_etape, dossiers),
    )


# --- The pilotage dashboard as a whole ------------------------------------------------------


@dataclass
class TableauDeBordPilotage:
    """Every figure of the instance de pilotage's dashboard (the page and the API read it)."""

    maquette: Maquette
    entonnoir: Entonnoir
    delais: list[Delai]
    territoires: dict[str, list[LigneTerritoire]]
    delais_versement: list[Delai] = field(default_factory=list)


def tableau_de_bord_pilotage(le: datetime.date | None = None) -> TableauDeBordPilotage:
    """Maquette, funnel, delays and territorial breakdowns, all from the kept aggregates.

    Three small reads sent in one round trip whatever the number of dossiers: the maquette,
    the funnel with the delays (processing and payments), the territories.
    """
    le = le or timezone.localdate()
    lignes_maquette, suivi, territoires = _ensemble(
        requete_de_la_maquette(le), _requete_totaux_du_suivi(), _requete_repartition()
    )
    traitement, paiement = tous_les_delais(suivi)
    return TableauDeBordPilotage(
        maquette=maquette(le, lignes_maquette),
        entonnoir=entonnoir(suivi),
        delais=traitement,
        territoires=repartition_territoriale(territoires),
        delais_versement=paiement,
    )
