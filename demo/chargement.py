"""Bulk loading: ids reserved up front, COPY, and constraints set aside while a big load runs.

The demo writes hundreds of thousands of rows in one transaction. Row by row, PostgreSQL
checks every foreign key at commit (Django's constraints are deferred) and updates every index
per row; both cost more than the rows themselves. For a big load, `Chargement.suspendre()`
drops the foreign keys, unique constraints and secondary indexes of the tables it loads and
disables their user triggers, then puts every one back from its saved definition: PostgreSQL
checks each constraint in one pass and builds each index by sorting, which is several times
faster. Primary keys and check constraints stay in force all along.
"""

import contextlib
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection

# A table whose load adds fewer rows than this keeps its constraints: not worth the rebuild.
SEUIL_SUSPENSION = 20_000


def euros(centimes: int) -> Decimal:
    """An amount computed in cents (exact integers, fast) as the Decimal of a MONTANT column."""
    return Decimal(centimes).scaleb(-2)


class Chargement:
    """The loads of one transaction, with the number of rows written per table."""

    def __init__(self):
        self.lignes: dict[str, int] = {}

    def ids(self, model, nombre: int) -> range:
        """Reserve `nombre` consecutive primary keys from the table's sequence (one statement)."""
        if nombre <= 0:
            return range(0)
        table = model._meta.db_table
        with connection.cursor() as curseur:
            # Nobody else takes ids from this sequence meanwhile: the table is locked first.
            curseur.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
            curseur.execute(
                "SELECT setval(s, nextval(s) + %s - 1) FROM pg_get_serial_sequence(%s, 'id') s",
                [nombre, table],
            )
            dernier = curseur.fetchone()[0]
        return range(dernier - nombre + 1, dernier + 1)

    def copier(self, model, champs: Sequence[str], lignes: Iterable[Sequence]) -> int:
        """COPY rows (tuples in the order of `champs`, field names) into the model's table.

        In PostgreSQL's binary format, typed from the table's own columns: about twice as fast
        as text for the client, which is what limits a load on two cores.
        """
        table = model._meta.db_table
        colonnes = [model._meta.get_field(champ).column for champ in champs]
        # Fields the caller does not name get their model default, as an INSERT by the ORM
        # would: a field added to a model later loads without touching the demo.
        absents = [
            f
            for f in model._meta.concrete_fields
            if f.column not in colonnes and not f.primary_key and f.has_default()
        ]
        colonnes += [f.column for f in absents]
        en_plus = tuple(f.get_db_prep_save(f.get_default(), connection) for f in absents)
        n = 0
        with connection.cursor() as curseur:
            curseur.execute(
                "SELECT attname, atttypid FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [f'"{table}"'],
            )
            types = dict(curseur.fetchall())
            liste = ", ".join(f'"{c}"' for c in colonnes)
            with curseur.cursor.copy(
                f'COPY "{table}" ({liste}) FROM STDIN (FORMAT BINARY)'
            ) as copie:
                copie.set_types([types[c] for c in colonnes])
                for ligne in lignes:
                    copie.write_row((*ligne, *en_plus) if en_plus else ligne)
                    n += 1
        self.lignes[table] = self.lignes.get(table, 0) + n
        return n

    @contextlib.contextmanager
    def suspendre(self, models: Sequence):
        """Set aside the constraints and indexes of these tables while the block loads them."""
        tables = [m._meta.db_table for m in models]
        with connection.cursor() as curseur:
            # A table with checks still deferred cannot be altered: run them now, then defer
            # again (Django's foreign keys are all INITIALLY DEFERRED).
            curseur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            curseur.execute("SET CONSTRAINTS ALL DEFERRED")
            definitions = _definitions(curseur, tables)
            for table, nom, _ in definitions["contraintes"]:
                curseur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{nom}"')
            for _, nom, _ in definitions["index"]:
                curseur.execute(f'DROP INDEX "{nom}"')
            for table in tables:
                curseur.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        yield
        with connection.cursor() as curseur:
            # More memory to sort in, and two workers: each index builds in one sort.
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

    def analyser(self, models: Sequence) -> None:
        """Fresh statistics, so that the first pages are planned on the real sizes."""
        with connection.cursor() as curseur:
            for model in models:
                curseur.execute(f'ANALYZE "{model._meta.db_table}"')


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
