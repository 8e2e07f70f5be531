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
    # 1 session, 2 user, 3 the application that verified the session (second factor), 4 roles,
    # 5 the séance with its présidence and whether the user is its secretariat, 6 items with
    # dossier, structure, volet and decision, 7 communes with département and EPCI, 8 the plan
    # comparé (amounts requested and proposed), 9 avis, 10 observations with their authors,
    # 11 amounts programmed, 12-13 members with an interest (memberships of the structures,
    # declared interests), 14 withdrawals, 15 the co-financers' avis, 16 arbitrations asked
    # for, 17 attendance, 18 voting members, 19 unread notifications; in preparation, 20 the
    # volets of the search form and 21 the dossiers on the agenda with at most 50 other
    # instruit dossiers to choose from.
    with django_assert_num_queries(21 if etat == EtatSeance.PREPARATION else 19):
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
    # 1 session, 2 user, 3 the application that verified the session, 4 roles, 5 the séance,
    # 6-16 the agenda (as on the séance page), 17 simulated amounts, 18 the envelopes with
    # programmed and simulated sums, 19 notifications.
    with django_assert_num_queries(19):
        reponse = client.get(url)
    assert reponse.status_code == 200
    assert reponse.text.count('name="simule_') == 2 * n


@pytest.mark.parametrize("n", [5, 50])
def test_liste_des_seances(client, django_assert_num_queries, secretariat, pilotage, n):
    from tests.factories.gouvernance import SeanceFactory

    SeanceFactory.create_batch(n, instance=pilotage, creee_par=secretariat)
    client.force_login(secretariat)
    client.get(reverse("gouvernance:seances"))
    # 1 session, 2 user, 3 the application that verified the session, 4 roles, 5 secretariat
    # membership, 6 séances with their counts, 7 unread notifications.
    with django_assert_num_queries(7):
        client.get(reverse("gouvernance:seances"))
