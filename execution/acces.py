"""Who acts for a financeur, and which dossiers a financeur's agents may carry out.

A financeur's agents are the members of its `ParametresFinanceur.groupe`. When a dossier is
programmed, each programmed financeur's group receives `dossiers.executer_dossier` on it
(django-guardian, direct-FK permission model): the dossier's execution transitions read that
permission, and the agents' scope is the dossiers it was granted on.
"""

from django.db.models import Q
from django.http import Http404
from guardian.shortcuts import assign_perm, get_objects_for_user

from cper.referentiel.models import Financeur
from dossiers.models import Dossier
from execution.models import ParametresFinanceur

EXECUTER = "dossiers.executer_dossier"


def financeurs_de(user):
    """The financeurs the user acts for (one query when evaluated)."""
    if not user.is_authenticated:
        return Financeur.objects.none()
    return Financeur.objects.filter(parametres_execution__groupe__user=user)


def agit_pour(user, financeur_id) -> bool:
    return financeurs_de(user).filter(pk=financeur_id).exists()


def dossiers_executables(user):
    """Dossiers one of the user's financeurs carries out."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return get_objects_for_user(
        user, EXECUTER, klass=Dossier, accept_global_perms=False, with_superuser=False
    )


def dossier_execute_ou_404(user, pk, queryset=None) -> Dossier:
    """One dossier in the financeur agent's scope, or 404 (same answer as "no such dossier")."""
    base = queryset if queryset is not None else Dossier.objects.all()
    try:
        return base.filter(pk__in=dossiers_executables(user).values("pk")).get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404("Dossier introuvable") from None


def dossier_du_porteur_ou_404(user, pk, queryset=None) -> Dossier:
    base = queryset if queryset is not None else Dossier.objects.all()
    try:
        return base.filter(Q(structure__adhesions__user=user)).distinct().get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404("Dossier introuvable") from None


def ouvrir_aux_financeurs(dossier: Dossier, financeurs) -> int:
    """Give the groups of these financeurs the execution of the dossier; how many groups."""
    n = 0
    for financeur in financeurs:
        parametres = ParametresFinanceur.objects.de(financeur)
        assign_perm(EXECUTER, parametres.groupe, dossier)
        n += 1
    return n
