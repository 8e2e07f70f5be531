"""Keep `AgregatFinancement` current: a dossier's amounts per financeur (DESIGN §11).

The rows are summed from three sources that live in three layers: the financing plan here,
the proposals of the avis in `instruction`, the programmed amounts in `gouvernance`. A lower
layer never imports a higher one, so each higher app registers its source at start-up
(`enregistrer_source()` in its `AppConfig.ready`), and every service that moves money or
changes a dossier's state calls `recalculer_dossier()` after its write, in its transaction.
`reconstruire()` rebuilds every row from scratch (command `recalculer_agregats`, `seed_demo`,
an existing database after `migrate`).
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, transaction

from .models import AgregatFinancement, AgregatVolet, Dossier, LigneFinancement

# `engage` and `mandate` come from `execution` (acts' legal commitments, payments mandated).
COLONNES = ("demande", "propose", "programme", "engage", "mandate")


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


def _nouveaux(un_dossier: bool) -> str:
    """SELECT of the rows as they should be: all dossiers, or the one of %(dossier)s."""
    sources = []
    for colonne in COLONNES:
        source = _SOURCES.get(colonne)
        if source is None:
            # Loud, not zeros on every dashboard: an app forgot to register its column.
            raise ImproperlyConfigured(
                f"Aucune source enregistrée pour la colonne « {colonne} » des agrégats."
            )
        filtre = f"{source.colonne_dossier} = %(dossier)s" if un_dossier else "TRUE"
        sql = source.sql.format(filtre=filtre)
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
    """Rewrite the rows of one dossier from the source tables (one statement).

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


def reconstruire(*, using: str = "default") -> int:
    """Rebuild every row from scratch in four statements; returns the number of dossier rows.

    Runs in its own transaction (or the caller's). The table is locked against writes until
    commit, so a service recalculating a dossier meanwhile waits instead of colliding with the
    rebuild's rows; the dashboards keep reading the old rows until then.
    """
    table = AgregatFinancement._meta.db_table
    totaux = AgregatVolet._meta.db_table
    with transaction.atomic(using=using), connections[using].cursor() as curseur:
        curseur.execute(f"LOCK TABLE {table}, {totaux} IN EXCLUSIVE MODE")
        curseur.execute(f"DELETE FROM {table}")  # noqa: S608
        curseur.execute(
            f"INSERT INTO {table} ({CHAMPS}) SELECT {CHAMPS} FROM ({_nouveaux(False)}) n",  # noqa: S608
            {},
        )
        n = curseur.rowcount
        curseur.execute(f"DELETE FROM {totaux}")  # noqa: S608
        curseur.execute(f"INSERT INTO {totaux} ({CHAMPS_VOLET}) {_totaux()}")
        curseur.execute(f"ANALYZE {table}")
        curseur.execute(f"ANALYZE {totaux}")
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
        return curseur.fetchall()
