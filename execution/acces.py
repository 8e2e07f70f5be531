"""Who acts for a financeur, and which dossiers a financeur's agents may carry out.

A financeur's agents are the members of its `ParametresFinanceur.groupe`. They carry out the
dossiers the instance de pilotage programmed with an amount for that financeur (the decision's
`MontantProgramme` rows): the relation itself is the scope, nothing is granted per dossier. It
is registered with `dossiers.acces` at start-up, so the dossier's execution transitions
(`attribuer`, `solder`, `declarer_caduc`…) read the same scope.
"""

from django.http import Http404

from cper.referentiel.models import Financeur
from dossiers.acces import dossier_du_porteur_ou_404, enregistrer_perimetre
from dossiers.models import Dossier
from gouvernance.enums import SensDecision
from gouvernance.models import MontantProgramme

__all__ = [
    "agit_pour",
    "dossier_du_porteur_ou_404",
    "dossier_execute_ou_404",
    "dossiers_executables",
    "enregistrer",
    "financeurs_de",
]


def financeurs_de(user):
    """The financeurs the user acts for (one query when evaluated)."""
    if not user.is_authenticated:
        return Financeur.objects.none()
    return Financeur.objects.filter(parametres_execution__groupe__user=user)


def agit_pour(user, financeur_id) -> bool:
    return financeurs_de(user).filter(pk=financeur_id).exists()


def dossiers_executables(user):
    """Dossiers programmed with an amount for one of the user's financeurs."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return Dossier.objects.filter(
        pk__in=MontantProgramme.objects.filter(
            decision__sens=SensDecision.PROGRAMME,
            montant__gt=0,
            financeur__in=financeurs_de(user),
        ).values("decision__point__dossier_id")
    )


def dossier_execute_ou_404(user, pk, queryset=None) -> Dossier:
    """One dossier in the financeur agent's scope, or 404 (same answer as "no such dossier")."""
    base = queryset if queryset is not None else Dossier.objects.all()
    try:
        return base.filter(pk__in=dossiers_executables(user).values("pk")).get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404("Dossier introuvable") from None


def enregistrer() -> None:
    enregistrer_perimetre("execution", dossiers_executables)
