"""The concertation members' writes: observations on dossiers of their territory."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from gouvernance.models import Observation
from gouvernance.perimetres import dossiers_du_territoire


@transaction.atomic
def observation_poster(*, mandat, dossier_pk: int, texte: str) -> Observation:
    """Record a member's observation on a dossier of their territory (PermissionDenied outside)."""
    if not dossiers_du_territoire(mandat).filter(pk=dossier_pk).exists():
        raise PermissionDenied
    return Observation.objects.create(
        dossier_id=dossier_pk, auteur=mandat.user, texte=texte.strip()
    )
