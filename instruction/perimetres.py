"""The agents' scopes during instruction, each read from the relation that says it.

- agent de guichet: the dossiers filed at a guichet whose group the agent belongs to (the
  guichet chosen at dépôt, or the other one of a dépôt conjoint, `DepotConjoint`); read only
  (`dossiers_en_lecture`), a sous-préfecture's arrondissement dossiers filed only at the
  Conseil régional, and the Conseil régional's co-financed dossiers;
- instructeur: the dossiers whose routing in force (`Routage.en_vigueur`) names a groupe
  technique the instructor is a member of (`MembreGroupe`), read from its kept copy, one row
  per routed dossier (`EtatInstruction`, see `instruction.suivi`).
Both are registered with `dossiers.acces` at start-up, so the dossier's pages and its
transitions (`Dossier.declarer_recevable`, `conclure_instruction`…) read the same scopes.
Outside them a dossier answers 404.
"""

import functools
import operator

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q
from django.http import Http404

from cper.comptes.enums import Role
from cper.referentiel.enums import CategorieFinanceur, TypeGuichet
from cper.referentiel.models import Guichet
from cper.requetes import Constante, Dans, RequeteCompilee
from dossiers.acces import dossiers_des_structures, enregistrer_perimetre
from dossiers.enums import EtatDossier as E
from dossiers.models import DepotConjoint, Dossier, LigneFinancement

from .models import EtatInstruction, MembreGroupe


def guichets_de(user):
    """The guichets the user works for (their groups); `user`: the user or their id."""
    return Guichet.objects.filter(groupe__user=user)


def dossiers_du_guichet(user):
    """Filed dossiers of the guichets the user works for, dépôts conjoints included."""
    if not (user.is_authenticated and user.a_le_role(Role.AGENT_GUICHET)):
        return Dossier.objects.none()
    mes_guichets = guichets_de(user).values("pk")
    return Dossier.objects.filter(
        Q(guichet__in=mes_guichets)
        | Q(pk__in=DepotConjoint.objects.filter(guichet__in=mes_guichets).values("dossier_id"))
    ).exclude(etat=E.BROUILLON)


class UnDe(Func):
    """`colonne = ANY(tableau)`: one array parameter, whatever its length, that PostgreSQL
    reads as an index condition (and estimates from the column's statistics)."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def _guichets_et_conjoints(user_id):
    """(guichet, [dossiers filed there jointly]) of each guichet the user works for."""
    return (
        guichets_de(user_id)
        .annotate(
            conjoints=ArraySubquery(
                DepotConjoint.objects.filter(guichet=OuterRef("pk")).values("dossier_id")
            )
        )
        .values_list("pk", "conjoints")
    )


# Its SQL assembled once per process, the user's id its one parameter.
_GUICHETS_ET_CONJOINTS = RequeteCompilee(_guichets_et_conjoints, "user_id")


def file_du_guichet(user):
    """The same dossiers as `dossiers_du_guichet`, for the workbench: the agent's guichets and
    the dépôts conjoints filed there are read first (one query), so that the tabs are ranges
    of the dossiers' (guichet, state, dépôt) indexes instead of a scan filtered by an OR of
    subqueries."""
    guichets_conjoints = guichets_et_conjoints(user)
    if guichets_conjoints is None:
        return Dossier.objects.none()
    return dossiers_des_guichets(*guichets_conjoints)


def guichets_et_conjoints(user) -> tuple[list[int], list[int]] | None:
    """The ids of the guichets the user works for and of the dossiers filed there jointly
    (one query); None for a user who is no agent de guichet."""
    if not (user.is_authenticated and user.a_le_role(Role.AGENT_GUICHET)):
        return None
    guichets, conjoints = [], []
    for guichet, dossiers in _GUICHETS_ET_CONJOINTS(user_id=user.pk):
        guichets.append(guichet)
        conjoints.extend(dossiers)
    return guichets, conjoints


def dossiers_des_guichets(guichets: list[int], conjoints: list[int]):
    """`file_du_guichet` from what `guichets_et_conjoints` read: the guichets named (a
    parameter each, or `Identifiant`s written in the SQL), the dépôts conjoints as one array
    parameter (when there are some)."""
    if all(type(guichet) is int for guichet in guichets):
        condition = Q(guichet__in=guichets)
    else:  # expressions: one equality each (`__in` takes values only)
        condition = functools.reduce(operator.or_, (Q(guichet=g) for g in guichets))
    if conjoints:
        condition |= Q(Dans(F("pk"), conjoints))
    # The draft state written in the SQL, as the tabs' states are: a prepared statement's
    # generic plan compares each entry with a constant, not with a parameter.
    return Dossier.objects.filter(condition).exclude(etat=Constante(E.BROUILLON))


def au_guichet_de(user):
    """Expression on Dossier rows: whether the user works at one of the dossier's guichets."""
    return Exists(
        guichets_de(user).filter(
            Q(pk=OuterRef("guichet")) | Q(depots_conjoints__dossier=OuterRef("pk"))
        )
    )


def dossiers_en_lecture(user):
    """What a guichet follows without acting on it (read only).

    A sous-préfecture: the dossiers of its arrondissement filed only at the Conseil régional;
    the Conseil régional: every filed dossier whose plan asks the Région for money.
    """
    if not (user.is_authenticated and user.a_le_role(Role.AGENT_GUICHET)):
        return Dossier.objects.none()
    mes_guichets = guichets_de(user)
    seulement_a_la_region = Dossier.objects.filter(
        guichet__type=TypeGuichet.CONSEIL_REGIONAL,
        depot_conjoint__isnull=True,
        pk__in=Dossier.communes.through.objects.filter(
            commune__arrondissement__in=mes_guichets.filter(arrondissement__isnull=False).values(
                "arrondissement"
            )
        ).values("dossier_id"),
    )
    cofinances = Dossier.objects.filter(
        Exists(mes_guichets.filter(type=TypeGuichet.CONSEIL_REGIONAL)),
        pk__in=LigneFinancement.objects.filter(
            financeur__categorie=CategorieFinanceur.REGION, montant_demande__gt=0
        ).values("dossier_id"),
    )
    return (
        Dossier.objects.filter(
            Q(pk__in=seulement_a_la_region.values("pk")) | Q(pk__in=cofinances.values("pk"))
        )
        .exclude(etat=E.BROUILLON)
        .filter(numero__isnull=False)
        # What the guichet acts on is in its workbench, not here.
        .exclude(pk__in=dossiers_du_guichet(user).values("pk"))
    )


def dossiers_des_groupes(user, groupes=None):
    """Dossiers routed (routing in force) to the groupes techniques the user belongs to.

    `groupes`: the ids of those groups when the caller has read them (the workbench, whose
    tabs need them), so that PostgreSQL estimates the scope from its statistics; otherwise a
    subquery."""
    if not (user.is_authenticated and user.a_le_role(Role.INSTRUCTEUR)):
        return Dossier.objects.none()
    # A join on the one kept row per dossier, not a semi-join on the routings: the tabs add
    # their conditions on the same row, and the pages walk the dossier's indexes.
    if groupes is None:
        return Dossier.objects.filter(etat_instruction__groupe_technique__in=mes_groupes(user))
    return dossiers_de_ces_groupes(groupes)


def dossiers_de_ces_groupes(groupes: list[int]):
    """The dossiers routed to these groupes techniques (their ids), read from their kept
    `EtatInstruction` rows: the scope of an instructor who belongs to them."""
    return Dossier.objects.filter(etat_instruction__groupe_technique__in=groupes)


def mes_groupes(user, cote: str | None = None):
    """Subquery of the groupes techniques the user belongs to (on one side, if given)."""
    adhesions = MembreGroupe.objects.filter(user=user)
    if cote:
        adhesions = adhesions.filter(cote=cote)
    return adhesions.values("groupe_technique")


def au_perimetre_des_agents(user, dossier: str = "dossier"):
    """Expression on rows that name a dossier (`dossier`, a path from the outer row): it is in
    the user's guichet or groups scope. Per-row EXISTS through the relations' indexes, for
    lists of few rows about dossiers (overdue requests), where `dossier__in=` the whole scope
    would hash every dossier of the scope first."""
    condition = Q(pk__in=[])
    if user.is_authenticated and user.a_le_role(Role.AGENT_GUICHET):
        condition |= Exists(
            guichets_de(user).filter(
                Q(pk=OuterRef(f"{dossier}__guichet"))
                | Q(depots_conjoints__dossier=OuterRef(dossier))
            )
        )
    if user.is_authenticated and user.a_le_role(Role.INSTRUCTEUR):
        condition |= dans_mes_groupes(user, dossier)
    return condition


def dans_mes_groupes(user, dossier: str = "dossier"):
    """Expression on rows that name a dossier: it is routed to one of the user's groups
    (`user`: the user or their id)."""
    # The groups as an array read once (not a semi-join PostgreSQL would estimate from the
    # statistics of a table of a few rows, and answer by hashing the whole scope).
    return Exists(
        EtatInstruction.objects.filter(
            UnDe(F("groupe_technique"), ArraySubquery(mes_groupes(user))),
            dossier=OuterRef(dossier),
        )
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


def pour_une_page(queryset):
    """`queryset` with the relations every agent page shows of a dossier."""
    return queryset.select_related("structure", "guichet", "volet", "rapport_instruction")


def ou_404(queryset, pk) -> Dossier:
    """One dossier of `queryset` with what every agent page shows, or 404."""
    try:
        return pour_une_page(queryset).get(pk=pk)
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
    enregistrer_perimetre("guichet_lecture", dossiers_en_lecture)
    enregistrer_perimetre("instruction", dossiers_des_groupes)
