"""Bulk writes: constraints and indexes set aside while a big load or rebuild runs.

Row by row, PostgreSQL checks every foreign key at commit (Django's constraints are deferred)
and updates every index per row; for hundreds of thousands of rows both cost more than the rows
themselves. `suspendus(tables)` drops the foreign keys, unique constraints and secondary indexes
of the tables and disables their user triggers, then puts every one back from its saved
definition: PostgreSQL checks each constraint in one pass and builds each index by sorting,
which is several times faster. Primary keys and check constraints stay in force all along.

Dropping a foreign key locks the table it points to against writes until commit: for loads and
rebuilds (the demo, `recalculer_agregats`), never for what a user's request does.
"""

import contextlib
import functools
import operator
from collections.abc import Sequence

from django.db import connections
from django.db.models import Q


def une_des_valeurs(champ: str, valeurs) -> Q:
    """A partial index's condition `champ` in `valeurs`, as an OR of equalities: PostgreSQL
    keeps it as written, so that an index set aside by a bulk load (`suspendus`) and
    recreated from its definition reads the same (an IN list comes back with other casts)."""
    return functools.reduce(operator.or_, (Q(**{champ: valeur}) for valeur in valeurs))


@contextlib.contextmanager
def suspendus(tables: Sequence[str], *, cles_seules: Sequence[str] = (), using: str = "default"):
    """Set aside the constraints and indexes of these tables while the block writes them, and
    only the foreign keys of `cles_seules` (tables whose indexes must stay as they were made:
    PostgreSQL prints some partial indexes back in another form than the one they were given)."""
    with connections[using].cursor() as curseur:
        # A table with checks still deferred cannot be altered: run them now, then defer
        # again (Django's foreign keys are all INITIALLY DEFERRED).
        curseur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        curseur.execute("SET CONSTRAINTS ALL DEFERRED")
        definitions = _definitions(curseur, list(tables))
        if cles_seules:
            cles = _definitions(curseur, list(cles_seules))["contraintes"]
            definitions["contraintes"] += [c for c in cles if "FOREIGN KEY" in c[2]]
        for table, nom, _ in definitions["contraintes"]:
            curseur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{nom}"')
        for _, nom, _ in definitions["index"]:
            curseur.execute(f'DROP INDEX "{nom}"')
        for table in tables:
            curseur.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
    yield
    with connections[using].cursor() as curseur:
        # More memory to sort in: each index builds in one sort.
        curseur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for table in tables:
            curseur.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
        for _, _, definition in definitions["index"]:
            curseur.execute(definition)
        # Unique constraints first: foreign keys may lean on them.
        for table, nom, definition in sorted(
            definitions["contraintes"], key=lambda c: "FOREIGN KEY" in c[2]
        ):
            curseur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{nom}" {definition}')


def analyser(tables: Sequence[str], *, using: str = "default") -> None:
    """Fresh statistics, so that the next queries are planned on the real sizes."""
    with connections[using].cursor() as curseur:
        for table in tables:
            curseur.execute(f'ANALYZE "{table}"')


def _definitions(curseur, tables: list[str]) -> dict[str, list[tuple[str, str, str]]]:
    """Foreign keys and unique constraints, then the other indexes, but primary keys."""
    curseur.execute(
        """
        SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace
          AND (c.contype = 'f' OR (c.contype = 'u' AND NOT EXISTS (
              SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)))
        ORDER BY t.relname, c.conname
        """,
        [tables],
    )
    contraintes = curseur.fetchall()
    curseur.execute(
        """
        SELECT t.relname, x.relname, pg_get_indexdef(x.oid)
        FROM pg_index i
        JOIN pg_class t ON t.oid = i.indrelid
        JOIN pg_class x ON x.oid = i.indexrelid
        WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY t.relname, x.relname
        """,
        [tables],
    )
    return {"contraintes": contraintes, "index": curseur.fetchall()}
