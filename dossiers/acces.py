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

from django.db.models import Q
from django.http import Http404

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
    return Dossier.objects.filter(
        structure__in=MembreStructure.objects.filter(user=user).values("structure")
    )


def dossiers_visibles(user, perm: str = VOIR):
    """Dossiers the user may see (VOIR) or change (MODIFIER), as one query.

    Only members change a dossier; agents see it through their guichet or groupe technique.
    """
    if not user.is_authenticated:
        return Dossier.objects.none()
    if perm == MODIFIER:
        return dossiers_des_structures(user)
    condition = Q(structure__in=MembreStructure.objects.filter(user=user).values("structure"))
    for nom in PERIMETRES_VOIR:
        condition |= Q(pk__in=perimetre(nom, user).values("pk"))
    return Dossier.objects.filter(condition)


def peut_modifier(user, dossier: Dossier) -> bool:
    """Whether the user belongs to the dossier's structure (one query)."""
    return est_porteur_du_dossier(dossier, user)


def dossier_ou_404(user, pk, perm: str = VOIR, queryset=None) -> Dossier:
    """Fetch one dossier in the user's scope, or raise 404."""
    visibles = dossiers_visibles(user, perm)
    if queryset is not None:
        visibles = queryset.filter(pk__in=visibles.values("pk"))
    try:
        return visibles.get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404("Dossier introuvable") from None


def dossier_du_porteur_ou_404(user, pk, queryset=None) -> Dossier:
    """One dossier of the user's structures, or 404."""
    return dossier_ou_404(user, pk, MODIFIER, queryset=queryset)
