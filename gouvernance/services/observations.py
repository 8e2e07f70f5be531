"""The concertation members' writes: observations on dossiers of their territory."""

from django.db import transaction

from gouvernance.models import Observation
from gouvernance.selectors.tableaux import dossier_du_territoire_ou_404


@transaction.atomic
def observation_poster(*, mandat, dossier_pk: int, texte: str) -> Observation:
    """Record a member's observation on a dossier of their territory (404 outside it)."""
    dossier = dossier_du_territoire_ou_404(mandat, dossier_pk)
    return Observation.objects.create(dossier=dossier, auteur=mandat.user, texte=texte.strip())
