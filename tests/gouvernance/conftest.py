"""The instance de pilotage with its secretariat, and instruit dossiers ready for a séance.

Each dossier asks the État for 40 000 € and the Région for 30 000 €; the État side proposes
35 000 € and 30 000 €, the Région side 30 000 € and 25 000 €: the decision form suggests the
lower of the two, 30 000 € and 25 000 €.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from cper.comptes.enums import Role
from dossiers import agregats
from gouvernance.enums import EtatSeance, RoleMembre, TypeInstance
from gouvernance.models import PointOrdreDuJour
from instruction.enums import Cote, SensAvis
from instruction.models import MontantPropose
from tests.factories import (
    DossierFactory,
    FinanceurFactory,
    LigneFinancementFactory,
    UserFactory,
    VoletFactory,
)
from tests.factories.gouvernance import MembreInstanceFactory, SeanceFactory, instance
from tests.factories.instruction import AvisFactory

DEMANDE = {"etat": Decimal("40000.00"), "region": Decimal("30000.00")}
PROPOSE = {
    Cote.ETAT: {"etat": Decimal("35000.00"), "region": Decimal("30000.00")},
    Cote.REGION: {"etat": Decimal("30000.00"), "region": Decimal("25000.00")},
}


@pytest.fixture
def pilotage(db):
    return instance(TypeInstance.PILOTAGE)


@pytest.fixture
def financeurs(db):
    return {"etat": FinanceurFactory(), "region": FinanceurFactory(region=True)}


@pytest.fixture
def volet(db):
    return VoletFactory()


@pytest.fixture
def secretariat(pilotage):
    """Runs the séances: member of the pilotage body's secretariat."""
    user = UserFactory(
        email="secretariat.sgar@exemple.fr",
        first_name="Sophie",
        last_name="Secrétaire",
        roles=[Role.MEMBRE_PILOTAGE],
    )
    MembreInstanceFactory(instance=pilotage, user=user, role=RoleMembre.SECRETARIAT)
    return user


@pytest.fixture
def autre_secretariat(pilotage):
    user = UserFactory(email="secretariat.region@exemple.fr", roles=[Role.MEMBRE_PILOTAGE])
    MembreInstanceFactory(instance=pilotage, user=user, role=RoleMembre.SECRETARIAT)
    return user


@pytest.fixture
def membre(pilotage, membre_pilotage):
    """A plain member of the instance de pilotage: sees the séances, does not run them."""
    MembreInstanceFactory(instance=pilotage, user=membre_pilotage, role=RoleMembre.MEMBRE)
    return membre_pilotage


def creer_instruit(*, structure, volet, financeurs, **kwargs):
    dossier = DossierFactory(instruit=True, structure=structure, volet=volet, **kwargs)
    for code, montant in DEMANDE.items():
        LigneFinancementFactory(
            dossier=dossier, financeur=financeurs[code], montant_demande=montant
        )
    for cote, sens in (
        (Cote.ETAT, SensAvis.FAVORABLE),
        (Cote.REGION, SensAvis.FAVORABLE_SOUS_RESERVE),
    ):
        avis = AvisFactory(dossier=dossier, cote=cote, sens=sens)
        MontantPropose.objects.bulk_create(
            MontantPropose(avis=avis, financeur=financeurs[code], montant=montant)
            for code, montant in PROPOSE[cote].items()
        )
    agregats.recalculer_dossier(dossier.pk)  # as avis_donner does
    return dossier


@pytest.fixture
def dossier_instruit(structure, volet, financeurs, porteur):
    return creer_instruit(structure=structure, volet=volet, financeurs=financeurs, cree_par=porteur)


@pytest.fixture
def autre_dossier_instruit(autre_structure, volet, financeurs):
    return creer_instruit(structure=autre_structure, volet=volet, financeurs=financeurs)


@pytest.fixture
def seance(pilotage, secretariat):
    return SeanceFactory(instance=pilotage, creee_par=secretariat)


@pytest.fixture
def seance_convoquee(seance, dossier_instruit, autre_dossier_instruit):
    """Convoked, with the two dossiers on its agenda (the convocation already sent)."""
    PointOrdreDuJour.objects.create(seance=seance, dossier=dossier_instruit, ordre=1)
    PointOrdreDuJour.objects.create(seance=seance, dossier=autre_dossier_instruit, ordre=2)
    seance.etat = EtatSeance.CONVOQUEE
    seance.presences_le = timezone.now()
    seance.save()
    return seance


def point_de(seance, dossier):
    return PointOrdreDuJour.objects.get(seance=seance, dossier=dossier)
