"""Which dossiers a person reaches through the API: the screens' own selectors, nothing else.

- porteurs and agents: `dossiers.acces` (the structure's members; the guichet's and the groupe
  technique's grants), as on the dossier pages;
- the instance de pilotage: every filed dossier (`gouvernance.selectors.tableaux`);
- the instance de concertation: the dossiers of the member's territory, through the projection of
  its dashboard (public fields and amounts only, no person's data).
"""

from django.http import Http404

from cper.comptes.enums import Role
from dossiers import acces
from dossiers.models import Dossier
from gouvernance.selectors import tableaux

ROLES_DOSSIER_COMPLET = (
    Role.PORTEUR,
    Role.AGENT_GUICHET,
    Role.INSTRUCTEUR,
    Role.MEMBRE_PILOTAGE,
)
ROLES_AGENTS = (Role.AGENT_GUICHET, Role.INSTRUCTEUR)


def est_pilotage(user) -> bool:
    return user.a_le_role(Role.MEMBRE_PILOTAGE)


def est_agent(user) -> bool:
    return user.a_le_role(*ROLES_AGENTS)


def vue_publique(user) -> bool:
    """A concertation member who holds no other role: the territory's public view."""
    return user.a_le_role(Role.MEMBRE_CONCERTATION) and not user.a_le_role(*ROLES_DOSSIER_COMPLET)


def dossiers(user):
    """The dossiers the user sees in full, as one QuerySet."""
    visibles = acces.dossiers_visibles(user)
    if est_pilotage(user):
        return tableaux.dossiers_deposes() | visibles
    return visibles


def dossier_ou_404(user, pk, queryset=None) -> Dossier:
    """One dossier seen in full, or 404 (the same answer as "does not exist")."""
    if not est_pilotage(user):
        return acces.dossier_ou_404(user, pk, queryset=queryset)
    base = queryset if queryset is not None else Dossier.objects.all()
    try:
        return base.filter(pk__in=dossiers(user).values("pk")).get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404("Dossier introuvable") from None


def dossiers_publics(user):
    """The concertation member's territory, public projection (none without a seat)."""
    return tableaux.champs_publics(
        tableaux.dossiers_du_territoire(tableaux.mandat_concertation(user))
    )


def dossier_public_ou_404(user, pk) -> Dossier:
    return tableaux.dossier_du_territoire_ou_404(tableaux.mandat_concertation(user), pk)
