"""Who may see a dossier: the porteur's scope, the registry of the agents' scopes, the one fetch.

Every scope is a relation read at each request, never a copied grant:
- porteurs: membership of the dossier's structure (`MembreStructure`). Removing a member
  removes every access at once.
- agents: each floor that owns the relation registers its scope here at start-up
  (`enregistrer_perimetre`): the guichet where the dossier was filed and the groupe technique
  it is routed to (`instruction.perimetres`), the financeurs it was programmed with
  (`execution.acces`). The instance de pilotage and the concertation have theirs in
  `gouvernance.perimetres`.
Outside its scope a dossier answers 404, the same answer as "does not exist".
"""

from collections.abc import Callable

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q
from django.http import Http404

from cper.requetes import Identifiant

from .models import Dossier, MembreStructure
from .models.dossier import PERIMETRES, est_porteur_du_dossier

VOIR = "dossiers.view_dossier"
MODIFIER = "dossiers.change_dossier"
# The agents' scopes that see the dossier's pages (the financeurs' see its execution only).
PERIMETRES_VOIR = ("guichet", "guichet_lecture", "instruction")


def enregistrer_perimetre(nom: str, perimetre: Callable) -> None:
    """Register `perimetre(user) -> QuerySet of Dossier`, the scope `nom` of a floor above."""
    PERIMETRES[nom] = perimetre


def perimetre(nom: str, user):
    """The registered scope `nom` of the user (none when nothing registered it)."""
    fonction = PERIMETRES.get(nom)
    if fonction is None or not user.is_authenticated:
        return Dossier.objects.none()
    return fonction(user)


def dossiers_des_structures(user):
    """Dossiers of the structures the user belongs to: the porteur's whole scope."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return Dossier.objects.filter(_membres(user))


def _membres(user):
    # The user's id as a literal: one porteur has a structure, another 150 (their plans differ).
    adhesions = MembreStructure.objects.filter(user_id=Identifiant(user.pk))
    return Q(structure__in=adhesions.values("structure"))


def _condition_agents(user) -> Q | None:
    """The agents' scopes that see the dossier's pages, as one condition on Dossier rows;
    None when the user's roles give none (a registered scope answers `none()`): the
    porteur's condition is then the membership alone, cheaper to build and to plan."""
    condition = None
    for nom in PERIMETRES_VOIR:
        portee = perimetre(nom, user)
        if not portee.query.is_empty():
            q = Q(pk__in=portee.values("pk"))
            condition = q if condition is None else condition | q
    return condition


def _condition_visible(user, perm: str) -> Q:
    """The condition on Dossier rows of `dossiers_visibles`, to filter any queryset with."""
    condition = _membres(user)
    agents = _condition_agents(user) if perm == VOIR else None
    return condition if agents is None else condition | agents


def dossiers_visibles(user, perm: str = VOIR):
    """Dossiers the user may see (VOIR) or change (MODIFIER), as one query.

    Only members change a dossier; agents see it through their guichet or groupe technique.
    """
    if not user.is_authenticated:
        return Dossier.objects.none()
    return Dossier.objects.filter(_condition_visible(user, perm))


def peut_modifier(user, dossier: Dossier) -> bool:
    """Whether the user belongs to the dossier's structure (one query)."""
    return est_porteur_du_dossier(dossier, user)


def _un_dossier(queryset, pk) -> Dossier:
    try:
        return queryset.get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404("Dossier introuvable") from None


def dossier_ou_404(user, pk, perm: str = VOIR, queryset=None) -> Dossier:
    """Fetch one dossier in the user's scope, or raise 404."""
    if not user.is_authenticated:
        raise Http404("Dossier introuvable")
    # The scope's condition on the queryset itself (no `pk IN (scope)` around it).
    queryset = Dossier.objects.all() if queryset is None else queryset
    return _un_dossier(queryset.filter(_condition_visible(user, perm)), pk)


def avec_membres(queryset):
    """`membres_ids` on each dossier of `queryset`: the ids of its structure's members."""
    return queryset.annotate(
        membres_ids=ArraySubquery(
            MembreStructure.objects.filter(structure=OuterRef("structure")).values("user_id")
        )
    )


def dossier_et_membres_ou_404(user, pk, queryset=None, compilee=None) -> Dossier:
    """One dossier the user may see (VOIR), or 404; with `membres_ids`, the ids of its
    structure's members, and `est_porteur`, whether the user is one of them.

    For the pages that read the members anyway (whose names a porteur sees): membership is
    checked on those ids, so a user without agent roles is served by a primary-key fetch —
    `compilee(pk=…)` when given, a `cper.requetes.RequeteCompilee` of `avec_membres(queryset)`
    filtered on the primary key; an agent's scopes are in the query, as in `dossier_ou_404`.
    `queryset` may be a function returning it, called only when the query is built here.
    """
    if not user.is_authenticated:
        raise Http404("Dossier introuvable")
    agents = _condition_agents(user)
    if agents is None and compilee is not None:
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise Http404("Dossier introuvable") from None
        trouves = compilee(pk=pk) if 0 < pk < 2**63 else []
        if not trouves:
            raise Http404("Dossier introuvable")
        dossier = trouves[0]
    else:
        if callable(queryset):
            queryset = queryset()
        queryset = avec_membres(Dossier.objects.all() if queryset is None else queryset)
        if agents is not None:
            queryset = queryset.filter(_membres(user) | agents)
        dossier = _un_dossier(queryset, pk)
    dossier.est_porteur = user.pk in dossier.membres_ids
    if agents is None and not dossier.est_porteur:
        raise Http404("Dossier introuvable")
    return dossier


def dossier_du_porteur_ou_404(user, pk, queryset=None) -> Dossier:
    """One dossier of the user's structures, or 404."""
    return dossier_ou_404(user, pk, MODIFIER, queryset=queryset)
