"""Querysets whose SQL Django assembles once per process, then runs with new parameters.

Assembling the SQL of a queryset of many subqueries and joins (resolving every expression,
naming every alias) costs more than PostgreSQL's run of it. A page that reads the same shape of
query on every request with only an id changing keeps the SQL of the first one: the queryset is
built once with stand-in values (`SENTINELLES`), compiled, and the positions of those values in
its parameters are noted; each request then runs that SQL with its own values, and the ORM turns
the rows into instances as usual (select_related, annotations, converters).

Only ids are parameters this way, an integer or a list of them (`Dans`: `= ANY(%s)`, one array
parameter, where `__in` writes one placeholder per value): a value that changes the *shape* of
the SQL (an optional filter) must stay out of it. The tests compare each compiled query's rows
with the ORM's for the same values, so the two cannot drift.

`sql_fige` does the same for annotations alone: correlated subqueries compiled once, added to
a queryset still built per request (the agents' dossier page).
"""

import re

from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import Lookup, Value
from django.db.models.expressions import RawSQL

# Stand-in ids no row has, told apart from every other parameter of the query.
_SENTINELLE = -1_987_654_321


class Dans(Lookup):
    """`filter(Dans(F("champ"), ids))`: `champ = ANY(%s::bigint[])`, the ids as one array
    parameter (where `__in` writes one placeholder per id, a new SQL for each number of ids)."""

    lookup_name = "dans"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, [int(v) for v in self.rhs])


class RequeteCompilee:
    """`fabrique(**ids)` -> QuerySet, compiled once; calling the instance with the ids returns
    the list of rows (model instances, or dicts for values()). The fabrique receives a stand-in
    for each id of `noms`, a one-element list of one for each id list of `listes` (which it
    passes to `Dans`), and a stand-in text for each text of `textes` (a key compared with
    `=`, or one element of `territoires__contains=[…]`).

    With `tranche`, the fabrique does not slice: each call gives `debut` and `fin` (as
    `queryset[debut:fin]`), run as LIMIT and OFFSET parameters of the same SQL.

    The rows are read where the ORM would read them (`using`, else the database router's
    choice at each call: the replica inside `cper.lecture.replique()`).
    """

    def __init__(
        self,
        fabrique,
        *noms: str,
        listes: tuple = (),
        textes: tuple = (),
        tranche: bool = False,
        using: str | None = None,
    ):
        self._fabrique = fabrique
        self._noms = (*noms, *listes)
        self._listes = frozenset(listes)
        self._textes = tuple(textes)
        self._tranche = tranche
        self._using = using
        self._compilee = None

    def queryset(self, **ids):
        """The ORM's queryset for these ids (what the compiled SQL stands for)."""
        queryset = self._fabrique(**ids)
        return queryset.using(self._using) if self._using else queryset

    def _compiler(self):
        if self._compilee is None:
            sentinelles = {nom: _SENTINELLE - rang for rang, nom in enumerate(self._noms)}
            textes = {nom: f"\x1f{_SENTINELLE}:{nom}\x1f" for nom in self._textes}
            base = self._fabrique(
                **{nom: [v] if nom in self._listes else v for nom, v in sentinelles.items()},
                **textes,
            ).using(self._using or DEFAULT_DB_ALIAS)
            compiler = base.query.get_compiler(using=self._using or DEFAULT_DB_ALIAS)
            sql, params = compiler.as_sql()
            par_valeur = {v: nom for nom, v in sentinelles.items()}
            par_texte = {v: nom for nom, v in textes.items()}
            positions = [
                (i, par_valeur[p], False)
                for i, p in enumerate(params)
                if type(p) is int and p in par_valeur
            ] + [
                (i, par_valeur[p[0]], True)
                for i, p in enumerate(params)
                if type(p) is list and len(p) == 1 and type(p[0]) is int and p[0] in par_valeur
            ]
            positions_textes = [
                (i, par_texte[p]) for i, p in enumerate(params) if type(p) is str and p in par_texte
            ]
            trouves = {nom for _, nom, _ in positions} | {nom for _, nom in positions_textes}
            if trouves != {*self._noms, *self._textes}:
                raise ValueError("Chaque identifiant doit être un paramètre de la requête.")
            if self._tranche:
                if base.query.is_sliced:
                    raise ValueError("Avec `tranche`, la fabrique ne découpe pas la requête.")
                sql += " LIMIT %s OFFSET %s"
            # What execute_sql and the iterables read of a compiler once as_sql has run.
            etat = {
                k: v
                for k, v in compiler.__dict__.items()
                if k not in ("query", "connection", "using")
            }
            self._compilee = (base, sql, tuple(params), positions, positions_textes, etat)
        return self._compilee

    def __call__(self, *, debut: int = 0, fin: int | None = None, **ids) -> list:
        base, sql, params, positions, positions_textes, etat = self._compiler()
        params = list(params)
        for i, nom, liste in positions:
            params[i] = [int(v) for v in ids[nom]] if liste else int(ids[nom])
        for i, nom in positions_textes:
            params[i] = str(ids[nom])
        if self._tranche:
            if fin is None or not 0 <= debut <= fin:
                raise ValueError("Une tranche a un début et une fin.")
            params += [fin - debut, debut]
        alias = self._using or router.db_for_read(base.model) or DEFAULT_DB_ALIAS
        queryset = base.using(alias)
        query = queryset.query
        classe = type(query)

        def get_compiler(using=None, connection=None, elide_empty=True):
            compiler = classe.get_compiler(query, using, connection, elide_empty)
            compiler.__dict__.update(etat)
            compiler.as_sql = lambda *args, **kwargs: (sql, params)
            return compiler

        # On this clone only, evaluated here: the list is returned, never the queryset (a
        # queryset chained from it would inherit the fixed SQL).
        query.get_compiler = get_compiler
        return list(queryset)


def sql_fige(expressions: dict, modele) -> dict:
    """`expressions` correlated to a row of `modele`, compiled to SQL once: each as `RawSQL`
    of the text Django produced (same output field), to annotate any query on `modele`
    whose base table keeps its own name. Their subqueries' aliases are their own, so they
    cannot clash with the outer query's joins."""
    query = modele.objects.all().query
    compiler = query.get_compiler(DEFAULT_DB_ALIAS)
    figees = {}
    for nom, expression in expressions.items():
        resolue = expression.resolve_expression(query, allow_joins=False)
        sql, params = compiler.compile(resolue)
        # The text is Django's own compilation, its values stay parameters.
        figees[nom] = RawSQL(sql, tuple(params), output_field=resolue.output_field)  # noqa: S611
    return figees


def instance_lue(modele, **valeurs):
    """An instance of `modele` from some of its columns (attribute names: `financeur_id`), as a
    queryset's `only()` builds one: each value typed by its field, every other field deferred,
    so that a template reading one the query did not carry costs a query (which the pages'
    query-count tests catch) instead of showing a silent default."""
    champs = modele._meta.concrete_fields
    inconnus = set(valeurs) - {f.attname for f in champs}
    if inconnus:
        raise ValueError(f"Colonnes inconnues de {modele.__name__} : {sorted(inconnus)}")
    noms = [f.attname for f in champs if f.attname in valeurs]
    lues = [f.to_python(valeurs[f.attname]) for f in champs if f.attname in valeurs]
    return modele.from_db(DEFAULT_DB_ALIAS, noms, lues)


def relier(instance, nom: str, objet) -> None:
    """`instance.<nom>` reads `objet` (or None), as select_related leaves it: the related
    object cached, the foreign key's own column left as it was (deferred)."""
    instance._meta.get_field(nom).set_cached_value(instance, objet)


_CLE = re.compile(r"[a-z_]+:[0-9]+")


class Identifiant(Value):
    """An id, or a key of the kept counts naming one ("pole:3"), written in the SQL as a
    literal rather than bound as a parameter, for a query compiled once per value of it (a
    `RequeteCompilee` per id, its fabrique given the `Identifiant`): the generic plan
    PostgreSQL keeps for the prepared statement then estimates the rows of that id from the
    column's statistics, as a one-off plan would. Bound as a parameter, the id is estimated as
    an average one; where the ids' rows differ much (a séance in preparation has a dozen items,
    the average hundreds) the generic plan looked costlier and the statement was planned again
    on every run. Ids and such keys only: an int, or a text the pattern checks."""

    def __init__(self, value):
        if not (type(value) is int or (isinstance(value, str) and _CLE.fullmatch(value))):
            raise ValueError(f"Pas un identifiant : {value!r}")
        super().__init__(value)

    def as_sql(self, compiler, connection):
        if type(self.value) is int:
            return str(self.value), []
        return f"'{self.value}'", []
