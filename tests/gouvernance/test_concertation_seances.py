# ruff: noqa: F811 - fixtures imported from the concertation dashboard tests
"""The instance de concertation holds séances: its territory's dossiers, observations as minutes."""

from html import unescape

import pytest
from django.urls import reverse

from gouvernance.enums import EtatSeance, RoleMembre, TypeInstance
from gouvernance.models import Observation, Seance
from tests.factories import DossierFactory, PoleMetropolitainFactory, StructureFactory, UserFactory
from tests.factories.gouvernance import MembreInstanceFactory, SeanceFactory, instance

from .test_tableaux_concertation import mandat, territoires  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def animatrice(territoires):
    """The secretariat of the Côte d'Opale's concertation."""
    from cper.comptes.enums import Role

    user = UserFactory(first_name="Anne", last_name="Opale", roles=[Role.MEMBRE_CONCERTATION])
    MembreInstanceFactory(
        instance=instance(TypeInstance.CONCERTATION),
        user=user,
        role=RoleMembre.SECRETARIAT,
        pole=territoires["pole"],
    )
    return user


@pytest.fixture
def dossiers(territoires):
    a_boulogne = DossierFactory(
        en_instruction=True,
        intitule="Port de Boulogne",
        structure=StructureFactory(commune=territoires["boulogne"]),
    )
    a_lille = DossierFactory(
        en_instruction=True,
        intitule="Métro de Lille",
        structure=StructureFactory(commune=territoires["lille"]),
    )
    return a_boulogne, a_lille


def test_une_seance_de_concertation_consigne_ses_observations(
    client,
    animatrice,
    mandat,
    dossiers,
):
    a_boulogne, a_lille = dossiers
    client.force_login(animatrice)
    reponse = client.post(
        reverse("gouvernance:concertation_nouvelle_seance"),
        {"date": "2026-12-10T10:00", "lieu": "Sous-préfecture de Boulogne-sur-Mer"},
        follow=True,
    )
    page = unescape(reponse.text)
    assert "Port de Boulogne" in page and "Métro de Lille" not in page
    seance = Seance.objects.get(instance__type=TypeInstance.CONCERTATION)
    assert seance.pole == mandat.pole
    url = reverse("gouvernance:concertation_seance", args=[seance.pk])
    reponse = client.post(
        url,
        {"dossier": a_boulogne.pk, "texte": "Attendu par les communes du littoral."},
        follow=True,
    )
    assert "L'observation est consignée au compte rendu." in unescape(reponse.text)
    assert Observation.objects.get().seance == seance
    # A dossier of another territory is not the séance's.
    assert client.post(url, {"dossier": a_lille.pk, "texte": "Hors sujet."}).status_code == 404
    client.post(reverse("gouvernance:concertation_clore", args=[seance.pk]))
    seance.refresh_from_db()
    assert seance.etat == EtatSeance.CLOSE
    reponse = client.post(url, {"dossier": a_boulogne.pk, "texte": "Encore ?"}, follow=True)
    assert "Action déjà effectuée" in unescape(reponse.text)
    assert Observation.objects.count() == 1

    # A plain member of the territory reads the minutes, and writes nothing in them.
    client.force_login(mandat.user)
    page = unescape(client.get(url).text)
    assert "« Attendu par les communes du littoral. » (Anne Opale" in page
    assert "Consigner au compte rendu" not in page
    assert client.post(url, {"dossier": a_boulogne.pk, "texte": "Moi aussi"}).status_code == 403
    assert client.get(reverse("gouvernance:concertation_nouvelle_seance")).status_code == 403


def test_la_seance_d_un_autre_territoire_est_introuvable(client, mandat, animatrice):
    ailleurs = SeanceFactory(
        instance=instance(TypeInstance.CONCERTATION),
        pole=PoleMetropolitainFactory(nom="Pôle métropolitain de l'Artois"),
        etat=EtatSeance.CONVOQUEE,
    )
    client.force_login(mandat.user)
    assert (
        client.get(reverse("gouvernance:concertation_seance", args=[ailleurs.pk])).status_code
        == 404
    )
    page = unescape(client.get(reverse("gouvernance:concertation_seances")).text)
    assert "Aucune séance pour le moment." in page


@pytest.mark.parametrize("n", [2, 20])
def test_page_de_la_seance_de_concertation(
    client,
    django_assert_num_queries,
    animatrice,
    mandat,
    territoires,
    n,
):
    seance = SeanceFactory(
        instance=instance(TypeInstance.CONCERTATION),
        pole=territoires["pole"],
        etat=EtatSeance.CONVOQUEE,
    )
    structure = StructureFactory(commune=territoires["boulogne"])
    for _ in range(n):
        dossier = DossierFactory(en_instruction=True, structure=structure)
        Observation.objects.create(dossier=dossier, auteur=animatrice, texte="Oui.", seance=seance)
    client.force_login(animatrice)
    url = reverse("gouvernance:concertation_seance", args=[seance.pk])
    client.get(url)
    # 1 session, 2 user, 3 roles, 4 the member's seat, 5 the séance of their territory, 6 the
    # territory's dossiers under consideration, 7 the observations of the séance with their
    # authors.
    with django_assert_num_queries(7):
        reponse = client.get(url)
    assert reponse.text.count("« Oui. »") == n
