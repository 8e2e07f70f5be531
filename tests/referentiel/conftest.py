import pytest

from cper.referentiel.services import (
    FICHIER_REFERENTIEL,
    FICHIER_TERRITOIRES,
    charger_referentiel,
    importer_territoires,
    lire_json,
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
    return importer_territoires(donnees=donnees_territoires)


@pytest.fixture
def referentiel(territoires, donnees_referentiel):
    return charger_referentiel(donnees=donnees_referentiel)
