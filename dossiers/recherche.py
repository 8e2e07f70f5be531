"""The kept search text of each dossier (`Dossier.recherche`), what the workbenches' search reads.

The search (`instruction.selectors.recherche_texte`) finds the dossiers whose number, title or
structure's name contains the text typed, case aside: `UPPER(champ) LIKE UPPER('%texte%')` on
each of the three, as `icontains` compares them. Evaluated on each of a guichet's thousands of
dossiers, the three UPPER calls cost more than the rest of the page; the dossier therefore keeps
the three values already in upper case, by PostgreSQL's own `upper` (never Python's, whose case
mapping differs: « ß » becomes « SS »), joined by a separator (`SEPARATEUR`, the ASCII unit
separator):

    upper(numero) ␟ upper(intitulé) ␟ upper(raison sociale de la structure)

and the search compares that single column, `recherche LIKE UPPER('%texte%')`
(`ContientMajuscules`). A text without the separator is found in the joined value exactly where
it is found in one of the three parts: same dossiers, same counts, same order. A text that
contains the separator is searched on the three fields as before (`contient_le_separateur`).

It is written where what it depends on is written, in the same statement or transaction:

- a dossier's own row: `Dossier.save()` sets the column in the INSERT or UPDATE it runs, from
  the values it writes (the structure's name read by a subquery), whenever it writes the number,
  the title or the structure — every service, and the test factories, save dossiers that way;
- a structure's name: `Structure.save()`, when it may write `raison_sociale` of an existing
  structure, rewrites the column of its dossiers (`tenir_structure`, one UPDATE);
- a bulk load (`seed_demo`): the COPY writes it, each part put in upper case by PostgreSQL
  (`majuscules`, one query for all the values); `reconstruire()` rewrites what differs.

`ecarts()` lists the dossiers whose kept text differs from a from-scratch computation; the test
suite checks it after every test.
"""

from django.db import connection, connections
from django.db.models import Lookup, TextField
from django.db.models.expressions import RawSQL

SEPARATEUR = "\x1f"
TABLE = "dossiers_dossier"
STRUCTURES = "dossiers_structure"


def _texte(numero: str, intitule: str, structure: str) -> str:
    """The SQL of the kept text from three SQL operands (columns or placeholders)."""
    nom = f"(SELECT s.raison_sociale FROM {STRUCTURES} s WHERE s.id = {structure})"  # noqa: S608
    return (
        f"upper(coalesce({numero}, '')) || chr(31) || upper({intitule}) || chr(31) || upper({nom})"
    )


# From the row itself (`d` the dossier's table): what the kept text must be.
DEPUIS_LA_LIGNE = _texte("d.numero", "d.intitule", "d.structure_id")


def a_ecrire(dossier, champs) -> RawSQL:
    """The kept text as `Dossier.save()` writes it: from the instance's values for the fields
    the statement writes (`champs`: every one for an INSERT or a full save), from the row's
    columns for the others (an UPDATE's expressions read the row as it was)."""
    sql, params = [], []
    for nom, colonne in (
        ("numero", "numero"),
        ("intitule", "intitule"),
        ("structure", "structure_id"),
    ):
        if nom in champs or colonne in champs:
            sql.append("%s")
            params.append(getattr(dossier, colonne))
        else:
            sql.append(f'"{TABLE}"."{colonne}"')
    return RawSQL(_texte(*sql), params, output_field=TextField())  # noqa: S611 - no user SQL


def majuscules(textes) -> dict[str, str]:
    """{text: PostgreSQL's `upper` of it} (one query), for a bulk load that writes the kept
    text itself (`composer`): the same case mapping as the column's computation."""
    textes = list(textes)
    with connection.cursor() as curseur:
        curseur.execute("SELECT v, upper(v) FROM unnest(%s::text[]) AS v", [textes])
        return dict(curseur.fetchall())


def composer(numero: str, intitule: str, structure: str) -> str:
    """The kept text from its three parts already in upper case (`majuscules`)."""
    return SEPARATEUR.join((numero, intitule, structure))


def tenir_structure(structure_id: int) -> None:
    """Rewrite the kept text of the structure's dossiers (after its name was written)."""
    with connection.cursor() as curseur:
        curseur.execute(
            f"UPDATE {TABLE} d SET recherche = {DEPUIS_LA_LIGNE} "  # noqa: S608 - names of the code
            f"WHERE d.structure_id = %s AND d.recherche IS DISTINCT FROM {DEPUIS_LA_LIGNE}",
            [structure_id],
        )


def reconstruire(*, using: str = "default") -> int:
    """Rewrite every kept text that differs from its computation; returns how many."""
    with connections[using].cursor() as curseur:
        curseur.execute(
            f"UPDATE {TABLE} d SET recherche = {DEPUIS_LA_LIGNE} "  # noqa: S608 - names of the code
            f"WHERE d.recherche IS DISTINCT FROM {DEPUIS_LA_LIGNE}"
        )
        return curseur.rowcount


def ecarts(*, using: str = "default") -> list[tuple[int, str, str]]:
    """(dossier id, kept text, text computed from scratch) of every dossier where they differ."""
    with connections[using].cursor() as curseur:
        curseur.execute(
            f"SELECT d.id, d.recherche, {DEPUIS_LA_LIGNE} FROM {TABLE} d "  # noqa: S608
            f"WHERE d.recherche IS DISTINCT FROM {DEPUIS_LA_LIGNE} ORDER BY d.id"
        )
        return curseur.fetchall()


def contient_le_separateur(texte: str) -> bool:
    """Whether the text typed cannot be searched in the kept text (it spans the parts)."""
    return SEPARATEUR in texte


class ContientMajuscules(Lookup):
    """`filter(ContientMajuscules(F("recherche"), texte))`: `recherche LIKE UPPER('%texte%')`,
    the text escaped as `icontains` escapes it (`%`, `_` and `\\` searched as such) and put in
    upper case by PostgreSQL, the column compared as it is (already in upper case). Its
    parameter is `icontains`'s own ("%texte%"), which `cper.requetes.RequeteCompilee` binds as
    a `motif`."""

    lookup_name = "contient_majuscules"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        motif = f"%{connection.ops.prep_for_like_query(self.rhs)}%"
        # As a number compared with 0: PostgreSQL estimates it true for a third of the rows
        # (where a pattern it cannot see, in a generic plan, is estimated one in two hundred),
        # so that a page walks its tab's index in order until it is full rather than sorting
        # every match of the tab.
        return f"(CASE WHEN {lhs} LIKE UPPER(%s) THEN 1 ELSE 0 END) > 0", (*lhs_params, motif)


class ContientMajusculesUneFois(ContientMajuscules):
    """The same comparison, the pattern put in upper case by a scalar subquery (an InitPlan,
    run once per query): a prepared statement's generic plan would otherwise call UPPER on its
    parameter for every entry compared."""

    lookup_name = "contient_majuscules_une_fois"

    def as_sql(self, compiler, connection):
        # For a count, which reads every entry of its tab anyway: no estimate to steer.
        lhs, lhs_params = self.process_lhs(compiler, connection)
        motif = f"%{connection.ops.prep_for_like_query(self.rhs)}%"
        return f"{lhs} LIKE (SELECT UPPER(%s))", (*lhs_params, motif)
