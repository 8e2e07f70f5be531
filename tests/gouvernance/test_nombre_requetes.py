"""The séance and simulation pages run a fixed number of queries, whatever the agenda's length."""

import pytest
from django.urls import reverse

from gouvernance.enums import EtatSeance
from gouvernance.models import MontantSimule, PointOrdreDuJour
from tests.factories import EnveloppeFactory, StructureFactory
from tests.factories.gouvernance import ObservationFactory

from .conftest import creer_instruit


def _agenda(seance, n, *, volet, financeurs):
    structure = StructureFactory()
    for i in range(n):
        dossier = creer_instruit(structure=structure, volet=volet, financeurs=financeurs)
        ObservationFactory(dossier=dossier)
        point = PointOrdreDuJour.objects.create(seance=seance, dossier=dossier, ordre=i + 1)
        MontantSimule.objects.create(point=point, financeur=financeurs["etat"], montant=1000)
    for financeur in financeurs.values():
        EnveloppeFactory(volet=volet, financeur=financeur)


@pytest.mark.parametrize("etat", [EtatSeance.PREPARATION, EtatSeance.CONVOQUEE])
@pytest.mark.parametrize("n", [5, 50])
def test_page_de_la_seance(
    client, django_assert_num_queries, secretariat, seance, volet, financeurs, etat, n
):
    _agenda(seance, n, volet=volet, financeurs=financeurs)
    seance.etat = etat
    seance.save()
    client.force_login(secretariat)
    url = reverse("gouvernance:seance", args=[seance.pk])
    client.get(url)  # warms the per-process caches
    # 1 session, 2 user, 3 roles, 4 the séance with whether the user is its secretariat,
    # 5 items with dossier, structure, volet and decision, 6 communes with département and EPCI,
    # 7 the plan comparé (amounts requested and proposed), 8 avis, 9 observations with their
    # authors, 10 amounts programmed, 11 members in conflict, 12 unread notifications;
    # in preparation, 13 the volets of the search form and 14 the dossiers on the agenda with
    # at most 50 other instruit dossiers to choose from.
    with django_assert_num_queries(14 if etat == EtatSeance.PREPARATION else 12):
        reponse = client.get(url)
    assert reponse.status_code == 200
    assert reponse.text.count('id="point-') == n


@pytest.mark.parametrize("n", [5, 50])
def test_page_de_simulation(
    client, django_assert_num_queries, secretariat, seance, volet, financeurs, n
):
    _agenda(seance, n, volet=volet, financeurs=financeurs)
    client.force_login(secretariat)
    url = reverse("gouvernance:simulation", args=[seance.pk])
    client.get(url)
    # 1 session, 2 user, 3 roles, 4 the séance, 5-11 the agenda (as on the séance page),
    # 12 simulated amounts, 13 the envelopes with programmed and simulated sums, 14 notifications.
    with django_assert_num_queries(14):
        reponse = client.get(url)
    assert reponse.status_code == 200
    assert reponse.text.count('name="simule_') == 2 * n


@pytest.mark.parametrize("n", [5, 50])
def test_liste_des_seances(client, django_assert_num_queries, secretariat, pilotage, n):
    from tests.factories.gouvernance import SeanceFactory

    SeanceFactory.create_batch(n, instance=pilotage, creee_par=secretariat)
    client.force_login(secretariat)
    client.get(reverse("gouvernance:seances"))
    # 1 session, 2 user, 3 roles, 4 secretariat membership, 5 séances with their counts,
    # 6 unread notifications.
    with django_assert_num_queries(6):
        client.get(reverse("gouvernance:seances"))
