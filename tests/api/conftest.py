"""Webhooks: a real HTTP receiver, subscriptions to it, instruit dossiers to programme."""

import pytest

from api.models import Abonnement
from tests.api.recepteur import Recepteur
from tests.factories import UserFactory
from tests.gouvernance import conftest as seances

# The instance de pilotage, its secretariat and instruit dossiers, as in the séances' tests.
pilotage = seances.pilotage
secretariat = seances.secretariat
financeurs = seances.financeurs
volet = seances.volet
dossier_instruit = seances.dossier_instruit


@pytest.fixture
def recepteur():
    recepteur = Recepteur().demarrer()
    yield recepteur
    recepteur.arreter()


@pytest.fixture
def responsable(db):
    """Owns the subscriptions: the technical contact of the Région's financial system."""
    return UserFactory(email="si.finances@hautsdefrance.fr", is_staff=True)


@pytest.fixture
def abonnement(recepteur, responsable):
    return Abonnement.objects.create(
        nom="Système financier régional",
        proprietaire=responsable,
        url=recepteur.url,
        types=["dossier.programmer", "dossier.declarer_recevable"],
    )
