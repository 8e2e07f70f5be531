"""The scopes of the two instances: the pilotage sees every filed dossier, the concertation its
territory's, public fields only.

- instance de pilotage: its members hold their role and follow every filed dossier through the
  séances and dashboards, without a per-dossier relation;
- instance de concertation: the member's seat (`MembreInstance`) names a territory; its
  dossiers are those located on at least one of its communes, read through `champs_publics`,
  the one projection of what a concertation member may read of a dossier (screen, export, API).
"""

from django.http import Http404

from cper.referentiel.models import Commune
from cper.requetes import RequeteCompilee
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier
from gouvernance.enums import TypeInstance
from gouvernance.models import MembreInstance
from gouvernance.selectors.tableaux import avec_montants, cle_du_territoire

# What a concertation member reads of a dossier: no person, no piece, no exchange.
CHAMPS_PUBLICS = (
    "numero",
    "intitule",
    "etat",
    "depose_le",
    "structure__raison_sociale",
    "volet__numero",
    "volet__intitule",
)


def dossiers_deposes():
    """Every filed dossier: never a draft, nor a draft withdrawn before being filed (no number)."""
    return Dossier.objects.exclude(etat=E.BROUILLON).filter(numero__isnull=False)


def champs_publics(queryset):
    """The dossiers of `queryset` reduced to their public fields (`CHAMPS_PUBLICS`)."""
    return queryset.select_related("structure", "volet").only(*CHAMPS_PUBLICS)


def _mandats(user_id):
    return (
        MembreInstance.objects.filter(instance__type=TypeInstance.CONCERTATION, user=user_id)
        .select_related("pole", "epci", "departement")
        .order_by("pk")[:1]
    )


# Its SQL assembled once per process: every page of a concertation member reads it.
_MANDATS = RequeteCompilee(_mandats, "user_id")


def mandat_concertation(user) -> MembreInstance | None:
    """The user's seat in the concertation instance, with its territory (one query)."""
    if not user.is_authenticated:
        return None
    mandats = _MANDATS(user_id=user.pk)
    return mandats[0] if mandats else None


def dossiers_du_territoire(mandat: MembreInstance | None):
    """Filed dossiers located (at least partly) on the member's territory.

    Never drafts, nor drafts withdrawn before being filed (they have no number).
    """
    if mandat is None or mandat.territoire is None:
        return Dossier.objects.none()
    communes = Commune.objects.du_territoire(mandat.territoire)
    return (
        Dossier.objects.sur_territoire(communes)
        .exclude(etat=E.BROUILLON)
        .filter(numero__isnull=False)
    )


def dossiers_du_territoire_suivis(mandat: MembreInstance | None):
    """`dossiers_du_territoire` read through the kept `SuiviDossier.territoires` (GIN index)."""
    if mandat is None or mandat.territoire is None:
        return Dossier.objects.none()
    return dossiers_suivis_sur([cle_du_territoire(mandat.territoire)])


def dossiers_suivis_sur(cles: list[str]):
    """The filed dossiers on every territory of `cles` (keys of the kept counts, "pole:3")."""
    return Dossier.objects.filter(suivi__territoires__contains=cles)


def dossier_du_territoire_ou_404(mandat, pk) -> Dossier:
    """A dossier of the member's territory with its public fields and amounts; 404 otherwise."""
    try:
        return champs_publics(avec_montants(dossiers_du_territoire(mandat))).get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404("Dossier introuvable.") from None
