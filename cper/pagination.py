"""Keyset pagination: the first page and the three-thousandth cost the same.

An OFFSET makes PostgreSQL read and drop every row before the page; a cursor (the sort key of
the last row shown) starts the next page where the previous one stopped, on an index. The order
must end with a unique column (the primary key), so rows whose dates tie keep one place and no
row is shown twice or skipped from one page to the next.

Counting is bounded too: `compter_borne` counts at most `PLAFOND` rows (« plus de 1 000 »), the
cost of a page, never a `COUNT(*)` over everything.

The query string carries `apres` (the page after that row), `avant` (the page before it) or
`fin=1` (the last page); anything else, or a cursor that does not parse, is the first page.
"""

import base64
import json
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.formats import number_format

from cper.requetes import envoyer_sql

PLAFOND = 1000
PARAMETRES = ("apres", "avant", "fin", "page")


@dataclass
class Compte:
    """A count that stops at its ceiling: `nombre` rows, or more than `plafond`."""

    nombre: int
    plafond: int = PLAFOND

    @property
    def depasse(self) -> bool:
        return self.nombre > self.plafond

    def __str__(self) -> str:
        if self.depasse:
            return f"plus de {number_format(self.plafond, force_grouping=True)}"
        return number_format(self.nombre, force_grouping=True)

    def __bool__(self) -> bool:
        return self.nombre > 0


def requete_bornee(queryset: QuerySet, plafond: int = PLAFOND) -> QuerySet:
    """The rows `compter_bornes` counts: at most `plafond` + 1 primary keys."""
    return queryset.order_by().values("pk")[: plafond + 1]


def _sql_borne(queryset: QuerySet, plafond: int):
    return requete_bornee(queryset, plafond).query.sql_with_params()


def compter_borne(queryset: QuerySet, plafond: int = PLAFOND) -> Compte:
    """At most `plafond` + 1 rows counted (one query)."""
    return compter_bornes({"n": queryset}, plafond)["n"]


def compter_bornes(querysets: dict[str, QuerySet], plafond: int = PLAFOND) -> dict[str, Compte]:
    """Several bounded counts (e.g. one per tab) in one query."""
    if not querysets:
        return {}
    sqls = {}
    for cle, queryset in querysets.items():
        try:
            sqls[cle] = _sql_borne(queryset, plafond)
        except EmptyResultSet:  # e.g. `groupe__in=[]`: an instructor without a group
            sqls[cle] = None
    return compter_sql(sqls, next(iter(querysets.values())).db, plafond)


def compter_sql(sqls: dict, alias: str, plafond: int = PLAFOND) -> dict[str, Compte]:
    """The bounded counts of `requete_bornee` queries already compiled: {key: (sql, params)},
    None for a query known to be empty; one query."""
    return compter_sql_envoye(sqls, alias, plafond)()


def compter_sql_envoye(sqls: dict, alias: str, plafond: int = PLAFOND):
    """`compter_sql`, its query sent (inside `cper.requetes.ensemble()`, with the others of the
    block: one round trip) and its counts read by calling what this returns."""
    morceaux, parametres = [], []
    for sql_params in sqls.values():
        if sql_params is None:
            morceaux.append("0")
            continue
        sql, params = sql_params
        # Compiled by Django from a queryset; the values stay parameters.
        morceaux.append(f"(SELECT count(*) FROM ({sql}) AS borne)")  # noqa: S608
        parametres.extend(params)
    lire = envoyer_sql("SELECT " + ", ".join(morceaux), parametres, alias)
    return lambda: {cle: Compte(n, plafond) for cle, n in zip(sqls, lire()[0], strict=True)}


def _champ(modele, chemin: str):
    """The model field at the end of `structure__raison_sociale`-like paths."""
    champ = None
    for partie in chemin.split("__"):
        champ = modele._meta.pk if partie == "pk" else modele._meta.get_field(partie)
        modele = champ.related_model or modele
    return champ


def _valeur(objet, chemin: str):
    if isinstance(objet, dict):  # a values() row, keyed by the path itself
        return objet[chemin]
    for partie in chemin.split("__"):
        objet = getattr(objet, partie)
    return objet


def _encoder(valeurs: list) -> str:
    texte = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in valeurs])
    return base64.urlsafe_b64encode(texte.encode()).decode().rstrip("=")


def _decoder(modele, ordre: list[str], curseur: str) -> list | None:
    try:
        brut = base64.urlsafe_b64decode(curseur + "=" * (-len(curseur) % 4))
        valeurs = json.loads(brut)
        if not isinstance(valeurs, list) or len(valeurs) != len(ordre):
            return None
        resultat = []
        for cle, valeur in zip(ordre, valeurs, strict=True):
            if not isinstance(valeur, str | int) or isinstance(valeur, bool):
                return None
            resultat.append(_champ(modele, cle.lstrip("-")).to_python(valeur))
    except (ValueError, TypeError, ValidationError, FieldDoesNotExist, OverflowError):
        return None
    if any(v is None for v in resultat):
        return None
    return resultat


def _au_dela(ordre: list[str], valeurs: list, *, en_arriere: bool) -> Q:
    """Rows after (or before) the cursor in the lexicographic order.

    The first key also gets a plain range condition, which PostgreSQL reads as the start of an
    index scan; the OR of ties only filters the few rows that share that first value.
    """
    condition = Q()
    egalites = Q()
    for cle, valeur in zip(ordre, valeurs, strict=True):
        descendant = cle.startswith("-") != en_arriere
        nom = cle.lstrip("-")
        condition |= egalites & Q(**{f"{nom}__{'lt' if descendant else 'gt'}": valeur})
        egalites &= Q(**{nom: valeur})
    premier = ordre[0]
    descendant = premier.startswith("-") != en_arriere
    borne = Q(**{f"{premier.lstrip('-')}__{'lte' if descendant else 'gte'}": valeurs[0]})
    return borne & condition


def _inverse(ordre: list[str]) -> list[str]:
    return [cle[1:] if cle.startswith("-") else f"-{cle}" for cle in ordre]


@dataclass
class Page:
    """One page of rows and the links around it (None when there is no such page)."""

    lignes: list
    premiere: str | None = None
    precedente: str | None = None
    suivante: str | None = None
    derniere: str | None = None
    extra: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.lignes)

    def __len__(self):
        return len(self.lignes)

    @property
    def autres_pages(self) -> bool:
        return bool(self.precedente or self.suivante)


def _lien(parametres: QueryDict, **valeurs) -> str:
    copie = parametres.copy()
    for cle, valeur in valeurs.items():
        copie[cle] = valeur
    return "?" + copie.urlencode() if copie else "?"


def requete_de_page(queryset: QuerySet, ordre: list[str], par_page: int, *, en_arriere: bool):
    """The rows `paginer` reads without a cursor: the first page, or the last one read
    backwards (`en_arriere`)."""
    return queryset.order_by(*(_inverse(ordre) if en_arriere else ordre))[: par_page + 1]


def sens_de_la_page(parametres) -> bool | None:
    """For a query string that names no row: whether `paginer` reads the last page (`lire`'s
    `en_arriere`), so that its query can be sent ahead; None when it may follow a cursor."""
    if parametres.get("apres") or parametres.get("avant"):
        return None
    return parametres.get("fin") == "1"


def paginer(
    queryset, parametres, *, ordre: list[str], par_page: int, modele=None, lire=None
) -> Page:
    """The page the query string asks for, in `ordre` (its last key unique), one query.

    `parametres` is the request's `GET`; the links keep its other parameters (filters, tabs).
    `lire(en_arriere)`: the rows of `requete_de_page` by other means (SQL compiled once), used
    for the first and the last page; `queryset` may then be a function that builds it (and
    `modele` its model), called for a cursor only.
    """
    if lire is None and callable(queryset):
        queryset = queryset()
    modele = modele or queryset.model
    base = QueryDict(mutable=True)
    for cle, valeurs in parametres.lists():
        if cle not in PARAMETRES:
            base.setlist(cle, valeurs)
    apres = _decoder(modele, ordre, parametres.get("apres", ""))
    avant = None if apres else _decoder(modele, ordre, parametres.get("avant", ""))
    fin = not (apres or avant) and parametres.get("fin") == "1"
    en_arriere = bool(avant) or fin
    curseur = apres or avant
    if curseur:
        if callable(queryset):
            queryset = queryset()
        requete = queryset.order_by(*(_inverse(ordre) if en_arriere else ordre))
        requete = requete.filter(_au_dela(ordre, curseur, en_arriere=en_arriere))
        lignes = list(requete[: par_page + 1])
    elif lire is not None:
        lignes = lire(en_arriere)
    else:
        lignes = list(requete_de_page(queryset, ordre, par_page, en_arriere=en_arriere))
    encore = len(lignes) > par_page
    lignes = lignes[:par_page]
    if curseur and not lignes:  # nothing beyond that row any more: the first page
        return paginer(queryset, base, ordre=ordre, par_page=par_page, modele=modele, lire=lire)
    if en_arriere:
        lignes.reverse()
    # Going back there are rows after; going forward from a cursor there are rows before.
    a_avant = encore if en_arriere else bool(apres)
    a_apres = encore if not en_arriere else bool(avant)

    def cle(objet):
        return _encoder([_valeur(objet, c.lstrip("-")) for c in ordre])

    page = Page(lignes=lignes)
    if a_avant and lignes:
        page.premiere = _lien(base)
        page.precedente = _lien(base, avant=cle(lignes[0]))
    if a_apres and lignes:
        page.suivante = _lien(base, apres=cle(lignes[-1]))
        page.derniere = _lien(base, fin="1")
    return page
