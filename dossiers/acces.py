"""Who may see a dossier: the one scoped fetch every view uses, and the grants that feed it.

Two sources, one per kind of user, never both for the same access:
- porteurs: membership of the dossier's structure (`MembreStructure`), read as a relation at each
  request. Removing a member removes every access at once; nothing is copied elsewhere.
- agents: django-guardian object permissions (direct-FK models) that follow the dossier's path,
  the guichet's group on dépôt, the groupe technique's group on routing.
Outside its scope a dossier answers 404, the same answer as "does not exist".
"""

from django.db.models import Q
from django.http import Http404
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from .models import Dossier, MembreStructure

VOIR = "dossiers.view_dossier"
MODIFIER = "dossiers.change_dossier"


def dossiers_des_structures(user):
    """Dossiers of the structures the user belongs to: the porteur's whole scope."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return Dossier.objects.filter(structure__adhesions__user=user)


def dossiers_visibles(user, perm: str = VOIR):
    """Dossiers the user may see (VOIR) or change (MODIFIER), as one query.

    Only members change a dossier; agents see it through their guichet's or group's grants.
    """
    if not user.is_authenticated:
        return Dossier.objects.none()
    if perm == MODIFIER:
        return dossiers_des_structures(user)
    accordes = get_objects_for_user(
        user, perm, klass=Dossier, accept_global_perms=False, with_superuser=False
    )
    return Dossier.objects.filter(
        Q(structure__in=MembreStructure.objects.filter(user=user).values("structure"))
        | Q(pk__in=accordes.values("pk"))
    )


def peut_modifier(user, dossier: Dossier) -> bool:
    """Whether the user belongs to the dossier's structure (one query)."""
    return (
        user.is_authenticated
        and MembreStructure.objects.filter(structure=dossier.structure_id, user=user).exists()
    )


def dossier_ou_404(user, pk, perm: str = VOIR, queryset=None) -> Dossier:
    """Fetch one dossier in the user's scope, or raise 404."""
    visibles = dossiers_visibles(user, perm)
    if queryset is not None:
        visibles = queryset.filter(pk__in=visibles.values("pk"))
    try:
        return visibles.get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404("Dossier introuvable") from None


def ouvrir_au_guichet(dossier: Dossier) -> None:
    """The agents of the guichet where it was filed see the dossier."""
    assign_perm(VOIR, dossier.guichet.groupe, dossier)


def fermer_au_guichet(dossier: Dossier, guichet) -> None:
    """The agents of a guichet the dossier left (a transfer) no longer see it."""
    remove_perm(VOIR, guichet.groupe, dossier)
