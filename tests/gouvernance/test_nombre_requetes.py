"""The séance and simulation pages run a fixed number of queries, whatever the agenda's length."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from gouvernance.enums import EtatSeance
from gouvernance.models import Deport, MontantSimule, PointOrdreDuJour, Presence
from instruction.enums import SensAvis
from instruction.models import AvisCofinanceur, DemandeArbitrage
from tests.factories import EnveloppeFactory, FinanceurFactory, StructureFactory, UserFactory
from tests.factories.gouvernance import ObservationFactory

from .conftest import creer_instruit


def _agenda(seance, n, *, volet, financeurs):
    """n items, each with every kind of row the page reads: observation, co-financer's avis,
    arbitration asked for, a member who withdrew; and as many members present."""
    structure = StructureFactory()
    cofinanceur = FinanceurFactory()
    for i in range(n):
        dossier = creer_instruit(structure=structure, volet=volet, financeurs=financeurs)
        ObservationFactory(dossier=dossier)
        point = PointOrdreDuJour.objects.create(seance=seance, dossier=dossier, ordre=i + 1)
        MontantSimule.objects.create(point=point, financeur=financeurs["etat"], montant=1000)
        membre = UserFactory()
        AvisCofinanceur.objects.create(
            dossier=dossier,
            financeur=cofinanceur,
            sens=SensAvis.FAVORABLE,
            motivation="Projet utile.",
            montant=Decimal(1500),
            donne_par=membre,
        )
        DemandeArbitrage.objects.create(dossier=dossier, motif="Écart.", demandee_par=membre)
        Deport.objects.create(point=point, user=membre, motif="Intérêt personnel.")
        Presence.objects.create(seance=seance, user=membre, qualite="Membre")
    for financeur in financeurs.values():
        EnveloppeFactory(volet=volet, financeur=financeur)


@pytest.mark.parametrize("etat", [EtatSeance.PREPARATION, EtatSeance.CONVOQUEE])
@pytest.mark.parametrize("n", [5, 50])
def test_page_de_la_seance(
    client, django_assert_num_queries, secretariat, seance, volet, financeurs, etat, n
):
    _agenda(seance, n, volet=volet, financeurs=financeurs)
    seance.etat = etat
    if etat == EtatSeance.CONVOQUEE:
        seance.presences_le = timezone.now()
    seance.save()
    client.force_login(secretariat)
    url = reverse("gouvernance:seance", args=[seance.pk])
    client.get(url)  # warms the per-process caches
    # 1 session, 2 user, 3 the application that verified the session (second factor) with
    # the user's roles, 4 the séance with its présidence, whether the user is its
    # secretariat, the number of voting members, its items' ids and dossiers, the interests
    # its members declared and the volets (of the search form), 5 the items with dossier,
    # structure, volet and decision, and in the same rows their communes, avis, co-financers'
    # avis, observations, amounts programmed, withdrawals, arbitrations asked for and the
    # members of the body who belong to the dossier's structure, 6 the plan comparé (amounts
    # requested and proposed); in preparation, 7 the dossiers on the agenda with at most 25
    # other instruit dossiers to choose from (5-7 sent in one round trip:
    # cper.requetes.ensemble); once convoked, 7 attendance.
    with django_assert_num_queries(7):
        reponse = client.get(url)
    assert reponse.status_code == 200
    assert reponse.text.count('id="point-') == n
    # What the folded reads bring, on every item.
    assert reponse.text.count("(cofinanceur)") == n
    assert reponse.text.count("montant envisagé 1\u202f500,00") == n
    assert reponse.text.count("<strong>Arbitrage demandé</strong>") == n
    assert reponse.text.count("s'est retiré(e) de cette décision (Intérêt personnel.)") == n
    assert reponse.text.count("Aucune observation.") == 0
    commune = seance.points.first().dossier.communes.select_related("departement").get()
    assert reponse.text.count(f"{commune}\n({commune.departement.nom})") == n


@pytest.mark.parametrize("n", [5, 50])
def test_page_de_simulation(
    client, django_assert_num_queries, secretariat, seance, volet, financeurs, n
):
    _agenda(seance, n, volet=volet, financeurs=financeurs)
    client.force_login(secretariat)
    url = reverse("gouvernance:simulation", args=[seance.pk])
    client.get(url)
    # 1 session, 2 user, 3 the application that verified the session with the user's roles,
    # 4 the séance with its items' ids and dossiers and its members' declared interests (and
    # the volets), 5-6 the agenda (as on the séance page, in one round trip), 7 simulated
    # amounts, 8 the envelopes with programmed and simulated sums.
    with django_assert_num_queries(8):
        reponse = client.get(url)
    assert reponse.status_code == 200
    assert reponse.text.count('name="simule_') == 2 * n


@pytest.mark.parametrize("n", [5, 50])
def test_liste_des_seances(client, django_assert_num_queries, secretariat, pilotage, n):
    from tests.factories.gouvernance import SeanceFactory

    SeanceFactory.create_batch(n, instance=pilotage, creee_par=secretariat)
    client.force_login(secretariat)
    client.get(reverse("gouvernance:seances"))
    # 1 session, 2 user, 3 the application that verified the session with the user's roles,
    # 4 secretariat membership, 5 séances with their counts.
    with django_assert_num_queries(5):
        client.get(reverse("gouvernance:seances"))
