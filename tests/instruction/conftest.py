"""A groupe technique with its État and Région instructors, and dossiers at each stage."""

import pytest

from instruction.enums import Cote
from tests.factories import DossierFactory, VoletFactory
from tests.factories.instruction import (
    GroupeTechniqueFactory,
    MembreGroupeFactory,
    router,
)


@pytest.fixture
def volet(db):
    return VoletFactory()


@pytest.fixture
def groupe_mobilite(volet, instructeur_etat, instructeur_region):
    groupe = GroupeTechniqueFactory(nom="Mobilité multimodale", volets=[volet])
    MembreGroupeFactory(groupe_technique=groupe, user=instructeur_etat, cote=Cote.ETAT)
    MembreGroupeFactory(groupe_technique=groupe, user=instructeur_region, cote=Cote.REGION)
    return groupe


@pytest.fixture
def autre_groupe(db):
    return GroupeTechniqueFactory(nom="Enseignement supérieur")


@pytest.fixture
def dossier_depose(structure, guichet_douai, volet, porteur):
    """Filed by the porteur at the Douai sous-préfecture, awaiting its completeness check."""
    dossier = DossierFactory(
        depose=True, structure=structure, guichet=guichet_douai, volet=volet, cree_par=porteur
    )
    return dossier


@pytest.fixture
def dossier_en_instruction(
    structure, guichet_douai, volet, porteur, groupe_mobilite, agent_sp_douai
):
    dossier = DossierFactory(
        en_instruction=True,
        structure=structure,
        guichet=guichet_douai,
        volet=volet,
        cree_par=porteur,
    )
    return router(dossier, groupe_mobilite, par=agent_sp_douai)
