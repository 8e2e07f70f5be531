"""The kept aggregates: what the dashboards read, kept current when a dossier moves.

Two families of rows, both rewritten by **one function**, `recalculer_dossier(pk)`, which every
service that moves money or changes a dossier's state calls after its write, in its
transaction (it holds the dossier's row lock by then):

- money, per dossier × financeur (`AgregatFinancement`) and per volet × financeur × state
  (`AgregatVolet`): one column per kind of amount. Each column's amounts come from the floor
  that owns them: the financing plan here (`demande`), the avis in `instruction` (`propose`),
  the decisions in `gouvernance` (`programme`). A lower floor never imports a higher one, so
  each floor declares its column's SQL at start-up with `enregistrer_source()` (its
  `agregats.py`, called from its `AppConfig.ready`). The columns are the decimal fields of
  `AgregatFinancement`: a new floor adds a field to both models and registers its source.
- the dossier's course (`SuiviDossier`: state, funnel stages, delays, territories, the
  signatories' amounts, its execution per signatory and its payments' delays) and its counts
  (`TotalSuivi`: per state, per stage, per delay, per territory × volet × state, the
  execution per territory × volet × state × signatory, the stages per territory), computed
  here from the dossier, its history, its communes, its money rows and the payment delays
  that `execution` registers (`enregistrer_delais_versement()`).

Failing loudly, not showing zeros: a column without a source is an error of `manage.py check`
(and of every recalculation); the test suite compares both families with a from-scratch
computation (`ecarts()`) after every test that touched the database, so a service that moves
a dossier without `recalculer_dossier` fails the test that drives it.
`reconstruire()` rebuilds every row from scratch (command `recalculer_agregats`, `seed_demo`,
an existing database after `migrate`). See docs/tableaux.md, « Agrégats tenus à jour ».
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, models, transaction
from django_fsm_log.models import StateLog

from cper import masse
from cper.referentiel.models import Commune, Financeur, PoleMetropolitain

from .enums import EtatDossier
from .models import (
    AgregatFinancement,
    AgregatVolet,
    Dossier,
    LigneFinancement,
    SuiviDossier,
    TotalSuivi,
)

# The money columns: every decimal field of the dossier × financeur rows.
COLONNES = tuple(
    f.name for f in AgregatFinancement._meta.fields if isinstance(f, models.DecimalField)
)


@dataclass(frozen=True)
class Source:
    """SQL returning (dossier_id, financeur_id, montant), one row per dossier × financeur.

    `sql` contains `{filtre}` where the rows may be restricted to one dossier: a condition on
    `colonne_dossier`, applied before any aggregation so that one dossier reads only its rows.
    """

    sql: str
    colonne_dossier: str


_SOURCES: dict[str, Source] = {}


def enregistrer_source(colonne: str, sql: str, *, colonne_dossier: str) -> None:
    """Declare where one column's amounts come from (idempotent: the last one wins)."""
    if colonne not in COLONNES:
        raise ValueError(f"Colonne inconnue : {colonne}")
    _SOURCES[colonne] = Source(sql, colonne_dossier)


enregistrer_source(
    "demande",
    f"""
    SELECT lf.dossier_id, lf.financeur_id, SUM(lf.montant_demande)
    FROM {LigneFinancement._meta.db_table} lf
    WHERE {{filtre}}
    GROUP BY lf.dossier_id, lf.financeur_id
    """,  # noqa: S608 - table names from the models
    colonne_dossier="lf.dossier_id",
)


# The payment delays of the course (`SuiviDossier.versements`): registered by the floor that
# holds the payments (execution), as the money columns are.
VERSEMENTS = "versements"


def enregistrer_delais_versement(sql: str, *, colonne_dossier: str) -> None:
    """Declare the SQL of the payment delays: (dossier_id, financeur_id, days), one row per
    payment mandated, `{filtre}` as for the money columns; it may read %(fuseau)s, the time
    zone of calendar days."""
    _SOURCES[VERSEMENTS] = Source(sql, colonne_dossier)


def colonnes_sans_source() -> list[str]:
    return [colonne for colonne in (*COLONNES, VERSEMENTS) if colonne not in _SOURCES]


def verifier_sources(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check: every money column has its source (registered at start-up)."""
    return [
        checks.Error(
            f"Aucune source enregistrée pour la colonne « {colonne} » des agrégats.",
            hint="Appeler dossiers.agregats.enregistrer_source() dans AppConfig.ready.",
            id="dossiers.E001",
        )
        for colonne in colonnes_sans_source()
    ]


def _source(colonne: str, un_dossier: bool) -> str:
    """The registered SQL of a column, restricted to %(dossier)s when one; loud when none."""
    source = _SOURCES.get(colonne)
    if source is None:
        # Loud, not zeros on every dashboard: an app forgot to register its column.
        raise ImproperlyConfigured(
            f"Aucune source enregistrée pour la colonne « {colonne} » des agrégats."
        )
    filtre = f"{source.colonne_dossier} = %(dossier)s" if un_dossier else "TRUE"
    return source.sql.format(filtre=filtre)


def _nouveaux(un_dossier: bool) -> str:
    """SELECT of the rows as they should be: all dossiers, or the one of %(dossier)s."""
    sources = []
    for colonne in COLONNES:
        sql = _source(colonne, un_dossier)
        sources.append(
            f"SELECT '{colonne}' AS colonne, s.* "  # noqa: S608 - registered sources' SQL
            f"FROM ({sql}) AS s(dossier_id, financeur_id, montant)"
        )
    sommes = ", ".join(
        f"COALESCE(SUM(s.montant) FILTER (WHERE s.colonne = '{colonne}'), 0) AS {colonne}"
        for colonne in COLONNES
    )
    return f"""
        SELECT d.id AS dossier_id, s.financeur_id, d.volet_id, d.etat, {sommes}
        FROM ({" UNION ALL ".join(sources)}) s
        JOIN {Dossier._meta.db_table} d ON d.id = s.dossier_id
        GROUP BY d.id, s.financeur_id
    """  # noqa: S608 - table and column names from the code


CHAMPS = f"dossier_id, financeur_id, volet_id, etat, {', '.join(COLONNES)}"
CHAMPS_VOLET = f"volet_id, financeur_id, etat, {', '.join(COLONNES)}"
SOMMES = ", ".join(f"SUM({c})" for c in COLONNES)


def recalculer_dossier(dossier_id: int) -> None:
    """Rewrite the kept rows of one dossier from the source tables (two statements).

    Call it after the write, inside the same transaction: rows are upserted, the rows of
    financeurs that no longer appear anywhere are deleted, and the difference between the new
    and the old rows is added to the volet × financeur × state totals (in key order, so that
    two transactions lock the totals in the same order). Callers hold the dossier's row lock
    (every service that moves money takes it), so two recalculations never interleave.
    """
    table = AgregatFinancement._meta.db_table
    totaux = AgregatVolet._meta.db_table
    mises_a_jour = ", ".join(f"{c} = EXCLUDED.{c}" for c in ("volet_id", "etat", *COLONNES))
    ajouts = ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c in COLONNES)
    oppose = ", ".join(f"-{c}" for c in COLONNES)
    non_nul = " OR ".join(f"SUM({c}) <> 0" for c in COLONNES)
    sql = f"""
        WITH nouveaux AS ({_nouveaux(un_dossier=True)}),
        anciens AS (SELECT {CHAMPS} FROM {table} WHERE dossier_id = %(dossier)s),
        ecrits AS (
            INSERT INTO {table} ({CHAMPS}) SELECT {CHAMPS} FROM nouveaux
            ON CONFLICT (dossier_id, financeur_id) DO UPDATE SET {mises_a_jour}
        ),
        supprimes AS (
            DELETE FROM {table} a
            WHERE a.dossier_id = %(dossier)s
              AND NOT EXISTS (SELECT 1 FROM nouveaux n WHERE n.financeur_id = a.financeur_id)
        ),
        ecarts AS (
            SELECT {CHAMPS_VOLET} FROM nouveaux WHERE volet_id IS NOT NULL
            UNION ALL
            SELECT volet_id, financeur_id, etat, {oppose} FROM anciens WHERE volet_id IS NOT NULL
        )
        INSERT INTO {totaux} AS t ({CHAMPS_VOLET})
        SELECT volet_id, financeur_id, etat, {SOMMES} FROM ecarts
        GROUP BY volet_id, financeur_id, etat
        HAVING {non_nul}
        ORDER BY volet_id, financeur_id, etat
        ON CONFLICT (volet_id, financeur_id, etat) DO UPDATE SET {ajouts}
    """  # noqa: S608 - table and column names from the code, values as parameters
    with connection.cursor() as curseur:
        curseur.execute(sql, {"dossier": dossier_id})
        _recalculer_suivi(curseur, dossier_id)


def reconstruire(*, using: str = "default") -> int:
    """Rebuild every row from scratch; returns the number of dossier × financeur rows.

    Runs in its own transaction (or the caller's). The tables are locked until commit, so a
    service recalculating a dossier meanwhile waits instead of colliding with the rebuild's
    rows. Their constraints and indexes are set aside while they are rewritten (`cper.masse`):
    that also holds writes to the dossiers until commit, which suits a rebuild (a command, the
    demo), not a user's request.
    """
    tables = [
        m._meta.db_table for m in (AgregatFinancement, AgregatVolet, SuiviDossier, TotalSuivi)
    ]
    table, totaux = tables[:2]
    with transaction.atomic(using=using), connections[using].cursor() as curseur:
        curseur.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
        # The sources' joins and groupings sort in memory rather than on disk.
        curseur.execute("SET LOCAL work_mem = '64MB'")
        with masse.suspendus(tables, using=using):
            for nom in tables:
                curseur.execute(f"DELETE FROM {nom}")  # noqa: S608
            curseur.execute(
                f"INSERT INTO {table} ({CHAMPS}) SELECT {CHAMPS} FROM ({_nouveaux(False)}) n",  # noqa: S608
                {},
            )
            n = curseur.rowcount
            curseur.execute(f"INSERT INTO {totaux} ({CHAMPS_VOLET}) {_totaux()}")
            _reconstruire_suivi(curseur)
        masse.analyser(tables, using=using)
    return n


def _totaux() -> str:
    """The volet × financeur × state totals as summed from the dossier rows."""
    return f"""
        SELECT volet_id, financeur_id, etat, {SOMMES}
        FROM {AgregatFinancement._meta.db_table} WHERE volet_id IS NOT NULL
        GROUP BY volet_id, financeur_id, etat
    """  # noqa: S608 - table and column names from the code


def ecarts() -> list[tuple]:
    """Rows that differ from a from-scratch computation (empty when all is current).

    Dossier rows against the sources, then volet totals against the sums of the expected
    dossier rows (totals brought back to zero may stay: they count as absent).
    """
    table = AgregatFinancement._meta.db_table
    totaux = AgregatVolet._meta.db_table
    non_nul = " OR ".join(f"{c} <> 0" for c in COLONNES)
    sql = f"""
        WITH attendus AS ({_nouveaux(False)}),
        actuels AS (SELECT {CHAMPS} FROM {table}),
        totaux_attendus AS (
            SELECT volet_id, financeur_id, etat, {SOMMES} FROM attendus
            WHERE volet_id IS NOT NULL GROUP BY volet_id, financeur_id, etat
        ),
        totaux_actuels AS (SELECT {CHAMPS_VOLET} FROM {totaux} WHERE {non_nul})
        (SELECT 'manquant', * FROM attendus EXCEPT SELECT 'manquant', * FROM actuels)
        UNION ALL
        (SELECT 'en trop', * FROM actuels EXCEPT SELECT 'en trop', * FROM attendus)
        UNION ALL
        (SELECT 'total manquant', NULL::int, * FROM totaux_attendus
         EXCEPT SELECT 'total manquant', NULL::int, * FROM totaux_actuels)
        UNION ALL
        (SELECT 'total en trop', NULL::int, * FROM totaux_actuels
         EXCEPT SELECT 'total en trop', NULL::int, * FROM totaux_attendus)
        ORDER BY 1, 2, 3
    """  # noqa: S608 - table and column names from the code
    with connection.cursor() as curseur:
        curseur.execute(sql, {})
        return curseur.fetchall() + _ecarts_suivi(curseur)


# --- The dossier's course: SuiviDossier and TotalSuivi ------------------------------------

# Funnel and delay milestones, from django-fsm-log's history of the dossier's transitions.
RECEVABILITE = ("declarer_recevable", "declarer_irrecevable")
DECISION = ("programmer", "rejeter")
DELAIS = ("depot_recevabilite", "recevabilite_conclusion", "conclusion_decision", "depot_decision")
CHAMPS_SUIVI = ", ".join(
    [
        *("dossier_id", "etat", "volet_id", "depose_le", "transitions"),
        *DELAIS,
        *("demande", "programme", "mandate", "territoires"),
        *("financeurs", "programmes", "engages", "mandates", "versements"),
    ]
)
# The transitions counted per territory (its funnel): the stages and the exits of the
# dashboards, not every back-and-forth (complements, adjournments).
ETAPES_TERRITOIRE = (
    *("deposer", "declarer_recevable", "conclure_instruction", "programmer"),
    *("attribuer", "commencer", "solder", "cloturer", "declarer_caduc", "abandonner"),
)
CLE_TOTAL = "section, cle, volet, etat, financeur"
VALEURS_TOTAL = ("dossiers", "demande", "programme", "engage", "mandate")


def _suivi(un_dossier: bool) -> str:
    """SELECT of the `SuiviDossier` rows as they should be (all, or the one of %(dossier)s).

    Only filed dossiers (a number, not a draft) have one. Parameters: %(dossier)s when one,
    %(type)s the dossier's content type, %(fuseau)s the time zone of calendar days.
    """
    lien = Dossier.communes.through._meta.db_table
    poles = PoleMetropolitain.membres.through._meta.db_table

    def filtre(colonne):
        return f"{colonne} = %(dossier)s" if un_dossier else "TRUE"

    def jour(expression):
        return f"(({expression}) AT TIME ZONE %(fuseau)s)::date"

    recevabilite = ", ".join(f"'{t}'" for t in RECEVABILITE)
    decision = ", ".join(f"'{t}'" for t in DECISION)
    # Per signatory with money on the dossier, in financeur order: the parallel arrays.
    execute = "a.programme <> 0 OR a.engage <> 0 OR a.mandate <> 0"
    par_financeur = ", ".join(
        f"array_agg(a.{c} ORDER BY a.financeur_id) FILTER (WHERE {execute}) AS {c}s"
        for c in ("financeur_id", "programme", "engage", "mandate")
    )
    return f"""
        WITH historique AS (
            SELECT s.object_id AS dossier_id,
                array_agg(DISTINCT s.transition::varchar ORDER BY s.transition::varchar)
                    AS transitions,
                MIN(s.timestamp) FILTER (WHERE s.transition IN ({recevabilite}))
                    AS recevabilite,
                MIN(s.timestamp) FILTER (WHERE s.transition = 'declarer_recevable') AS recevable,
                MAX(s.timestamp) FILTER (WHERE s.transition = 'conclure_instruction')
                    AS conclusion,
                MAX(s.timestamp) FILTER (WHERE s.transition IN ({decision})) AS decision
            FROM {StateLog._meta.db_table} s
            WHERE s.content_type_id = %(type)s AND {filtre("s.object_id")}
            GROUP BY s.object_id
        ), montants AS (
            SELECT a.dossier_id, SUM(a.demande) AS demande, SUM(a.programme) AS programme,
                SUM(a.mandate) AS mandate, {par_financeur}
            FROM {AgregatFinancement._meta.db_table} a
            JOIN {Financeur._meta.db_table} f ON f.id = a.financeur_id AND f.signataire
            WHERE {filtre("a.dossier_id")}
            GROUP BY a.dossier_id
        ), lieux AS (
            SELECT l.dossier_id, t.territoire
            FROM {lien} l
            JOIN {Commune._meta.db_table} c ON c.id = l.commune_id
            CROSS JOIN LATERAL (VALUES
                ('departement:' || c.departement_id),
                ('arrondissement:' || c.arrondissement_id),
                ('epci:' || c.epci_id)
            ) AS t(territoire)
            WHERE t.territoire IS NOT NULL AND {filtre("l.dossier_id")}
            UNION
            SELECT l.dossier_id, 'pole:' || pm.polemetropolitain_id
            FROM {lien} l
            JOIN {Commune._meta.db_table} c ON c.id = l.commune_id
            JOIN {poles} pm ON pm.epci_id = c.epci_id
            WHERE {filtre("l.dossier_id")}
        ), territoires AS (
            SELECT dossier_id, array_agg(territoire::varchar ORDER BY territoire::varchar)
                AS territoires
            FROM lieux GROUP BY dossier_id
        ), versements AS (
            SELECT v.dossier_id,
                array_agg((v.financeur_id || ':' || v.jours)::varchar
                          ORDER BY v.financeur_id, v.jours) AS versements
            FROM ({_source(VERSEMENTS, un_dossier)}) AS v(dossier_id, financeur_id, jours)
            WHERE v.jours IS NOT NULL
            GROUP BY v.dossier_id
        )
        SELECT d.id AS dossier_id, d.etat, d.volet_id, d.depose_le,
            COALESCE(h.transitions, ARRAY[]::varchar[]) AS transitions,
            {jour("h.recevabilite")} - {jour("d.depose_le")} AS depot_recevabilite,
            {jour("h.conclusion")} - {jour("h.recevable")} AS recevabilite_conclusion,
            {jour("h.decision")} - {jour("h.conclusion")} AS conclusion_decision,
            {jour("h.decision")} - {jour("d.depose_le")} AS depot_decision,
            COALESCE(m.demande, 0) AS demande, COALESCE(m.programme, 0) AS programme,
            COALESCE(m.mandate, 0) AS mandate,
            COALESCE(t.territoires, ARRAY[]::varchar[]) AS territoires,
            COALESCE(m.financeur_ids, ARRAY[]::int[]) AS financeurs,
            COALESCE(m.programmes, ARRAY[]::numeric[]) AS programmes,
            COALESCE(m.engages, ARRAY[]::numeric[]) AS engages,
            COALESCE(m.mandates, ARRAY[]::numeric[]) AS mandates,
            COALESCE(v.versements, ARRAY[]::varchar[]) AS versements
        FROM {Dossier._meta.db_table} d
        LEFT JOIN historique h ON h.dossier_id = d.id
        LEFT JOIN montants m ON m.dossier_id = d.id
        LEFT JOIN territoires t ON t.dossier_id = d.id
        LEFT JOIN versements v ON v.dossier_id = d.id
        WHERE d.numero IS NOT NULL AND d.etat <> '{EtatDossier.BROUILLON.value}'
          AND {filtre("d.id")}
    """  # noqa: S608 - table and column names from the code, values as parameters


def _comptes(relation: str, signe: str = "") -> str:
    """What the `SuiviDossier` rows of `relation` add to `TotalSuivi` (`signe` '-' removes).

    Columns: section, cle, volet, etat, financeur, then VALEURS_TOTAL.
    """
    un = f"{signe}1"
    etapes = ", ".join(f"'{e}'" for e in ETAPES_TERRITOIRE)
    delais = " UNION ALL ".join(
        f"SELECT 'delai', '{d}:' || s.{d}, 0, '', 0, {un}, 0, 0, 0, 0 FROM {relation} s "  # noqa: S608
        f"WHERE s.{d} IS NOT NULL"
        for d in DELAIS
    )
    return f"""
        SELECT 'etat' AS section, '' AS cle, 0 AS volet, s.etat, 0 AS financeur,
               {un} AS dossiers, 0 AS demande, 0 AS programme, 0 AS engage, 0 AS mandate
            FROM {relation} s
        UNION ALL SELECT 'transition', x, 0, '', 0, {un}, 0, 0, 0, 0
            FROM {relation} s, unnest(s.transitions) x
        UNION ALL {delais}
        UNION ALL SELECT 'delai', 'versement:' || x, 0, '', 0, {un}, 0, 0, 0, 0
            FROM {relation} s, unnest(s.versements) x
        UNION ALL SELECT 'territoire', x, COALESCE(s.volet_id, 0), s.etat, 0, {un},
               {signe}s.demande, {signe}s.programme, 0, 0
            FROM {relation} s, unnest(s.territoires) x
        UNION ALL SELECT 'execution', x, COALESCE(s.volet_id, 0), s.etat, m.financeur, {un},
               0, {signe}m.programme, {signe}m.engage, {signe}m.mandate
            FROM {relation} s, unnest(s.territoires) x,
                unnest(s.financeurs, s.programmes, s.engages, s.mandates)
                    AS m(financeur, programme, engage, mandate)
        UNION ALL SELECT 'etape', x, 0, e, 0, {un}, 0, 0, 0, 0
            FROM {relation} s, unnest(s.territoires) x, unnest(s.transitions) e
            WHERE e IN ({etapes})
        UNION ALL SELECT 'repartition', x, 0, s.etat, 0, {un}, {signe}s.demande,
               {signe}s.programme, {signe}(SELECT COALESCE(SUM(e), 0) FROM unnest(s.engages) e),
               {signe}s.mandate
            FROM {relation} s, unnest(s.territoires) x
    """  # noqa: S608 - names from the code


def _sommes_total() -> str:
    return ", ".join(f"SUM({v}) AS {v}" for v in VALEURS_TOTAL)


def _non_nul_total(prefixe: str = "SUM(", suffixe: str = ")") -> str:
    return " OR ".join(f"{prefixe}{v}{suffixe} <> 0" for v in VALEURS_TOTAL)


def _parametres_suivi(dossier_id=None) -> dict:
    return {
        "dossier": dossier_id,
        "type": ContentType.objects.get_for_model(Dossier).pk,
        "fuseau": settings.TIME_ZONE,
    }


def _recalculer_suivi(curseur, dossier_id: int) -> None:
    """Rewrite one dossier's `SuiviDossier` row and move the totals by the difference."""
    table = SuiviDossier._meta.db_table
    totaux = TotalSuivi._meta.db_table
    champs = [c.strip() for c in CHAMPS_SUIVI.split(",")]
    mises_a_jour = ", ".join(f"{c} = EXCLUDED.{c}" for c in champs[1:])
    valeurs = ", ".join(VALEURS_TOTAL)
    ajouts = ", ".join(f"{v} = t.{v} + EXCLUDED.{v}" for v in VALEURS_TOTAL)
    sql = f"""
        WITH nouveaux AS ({_suivi(un_dossier=True)}),
        anciens AS (SELECT {CHAMPS_SUIVI} FROM {table} WHERE dossier_id = %(dossier)s),
        ecrits AS (
            INSERT INTO {table} ({CHAMPS_SUIVI}) SELECT {CHAMPS_SUIVI} FROM nouveaux
            ON CONFLICT (dossier_id) DO UPDATE SET {mises_a_jour}
        ),
        supprimes AS (
            DELETE FROM {table} WHERE dossier_id = %(dossier)s
              AND NOT EXISTS (SELECT 1 FROM nouveaux)
        ),
        ecarts AS ({_comptes("nouveaux")} UNION ALL {_comptes("anciens", "-")})
        INSERT INTO {totaux} AS t ({CLE_TOTAL}, {valeurs})
        SELECT {CLE_TOTAL}, {_sommes_total()} FROM ecarts
        GROUP BY {CLE_TOTAL}
        HAVING {_non_nul_total()}
        ORDER BY {CLE_TOTAL}
        ON CONFLICT ({CLE_TOTAL}) DO UPDATE SET {ajouts}
    """  # noqa: S608 - table and column names from the code, values as parameters
    curseur.execute(sql, _parametres_suivi(dossier_id))


def _reconstruire_suivi(curseur) -> None:
    """Both tables emptied, their constraints and indexes set aside (`reconstruire`)."""
    table = SuiviDossier._meta.db_table
    totaux = TotalSuivi._meta.db_table
    curseur.execute(
        f"INSERT INTO {table} ({CHAMPS_SUIVI}) SELECT {CHAMPS_SUIVI} FROM ({_suivi(False)}) s",  # noqa: S608
        _parametres_suivi(),
    )
    # A few thousand totals out of millions of counted rows: PostgreSQL, misled by the
    # unnest() estimates, would sort them all (on disk); hashing them is four times faster.
    curseur.execute("SET LOCAL enable_sort = off")
    curseur.execute(
        f"INSERT INTO {totaux} ({CLE_TOTAL}, {', '.join(VALEURS_TOTAL)}) "  # noqa: S608
        f"SELECT {CLE_TOTAL}, {_sommes_total()} "
        f"FROM ({_comptes(table)}) c GROUP BY {CLE_TOTAL}"
    )
    curseur.execute("SET LOCAL enable_sort TO DEFAULT")


def _ecarts_suivi(curseur) -> list[tuple]:
    table = SuiviDossier._meta.db_table
    totaux = TotalSuivi._meta.db_table
    sql = f"""
        WITH attendus AS ({_suivi(False)}),
        actuels AS (SELECT {CHAMPS_SUIVI} FROM {table}),
        totaux_attendus AS (
            SELECT {CLE_TOTAL}, {_sommes_total()}
            FROM ({_comptes("attendus")}) c GROUP BY {CLE_TOTAL}
        ),
        totaux_actuels AS (
            SELECT {CLE_TOTAL}, {", ".join(VALEURS_TOTAL)} FROM {totaux}
            WHERE {_non_nul_total("", "")}
        )
        SELECT 'suivi manquant', to_jsonb(x)::text
            FROM (SELECT * FROM attendus EXCEPT SELECT * FROM actuels) x
        UNION ALL SELECT 'suivi en trop', to_jsonb(x)::text
            FROM (SELECT * FROM actuels EXCEPT SELECT * FROM attendus) x
        UNION ALL SELECT 'compte manquant', to_jsonb(x)::text
            FROM (SELECT * FROM totaux_attendus EXCEPT SELECT * FROM totaux_actuels) x
        UNION ALL SELECT 'compte en trop', to_jsonb(x)::text
            FROM (SELECT * FROM totaux_actuels EXCEPT SELECT * FROM totaux_attendus) x
        ORDER BY 1, 2
    """  # noqa: S608 - table and column names from the code
    curseur.execute(sql, _parametres_suivi())
    return curseur.fetchall()
