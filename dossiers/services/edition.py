"""Writes of the dossier form: create a draft, save a section, add or remove a commune.

Each service re-reads the dossier under lock and refuses once it has left the brouillon state,
so a form opened before a dépôt cannot change a filed dossier.
"""

import logging

from django.db import transaction
from django.utils import timezone

from cper.referentiel.models import Commune
from dossiers import agregats
from dossiers.acces import MODIFIER, dossiers_visibles
from dossiers.enums import EtatDossier
from dossiers.models import Dossier, LigneFinancement, Structure

logger = logging.getLogger(__name__)


class DossierNonModifiable(Exception):
    """The dossier is no longer a draft: nothing in it may change."""


def structures_du_porteur(user):
    """The structures the user is a member of."""
    return Structure.objects.filter(adhesions__user=user).order_by("raison_sociale")


def _verrouiller(dossier: Dossier, user) -> Dossier:
    """Lock the dossier row until commit; refuse unless it is still an editable draft."""
    verrouille = (
        dossiers_visibles(user, MODIFIER).select_for_update(of=("self",)).filter(pk=dossier.pk)
    ).first()
    if verrouille is None or verrouille.etat != EtatDossier.BROUILLON:
        raise DossierNonModifiable
    return verrouille


@transaction.atomic
def dossier_creer(*, par, structure: Structure, intitule: str) -> Dossier:
    """Start a draft for one of the porteur's structures, visible and editable by its members."""
    if not structures_du_porteur(par).filter(pk=structure.pk).exists():
        raise PermissionError("Cette structure n'est pas la vôtre.")
    dossier = Dossier.objects.create(structure=structure, cree_par=par, intitule=intitule)
    logger.info("dossier %s créé par l'utilisateur %s", dossier.pk, par.pk)
    return dossier


def _touche_aux_montants(formulaire) -> bool:
    """The financing plan's lines, or the volet the dossier's amounts count in."""
    if hasattr(formulaire, "forms"):
        return formulaire.model is LigneFinancement
    return "volet" in formulaire.Meta.fields


@transaction.atomic
def dossier_enregistrer_section(*, dossier: Dossier, par, formulaires) -> None:
    """Save valid forms and formsets of one section, all or nothing."""
    _verrouiller(dossier, par)
    for formulaire in formulaires:
        if hasattr(formulaire, "forms"):
            formulaire.save()
        else:
            # Only the section's own columns: another tab editing another section keeps its work.
            instance = formulaire.save(commit=False)
            instance.save(update_fields=[*formulaire.Meta.fields, "updated_at"])
    Dossier.objects.filter(pk=dossier.pk).update(updated_at=timezone.now())
    if any(_touche_aux_montants(formulaire) for formulaire in formulaires):
        agregats.recalculer_dossier(dossier.pk)
    logger.info("dossier %s : section enregistrée par %s", dossier.pk, par.pk)


@transaction.atomic
def dossier_ajouter_commune(*, dossier: Dossier, par, commune: Commune) -> None:
    """Locate the project on one more commune (adding it twice changes nothing)."""
    verrouille = _verrouiller(dossier, par)
    verrouille.communes.add(commune)


@transaction.atomic
def dossier_retirer_commune(*, dossier: Dossier, par, commune: Commune) -> None:
    """Take a commune off the project's location."""
    verrouille = _verrouiller(dossier, par)
    verrouille.communes.remove(commune)
