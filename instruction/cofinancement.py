"""Reads for the agents of the co-financing signatories (the Départements, the MEL).

Their scope is a relation, not an object permission: the dossiers whose financing plan names a
financeur they are an agent of (`AgentCofinanceur`), once filed. Nothing is written in
django-guardian for them; removing the agent's row removes every access at once.
"""

from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404

from cper.referentiel.models import Financeur
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier, LigneFinancement

from .enums import Cote
from .models import Avis, AvisCofinanceur


def financeurs_de(user):
    """The co-financing signatories the user is an agent of."""
    return Financeur.objects.filter(agents_cofinanceurs__user=user)


def dossiers_cofinances(user):
    """Filed dossiers whose financing plan names one of the user's financeurs (one query)."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    au_plan = LigneFinancement.objects.filter(
        dossier=OuterRef("pk"), financeur__agents_cofinanceurs__user=user
    )
    return Dossier.objects.filter(Exists(au_plan), numero__isnull=False).exclude(etat=E.BROUILLON)


def dossier_cofinance_ou_404(user, pk) -> Dossier:
    try:
        return dossiers_cofinances(user).select_related("structure", "volet").get(pk=pk)
    except Dossier.DoesNotExist:
        raise Http404("Dossier introuvable.") from None


def financeur_du_dossier(user, dossier) -> Financeur | None:
    """The user's financeur in the dossier's plan (the first one, in the contract's order)."""
    return (
        financeurs_de(user)
        .filter(lignes_financement__dossier=dossier)
        .order_by("ordre", "pk")
        .first()
    )


def file_cofinanceur(user):
    """The user's co-financed dossiers with the État and Région avis and their own, newest first.

    One query: the avis are subqueries.
    """

    def sens(cote):
        return Avis.objects.filter(dossier=OuterRef("pk"), cote=cote).values("sens")[:1]

    return (
        dossiers_cofinances(user)
        .select_related("structure", "volet")
        .annotate(
            sens_etat=Subquery(sens(Cote.ETAT)),
            sens_region=Subquery(sens(Cote.REGION)),
            sens_cofinanceur=Subquery(
                AvisCofinanceur.objects.filter(
                    dossier=OuterRef("pk"), financeur__agents_cofinanceurs__user=user
                ).values("sens")[:1]
            ),
        )
        .order_by("-depose_le", "-pk")
    )


def avis_cofinanceurs(dossier_ids) -> dict[int, list[AvisCofinanceur]]:
    """{dossier pk: [the co-financers' avis]} (one query)."""
    resultat: dict[int, list] = {}
    for avis in AvisCofinanceur.objects.filter(dossier__in=list(dossier_ids)).select_related(
        "financeur", "donne_par"
    ):
        resultat.setdefault(avis.dossier_id, []).append(avis)
    return resultat
