"""The agents' scopes during instruction, each read from the relation that says it.

- agent de guichet: the dossiers filed at a guichet whose group the agent belongs to;
- instructeur: the dossiers whose routing in force (`Routage.en_vigueur`) names a groupe
  technique the instructor is a member of (`MembreGroupe`).
Both are registered with `dossiers.acces` at start-up, so the dossier's pages and its
transitions (`Dossier.declarer_recevable`, `conclure_instruction`…) read the same scopes.
Outside them a dossier answers 404.
"""

from django.db.models import Q
from django.http import Http404

from cper.comptes.enums import Role
from dossiers.acces import dossiers_des_structures, enregistrer_perimetre
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier

from .models import Routage


def dossiers_du_guichet(user):
    """Filed dossiers of the guichets the user works for."""
    if not (user.is_authenticated and user.a_le_role(Role.AGENT_GUICHET)):
        return Dossier.objects.none()
    return Dossier.objects.filter(guichet__groupe__user=user).exclude(etat=E.BROUILLON)


def dossiers_des_groupes(user):
    """Dossiers routed (routing in force) to the groupes techniques the user belongs to."""
    if not (user.is_authenticated and user.a_le_role(Role.INSTRUCTEUR)):
        return Dossier.objects.none()
    return Dossier.objects.filter(
        pk__in=Routage.objects.en_vigueur()
        .filter(groupe_technique__adhesions__user=user)
        .values("dossier_id")
    )


def dossiers_des_agents(user):
    """The guichet's and the groupes techniques' dossiers of the user, as one QuerySet."""
    return Dossier.objects.filter(
        Q(pk__in=dossiers_du_guichet(user).values("pk"))
        | Q(pk__in=dossiers_des_groupes(user).values("pk"))
    )


def dossiers_du_porteur(user):
    """Filed dossiers of the porteur's structures."""
    return dossiers_des_structures(user).exclude(etat=E.BROUILLON)


def ou_404(queryset, pk) -> Dossier:
    """One dossier of `queryset` with what every agent page shows, or 404."""
    try:
        return queryset.select_related("structure", "guichet", "volet", "rapport_instruction").get(
            pk=pk
        )
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404("Dossier introuvable.") from None


def dossier_du_guichet_ou_404(user, pk) -> Dossier:
    return ou_404(dossiers_du_guichet(user), pk)


def dossier_des_groupes_ou_404(user, pk) -> Dossier:
    return ou_404(dossiers_des_groupes(user), pk)


def dossier_du_porteur_ou_404(user, pk) -> Dossier:
    return ou_404(dossiers_du_porteur(user), pk)


def enregistrer() -> None:
    enregistrer_perimetre("guichet", dossiers_du_guichet)
    enregistrer_perimetre("instruction", dossiers_des_groupes)
