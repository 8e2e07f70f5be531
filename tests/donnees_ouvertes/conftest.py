"""A contract with projects at every stage: only the programmed ones may be published."""

from decimal import Decimal

import pytest

from cper.comptes.enums import Role
from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    DossierFactory,
    EpciFactory,
    LigneFinancementFactory,
    StructureFactory,
    UserFactory,
)
from tests.gouvernance import conftest as seances
from tests.programmation import programmer

# The instance de pilotage, its secretariat and the financeurs, as in the séances' tests.
pilotage = seances.pilotage
secretariat = seances.secretariat
financeurs = seances.financeurs
volet = seances.volet
creer_instruit = seances.creer_instruit


@pytest.fixture
def territoires(commune_douai):
    douaisis = EpciFactory(siren="200044618", nom="Douaisis Agglo")
    commune_douai.epci = douaisis
    commune_douai.save()
    pas_de_calais = DepartementFactory(code="62", nom="Pas-de-Calais", chef_lieu="62041")
    arras = CommuneFactory(
        code_insee="62041",
        nom="Arras",
        departement=pas_de_calais,
        arrondissement__code="621",
        arrondissement__nom="Arras",
        arrondissement__departement=pas_de_calais,
        epci=EpciFactory(siren="200033579", nom="Communauté urbaine d'Arras"),
    )
    return {"douai": commune_douai, "arras": arras}


@pytest.fixture
def projets(structure, porteur, volet, financeurs, secretariat, territoires):
    """Programmed: a halte fluviale on Douai and Arras (État 30 000, Région 15 000), a
    médiathèque on Douai (État 8 000). Not programmed: one instruit, one draft, one filed."""
    porteur.first_name, porteur.last_name = "Jeanne", "Martin"
    porteur.save()
    halte = creer_instruit(
        structure=structure,
        volet=volet,
        financeurs=financeurs,
        intitule="Halte fluviale de la Scarpe",
        communes=[territoires["douai"], territoires["arras"]],
    )
    programmer(
        halte,
        par=secretariat,
        montants={financeurs["etat"]: Decimal("30000"), financeurs["region"]: Decimal("15000")},
    )
    autre = StructureFactory(
        raison_sociale='Association =HYPERLINK("http://exemple.fr")',
        commune=territoires["douai"],
        representant_nom="Paul Lefèvre",
        membres=[UserFactory(email="paul.lefevre@exemple.fr", roles=[Role.PORTEUR])],
    )
    mediatheque = creer_instruit(
        structure=autre,
        volet=volet,
        financeurs=financeurs,
        intitule="Médiathèque intercommunale",
        communes=[territoires["douai"]],
    )
    programmer(mediatheque, par=secretariat, montants={financeurs["etat"]: Decimal("8000")})
    en_attente = creer_instruit(
        structure=structure, volet=volet, financeurs=financeurs, intitule="Piste cyclable secrète"
    )
    brouillon = DossierFactory(structure=structure, intitule="Brouillon confidentiel")
    LigneFinancementFactory(dossier=brouillon, financeur=financeurs["etat"])
    depose = DossierFactory(depose=True, structure=structure, intitule="Dossier seulement déposé")
    return {
        "halte": halte,
        "mediatheque": mediatheque,
        "non_programmes": [en_attente, brouillon, depose],
    }
