"""What the instance de pilotage follows: every filed dossier (its members hold their role, and
see the dossiers through the séances and dashboards without a per-dossier scope)."""

from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier


def dossiers_deposes():
    """Every filed dossier: never a draft, nor a draft withdrawn before being filed (no number)."""
    return Dossier.objects.exclude(etat=E.BROUILLON).filter(numero__isnull=False)
