"""Who may see a dossier: the one scoped fetch every view uses, and the grants that feed it.

Object permissions (django-guardian, direct-FK models) follow the dossier's path: the structure's
group on creation, the guichet's group on dépôt, the groupe technique's group on routing.
Outside its scope a dossier answers 404, the same answer as "does not exist".
"""

from django.http import Http404
from guardian.shortcuts import assign_perm, get_objects_for_user

from .models import Dossier

VOIR = "dossiers.view_dossier"
MODIFIER = "dossiers.change_dossier"


def dossiers_visibles(user, perm: str = VOIR):
    """Dossiers on which the user holds `perm` through an object permission (one query)."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return get_objects_for_user(
        user, perm, klass=Dossier, accept_global_perms=False, with_superuser=False
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


def ouvrir_a_la_structure(dossier: Dossier) -> None:
    """The structure's members see and edit their dossier."""
    assign_perm(VOIR, dossier.structure.groupe, dossier)
    assign_perm(MODIFIER, dossier.structure.groupe, dossier)


def ouvrir_au_guichet(dossier: Dossier) -> None:
    """The agents of the guichet where it was filed see the dossier."""
    assign_perm(VOIR, dossier.guichet.groupe, dossier)
