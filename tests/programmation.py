"""A dossier programmed the real way: a convened séance, its agenda, `decision_prendre`."""

from gouvernance.enums import EtatSeance, SensDecision
from gouvernance.models import PointOrdreDuJour
from gouvernance.services.seances import decision_prendre
from tests.factories.gouvernance import SeanceFactory


def programmer(dossier, *, par, montants: dict, seance=None):
    """Programme an instruit dossier with {financeur: amount}; the decision."""
    if seance is None:
        seance = SeanceFactory(creee_par=par, etat=EtatSeance.CONVOQUEE)
    ordre = PointOrdreDuJour.objects.filter(seance=seance).count() + 1
    point = PointOrdreDuJour.objects.create(seance=seance, dossier=dossier, ordre=ordre)
    return decision_prendre(
        point=point,
        par=par,
        sens=SensDecision.PROGRAMME,
        montants={financeur.pk: montant for financeur, montant in montants.items()},
    )
