"""Querysets whose SQL Django assembles once per process, then runs with new parameters.

Assembling the SQL of a queryset of many subqueries and joins (resolving every expression,
naming every alias) costs more than PostgreSQL's run of it. A page that reads the same shape of
query on every request with only an id changing keeps the SQL of the first one: the queryset is
built once with stand-in values (`SENTINELLES`), compiled, and the positions of those values in
its parameters are noted; each request then runs that SQL with its own values, and the ORM turns
the rows into instances as usual (select_related, annotations, converters).

Only ids are parameters this way, an integer or a list of them (`Dans`: `= ANY(%s)`, one array
parameter, where `__in` writes one placeholder per value), calendar days compared with a date
column (today, for a deadline passed), texts compared as keys and texts searched by
`icontains`, and a page's bounds: a value that changes the *shape* of the SQL (an optional
filter) must stay out of it. The tests compare each compiled query's rows
with the ORM's for the same values, so the two cannot drift.

`sql_fige` does the same for annotations alone: correlated subqueries compiled once, added to
a queryset still built per request (the agents' dossier page).
"""

import datetime
import re
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Lookup, Value
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL

_NOM = re.compile(r"[a-z_]+")

# Stand-in ids no row has, told apart from every other parameter of the query; stand-in days
# no query of the application compares with (before the contract's first year by a century).
_SENTINELLE = -1_987_654_321
_SENTINELLE_DATE = datetime.date(1901, 2, 3)


class Dans(Lookup):
    """`filter(Dans(F("champ"), ids))`: `champ = ANY(%s::bigint[])`, the ids as one array
    parameter (where `__in` writes one placeholder per id, a new SQL for each number of ids)."""

    lookup_name = "dans"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, [int(v) for v in self.rhs])


class Constante(Value):
    """A name of the code (a state: `EtatDossier.EN_INSTRUCTION`) written in the SQL as a
    literal rather than bound as a parameter: the generic plan PostgreSQL keeps for a prepared
    statement then still estimates the condition from the column's statistics (a state of a
    few percent of the rows, or most of them), as a one-off plan would. Names only: lowercase
    letters and underscores, never a value that comes from a request."""

    def __init__(self, value):
        if not isinstance(value, str) or not _NOM.fullmatch(value):
            raise ValueError(f"Pas un nom du code : {value!r}")
        super().__init__(str(value))

    def as_sql(self, compiler, connection):
        return f"'{self.value}'", []


class Jour(Value):
    """A calendar day (`datetime.date`) written in the SQL as a literal: a query compiled once
    per day (e.g. the deadlines passed today), whose prepared statement's generic plan then
    estimates the dates compared with it as a one-off plan would, and is kept (a parameter
    there made PostgreSQL plan the statement again on every run)."""

    def __init__(self, value):
        if type(value) is not datetime.date:
            raise TypeError(f"Pas une date : {value!r}")
        super().__init__(value)

    def as_sql(self, compiler, connection):
        return f"'{self.value.isoformat()}'::date", []


def constantes(valeurs) -> list[Constante]:
    """`champ__in=constantes([...])`: several names of the code, as literals."""
    return [Constante(valeur) for valeur in valeurs]


class RequeteCompilee:
    """`fabrique(**ids)` -> QuerySet, compiled once; calling the instance with the ids returns
    the list of rows (model instances, or dicts for values()). The fabrique receives a stand-in
    for each id of `noms`, a one-element list of one for each id list of `listes` (which it
    passes to `Dans`), a stand-in date for each calendar date of `dates` (a day compared with
    a date column, e.g. today), a stand-in text for each text of `textes` (a key compared with
    `=`, or one element of `territoires__contains=[…]`) and for each of `motifs` (a text
    searched by `icontains`, whose pattern is rebuilt, escaped, for each call).

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
        dates: tuple = (),
        motifs: tuple = (),
        textes: tuple = (),
        tranche: bool = False,
        using: str | None = None,
    ):
        self._fabrique = fabrique
        self._noms = (*noms, *listes, *dates, *motifs)
        self._listes = frozenset(listes)
        self._dates = frozenset(dates)
        self._motifs = frozenset(motifs)
        self._textes = tuple(textes)
        self._tranche = tranche
        self._using = using
        self._compilee = None

    def queryset(self, **ids):
        """The ORM's queryset for these ids (what the compiled SQL stands for)."""
        queryset = self._fabrique(**ids)
        return queryset.using(self._using) if self._using else queryset

    def _sentinelle(self, rang: int, nom: str):
        if nom in self._dates:
            return _SENTINELLE_DATE + datetime.timedelta(days=rang)
        if nom in self._motifs:  # letters only: what a LIKE pattern keeps unescaped
            return f"zqxsentinelle{'abcdefghij'[rang % 10] * (rang // 10 + 1)}zqx"
        return _SENTINELLE - rang

    def _compiler(self):
        if self._compilee is None:
            alias = self._using or DEFAULT_DB_ALIAS
            sentinelles = {nom: self._sentinelle(rang, nom) for rang, nom in enumerate(self._noms)}
            textes = {nom: f"\x1f{_SENTINELLE}:{nom}\x1f" for nom in self._textes}
            base = self._fabrique(
                **{nom: [v] if nom in self._listes else v for nom, v in sentinelles.items()},
                **textes,
            ).using(alias)
            compiler = base.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            par_valeur = {v: nom for nom, v in sentinelles.items()}
            par_texte = {v: nom for nom, v in textes.items()}
            positions = [
                (i, par_valeur[p], "date" if type(p) is datetime.date else "id")
                for i, p in enumerate(params)
                if type(p) in (int, datetime.date) and p in par_valeur
            ] + [
                (i, par_valeur[p[0]], "liste")
                for i, p in enumerate(params)
                if type(p) is list and len(p) == 1 and type(p[0]) is int and p[0] in par_valeur
            ]
            for i, p in enumerate(params):
                if type(p) is not str:
                    continue
                if p in par_texte:
                    positions.append((i, par_texte[p], "texte"))
                elif "zqxsentinelle" in p:
                    # `icontains` writes the pattern "%<text, escaped>%"; anything else (an
                    # exact comparison, a pattern of another shape) is refused.
                    nom = par_valeur.get(p[1:-1])
                    if nom is None or p != f"%{sentinelles[nom]}%":
                        raise ValueError("Un motif doit être comparé par icontains.")
                    positions.append((i, nom, "motif"))
            if {nom for _, nom, _ in positions} != {*self._noms, *self._textes}:
                raise ValueError("Chaque identifiant doit être un paramètre de la requête.")
            # Never written in the SQL (an `Identifiant`): every call would read the stand-in's.
            if any(str(v) in sql for v in [*sentinelles.values(), *textes.values()]):
                raise ValueError("Un identifiant est écrit dans la requête au lieu d'y être lié.")
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
            self._compilee = (base, sql, tuple(params), positions, etat)
        return self._compilee

    def _parametres(self, params, positions, ids) -> list:
        params = list(params)
        for i, nom, sorte in positions:
            if sorte == "liste":
                params[i] = [int(v) for v in ids[nom]]
            elif sorte == "motif":
                ops = connections[self._using or DEFAULT_DB_ALIAS].ops
                params[i] = f"%{ops.prep_for_like_query(ids[nom])}%"
            elif sorte == "texte":
                params[i] = str(ids[nom])
            elif sorte == "date":
                if type(ids[nom]) is not datetime.date:
                    raise TypeError(f"{nom} : une date (datetime.date) est attendue.")
                params[i] = ids[nom]
            else:
                params[i] = int(ids[nom])
        return params

    def sql(self, **ids) -> tuple[str, list]:
        """The compiled SQL and its parameters for these ids, to run inside another query
        (e.g. the bounded counts of `cper.pagination.compter_sql`)."""
        if self._tranche:
            raise ValueError("Une requête en tranches se lit par l'appel, avec ses bornes.")
        _base, sql, params, positions, _etat = self._compiler()
        return sql, self._parametres(params, positions, ids)

    def _appel(self, debut, fin, ids):
        base, sql, params, positions, etat = self._compiler()
        params = self._parametres(params, positions, ids)
        if self._tranche:
            if fin is None or not 0 <= debut <= fin:
                raise ValueError("Une tranche a un début et une fin.")
            params += [fin - debut, debut]
        alias = self._using or router.db_for_read(base.model) or DEFAULT_DB_ALIAS
        return base.using(alias), sql, params, etat

    @staticmethod
    def _lire(queryset, sql, params, etat, lignes=None) -> list:
        """The rows of `queryset` through the ORM (instances, select_related, converters), its
        SQL fixed; with `lignes`, from the rows already fetched (`Envoi`)."""
        query = queryset.query
        classe = type(query)

        def get_compiler(using=None, connection=None, elide_empty=True):
            compiler = classe.get_compiler(query, using, connection, elide_empty)
            compiler.__dict__.update(etat)
            compiler.as_sql = lambda *args, **kwargs: (sql, params)
            if lignes is not None:
                # What execute_sql returns for MULTI: chunks of rows.
                compiler.execute_sql = lambda *args, **kwargs: [lignes]
            return compiler

        # On this clone only, evaluated here: the list is returned, never the queryset (a
        # queryset chained from it would inherit the fixed SQL).
        query.get_compiler = get_compiler
        return list(queryset)

    def __call__(self, *, debut: int = 0, fin: int | None = None, **ids) -> list:
        return self._lire(*self._appel(debut, fin, ids))

    def envoyer(self, *, debut: int = 0, fin: int | None = None, **ids) -> "Envoi":
        """Inside `ensemble()`: the query sent with the others of the block (one round trip),
        its rows read by `Envoi.lignes()` (what the call would return). Outside, run at once."""
        queryset, sql, params, etat = self._appel(debut, fin, ids)
        return Envoi(queryset, sql, params, etat)


class Envoi:
    """A compiled query sent (`RequeteCompilee.envoyer`): its rows, read when asked."""

    def __init__(self, queryset, sql, params, etat):
        self._lu = (queryset, sql, params, etat)
        self._rangs = None
        self._lignes = None
        if getattr(connections[queryset.db], "_ensemble", None) is None:
            self._lignes = RequeteCompilee._lire(*self._lu)
        else:
            self._rangs = envoyer_sql(sql, params, queryset.db)

    def lignes(self) -> list:
        if self._lignes is None:
            # The first read sends what the block queued, and waits for this query's rows only.
            self._lignes = RequeteCompilee._lire(*self._lu, lignes=self._rangs())
        return self._lignes


def envoyer_sql(sql: str, params, using: str = DEFAULT_DB_ALIAS):
    """A query of our own SQL (its values parameters) sent as `RequeteCompilee.envoyer` sends
    one (inside `ensemble()`, with the others of the block; outside, run at once), its rows
    (tuples) read by calling what this returns."""
    connexion = connections[using]
    if getattr(connexion, "_ensemble", None) is None:
        with connexion.cursor() as curseur:
            curseur.execute(sql, params)
            rangs = curseur.fetchall()
        return lambda: rangs
    curseur = connexion.cursor()
    connexion._ensemble.append(curseur)
    curseur.execute(sql, params)
    lus = []

    def lire() -> list:
        if not lus:
            lus.append(curseur.fetchall())
        return lus[0]

    return lire


@contextmanager
def ensemble(using: str = DEFAULT_DB_ALIAS):
    """`with ensemble(): a = R1.envoyer(...); b = R2.envoyer(...); a.lignes(); b.lignes()`:
    the queries sent in the block go to PostgreSQL together (a psycopg pipeline: one round
    trip, each still a statement prepared once per connection) and it runs the next while
    the page reads the rows of the first. Read every `Envoi` inside the block."""
    connexion = connections[using]
    if getattr(connexion, "_ensemble", None) is not None:
        yield  # already inside one: the same pipeline
        return
    connexion.ensure_connection()
    curseurs = connexion._ensemble = []
    try:
        with connexion.connection.pipeline():
            yield
    finally:
        connexion._ensemble = None
        for curseur in curseurs:
            curseur.close()


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


def instance_de_ligne(modele, valeurs: dict):
    """An instance of `modele` from some of its columns already typed (attribute names, as a
    row of `values()` gives them once renamed, or values passed through their fields'
    `to_python`), built without the model's `__init__`: for a page that shows a hundred
    instances read by hand, `__init__` cost more than the query. As with `instance_lue`,
    every other field is deferred (reading it costs a query, never a silent default). For
    instances that are shown, not saved: no `pre_init`/`post_init` signal is sent."""
    instance = modele.__new__(modele)
    etat = instance._state = ModelState()
    etat.adding = False
    etat.db = DEFAULT_DB_ALIAS
    instance.__dict__.update(valeurs)
    return instance


def relier(instance, nom: str, objet) -> None:
    """`instance.<nom>` reads `objet` (or None), as select_related leaves it: the related
    object cached, the foreign key's own column left as it was (deferred)."""
    instance._meta.get_field(nom).set_cached_value(instance, objet)


_CLE = re.compile(r"[a-z_]+:[0-9]+")


class Identifiant(Value):
    """An id, or a key of the kept counts naming one ("pole:3"), written in the SQL as a
    literal rather than bound as a parameter, where the rows it selects vary by orders of
    magnitude: a prepared statement's generic plan estimates a bound id as an average one
    (a porteur of one structure or of 150, a séance in preparation of a dozen items where the
    average has hundreds), and either plans every value alike or is judged costlier and
    planned again on every run. Written, each value gets its own statement, planned for it
    (a `RequeteCompilee` per value: its fabrique given the `Identifiant`). Ids and such keys
    only: an int, or a text the pattern checks."""

    def __init__(self, value):
        if not (type(value) is int or (isinstance(value, str) and _CLE.fullmatch(value))):
            raise ValueError(f"Pas un identifiant : {value!r}")
        super().__init__(value)

    def as_sql(self, compiler, connection):
        if type(self.value) is int:
            return str(self.value), []
        return f"'{self.value}'", []
