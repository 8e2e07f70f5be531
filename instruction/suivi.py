"""The kept instruction state of each routed dossier (`EtatInstruction`), and its checks.

One row per dossier that has a routing in force: the group in force, whether the État and
the Région have given their avis, the dossier's state (so that the tabs count these rows
without reading the dossiers) and the deadline of its open request for complements (so that
the groups' overdue requests are read in deadline order from these rows). It is what the
instructors' scope and workbench tabs read (`instruction.perimetres`,
`instruction.selectors.onglets_groupes`): one row per dossier, on its indexes, instead of a
semi-join on the routings and a nested subquery on the avis per row.

**One function** writes it, `tenir(dossier_id)`, from the source rows (`Routage`, `Avis`,
`Dossier.etat`, `DemandeComplements`): the services that route a dossier, record an avis, or
open, answer or close a request for complements call it after their write, in their
transaction. A dossier's state changes by its transitions only
(`Dossier.etat` is a protected FSM field): `suivre_transition`, on django-fsm's
`post_transition`, copies the new state onto the row in the transaction of the service that
makes the transition (and saves the dossier). `reconstruire()` rebuilds every row
(`seed_demo`); `ecarts()` lists the rows that differ from a from-scratch computation (the
test suite checks it after every test, as for the dashboards' aggregates).
"""

from django.db import connection, connections, transaction

from dossiers.models import Dossier

from .enums import Cote
from .models import Avis, DemandeComplements, EtatInstruction, Routage

TABLE = EtatInstruction._meta.db_table
CHAMPS = "dossier_id, groupe_technique_id, avis_etat, avis_region, etat, echeance_demande"


def _source(filtre: str = "TRUE") -> str:
    """The rows as computed from scratch: (dossier_id, groupe_technique_id, avis_etat,
    avis_region, etat, echeance_demande), one per dossier with a routing in force."""
    avis = Avis._meta.db_table
    # At most one request per dossier is unanswered (`demande_ouverte_unique`).
    return f"""
        SELECT r.dossier_id, r.groupe_technique_id,
               EXISTS (SELECT 1 FROM {avis} a
                       WHERE a.dossier_id = r.dossier_id AND a.cote = '{Cote.ETAT}'),
               EXISTS (SELECT 1 FROM {avis} a
                       WHERE a.dossier_id = r.dossier_id AND a.cote = '{Cote.REGION}'),
               d.etat,
               (SELECT dc.echeance FROM {DemandeComplements._meta.db_table} dc
                WHERE dc.dossier_id = r.dossier_id
                  AND dc.repondue_le IS NULL AND dc.close_le IS NULL)
        FROM {Routage._meta.db_table} r
        JOIN {Dossier._meta.db_table} d ON d.id = r.dossier_id
        WHERE r.en_vigueur AND {filtre}
    """  # noqa: S608 - table names and enum values from the code


def tenir(dossier_id: int) -> None:
    """Rewrite the dossier's kept row from its routing in force and its avis (two statements).

    Call it after the write, in the same transaction."""
    with connection.cursor() as curseur:
        curseur.execute(
            f"""
            INSERT INTO {TABLE} ({CHAMPS}) {_source("r.dossier_id = %(dossier)s")}
            ON CONFLICT (dossier_id) DO UPDATE SET
                groupe_technique_id = EXCLUDED.groupe_technique_id,
                avis_etat = EXCLUDED.avis_etat,
                avis_region = EXCLUDED.avis_region,
                etat = EXCLUDED.etat,
                echeance_demande = EXCLUDED.echeance_demande
            """,
            {"dossier": dossier_id},
        )
        if curseur.rowcount == 0:  # no routing in force (any more): no row
            curseur.execute(f"DELETE FROM {TABLE} WHERE dossier_id = %s", [dossier_id])  # noqa: S608


def suivre_transition(sender, instance, name, source, target, **kwargs) -> None:
    """django-fsm's `post_transition` of a dossier: its new state onto its kept row, if it has
    one (one UPDATE, in the transaction of the service that makes the transition and saves
    the dossier)."""
    if issubclass(sender, Dossier) and source != target:
        EtatInstruction.objects.filter(dossier_id=instance.pk).update(etat=target)


def reconstruire(*, using: str = "default") -> int:
    """Rebuild every row from scratch; returns the number of rows."""
    with transaction.atomic(using=using), connections[using].cursor() as curseur:
        curseur.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        curseur.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        curseur.execute(f"INSERT INTO {TABLE} ({CHAMPS}) {_source()}")
        n = curseur.rowcount
        curseur.execute(f"ANALYZE {TABLE}")
    return n


def _de(alias: str) -> str:
    """The fields, of the table `alias`: « k.dossier_id, k.groupe_technique_id, … »."""
    return ", ".join(f"{alias}.{champ}" for champ in CHAMPS.split(", "))


def ecarts() -> list[tuple]:
    """Rows that differ from a from-scratch computation (empty when all is current): the
    kept row, then the computed one (None where a side has no row)."""
    with connection.cursor() as curseur:
        curseur.execute(
            f"""
            SELECT {_de("k")}, {_de("s")}
            FROM {TABLE} k
            FULL JOIN ({_source()}) AS s ({CHAMPS}) ON s.dossier_id = k.dossier_id
            WHERE ({_de("k")}) IS DISTINCT FROM ({_de("s")})
            ORDER BY COALESCE(k.dossier_id, s.dossier_id)
            """  # noqa: S608
        )
        return curseur.fetchall()
