import pytest

from cper.referentiel.services import (
    FICHIER_REFERENTIEL,
    FICHIER_TERRITOIRES,
    lire_json,
    referentiel_charger,
    territoires_importer,
)


@pytest.fixture
def donnees_territoires():
    """A fresh copy of the committed extract, free to alter in a test."""
    return lire_json(FICHIER_TERRITOIRES)


@pytest.fixture
def donnees_referentiel():
    return lire_json(FICHIER_REFERENTIEL)


@pytest.fixture
def territoires(db, donnees_territoires):
    return territoires_importer(donnees=donnees_territoires)


@pytest.fixture
def referentiel(territoires, donnees_referentiel):
    return referentiel_charger(donnees=donnees_referentiel)
