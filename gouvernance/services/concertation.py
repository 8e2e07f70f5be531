"""Séances of the instance de concertation: opened for a territory, minutes, closing."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from gouvernance.enums import EtatSeance
from gouvernance.models import Instance, Observation, Seance
from gouvernance.perimetres import dossier_du_territoire_ou_404
from gouvernance.selectors import concertation as selectors


def _exiger_animation(mandat) -> None:
    if not selectors.anime(mandat) or mandat.territoire is None:
        raise PermissionDenied


@transaction.atomic
def seance_concertation_creer(*, mandat, date, lieu: str) -> Seance:
    """The territory's présidence or secretariat opens a séance for its territory."""
    _exiger_animation(mandat)
    return Seance.objects.create(
        instance=Instance.objects.get(pk=mandat.instance_id),
        date=date,
        lieu=lieu,
        departement_id=mandat.departement_id,
        epci_id=mandat.epci_id,
        pole_id=mandat.pole_id,
        etat=EtatSeance.CONVOQUEE,
        creee_par=mandat.user,
    )


@transaction.atomic
def observation_seance_enregistrer(*, mandat, seance, dossier_pk: int, texte: str) -> Observation:
    """Record, in the séance's minutes, what the territory says on one of its dossiers.

    The observation is the concertation's: the instance de pilotage reads it on its agenda.
    """
    _exiger_animation(mandat)
    seance = Seance.objects.select_for_update().get(pk=seance.pk)
    if seance.etat == EtatSeance.CLOSE:
        raise TransitionNotAllowed("La séance est close.")
    dossier = dossier_du_territoire_ou_404(mandat, dossier_pk)
    return Observation.objects.create(
        dossier=dossier, auteur=mandat.user, texte=texte.strip(), seance=seance
    )


@transaction.atomic
def seance_concertation_clore(*, mandat, seance) -> Seance:
    """Close the minutes: nothing more is recorded in them."""
    _exiger_animation(mandat)
    seance = Seance.objects.select_for_update().get(pk=seance.pk)
    if seance.etat == EtatSeance.CLOSE:
        raise TransitionNotAllowed("La séance est déjà close.")
    seance.etat = EtatSeance.CLOSE
    seance.close_le = timezone.now()
    seance.save(update_fields=["etat", "close_le"])
    return seance
