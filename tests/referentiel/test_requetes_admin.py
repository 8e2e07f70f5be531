"""Admin lists of the référentiel run a fixed number of queries, whatever the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cper.referentiel.services import referentiel_charger, territoires_importer
from tests.factories import CommuneFactory, EnveloppeFactory, FinanceurFactory, GuichetFactory

LISTES = ["commune", "epci", "arrondissement", "guichet", "financeur", "volet", "enveloppe"]


def _requetes(client, url):
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url)
    assert reponse.status_code == 200
    return len(requetes)


@pytest.fixture
def petit_referentiel(db):
    """A handful of rows of each kind, built by factories."""
    commune = CommuneFactory()
    GuichetFactory(arrondissement=commune.arrondissement)
    GuichetFactory(conseil_regional=True)
    EnveloppeFactory(financeur=FinanceurFactory())
    EnveloppeFactory(financeur=FinanceurFactory(region=True))


@pytest.mark.parametrize("modele", LISTES)
def test_meme_nombre_de_requetes_sur_le_petit_et_le_vrai_referentiel(
    client, administrateur, petit_referentiel, donnees_territoires, donnees_referentiel, modele
):
    client.force_login(administrateur)
    url = reverse(f"admin:referentiel_{modele}_changelist")
    client.get(url)  # warm the session and the content types cache
    petit = _requetes(client, url)

    territoires_importer(donnees=donnees_territoires)
    referentiel_charger(donnees=donnees_referentiel)
    grand = _requetes(client, url)

    # Session, user, count, page of rows with its joins and annotations, filter choices:
    # none of them depends on the number of rows shown.
    assert grand == petit
    assert grand <= 15


def test_la_matrice_en_nombre_fixe_de_requetes(
    client, administrateur, petit_referentiel, donnees_territoires, donnees_referentiel
):
    client.force_login(administrateur)
    url = reverse("admin:referentiel_enveloppe_matrice")
    client.get(url)
    petit = _requetes(client, url)
    territoires_importer(donnees=donnees_territoires)
    referentiel_charger(donnees=donnees_referentiel)
    # Session, user, then the five queries of matrice_enveloppes().
    assert _requetes(client, url) == petit <= 9
