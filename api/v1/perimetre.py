"""Which dossiers a person reaches through the API: the screens' own selectors, nothing else.

- porteurs and agents: `dossiers.acces` (the structure's members; the guichet where the dossier
  was filed and the groupe technique it is routed to, `instruction.perimetres`), as on the
  dossier pages;
- the instance de pilotage: every filed dossier (`gouvernance.perimetres.dossiers_deposes`);
- the instance de concertation: the dossiers of the member's territory through the list and the
  fetch of its dashboard (`gouvernance.fichiers.dossiers_filtres`,
  `gouvernance.perimetres.dossier_du_territoire_ou_404`): public fields and amounts only.
"""

from django.http import Http404, QueryDict

from cper.comptes.enums import Role
from dossiers import acces
from dossiers.models import Dossier
from execution import acces as execution_acces
from gouvernance import perimetres
from gouvernance.fichiers import dossiers_filtres
from instruction.selectors import dossier_pour_agent_ou_404

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
        return perimetres.dossiers_deposes() | visibles
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
    _filtres, liste = dossiers_filtres(perimetres.mandat_concertation(user), QueryDict())
    return liste.queryset


def dossier_public_ou_404(user, pk) -> Dossier:
    return perimetres.dossier_du_territoire_ou_404(perimetres.mandat_concertation(user), pk)


def dossier_d_agent_ou_404(user, pk) -> Dossier:
    """The agents' scope (guichet, groupes techniques), as on the instruction page."""
    return dossier_pour_agent_ou_404(user, pk)


# Execution: the financeurs' agents carry out the dossiers their financeur programmed.
dossier_execute_ou_404 = execution_acces.dossier_execute_ou_404
dossiers_executables = execution_acces.dossiers_executables
financeurs_de = execution_acces.financeurs_de
