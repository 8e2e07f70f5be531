"""Bulk loading: ids reserved up front, COPY, and constraints set aside while a big load runs.

The demo writes hundreds of thousands of rows in one transaction. Row by row, PostgreSQL
checks every foreign key at commit (Django's constraints are deferred) and updates every index
per row; both cost more than the rows themselves. For a big load, `Chargement.suspendre()`
sets the constraints and indexes of the tables it loads aside meanwhile (`cper.masse`).
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection

from cper import masse

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

    def suspendre(self, models: Sequence, *, cles_seules: Sequence = ()):
        """Set aside the constraints and indexes of these tables while the block loads them
        (only the foreign keys of `cles_seules`)."""
        return masse.suspendus(
            [m._meta.db_table for m in models],
            cles_seules=[m._meta.db_table for m in cles_seules],
        )

    def analyser(self, autres: Sequence = ()) -> None:
        """Fresh statistics of every table loaded and of `autres` (models), so that the first
        pages are planned on the real sizes."""
        tables = dict.fromkeys([*self.lignes, *(m._meta.db_table for m in autres)])
        masse.analyser(list(tables))
