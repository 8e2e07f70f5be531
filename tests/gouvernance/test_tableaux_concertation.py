"""A member of the concertation instance sees their territory only, without personal data."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dossiers.enums import EtatDossier
from gouvernance.enums import TypeInstance
from gouvernance.models import Observation
from tests.factories import (
    ArrondissementFactory,
    CommuneFactory,
    DepartementFactory,
    DossierFactory,
    EpciFactory,
    PoleMetropolitainFactory,
    StructureFactory,
    UserFactory,
)
from tests.factories.gouvernance import MembreInstanceFactory, instance

from .exports_outils import telecharger
from .scenario_tableaux import contrat, dossier, programmer

pytestmark = pytest.mark.django_db


@pytest.fixture
def territoires():
    pdc = DepartementFactory(code="62", nom="Pas-de-Calais")
    boulonnais = EpciFactory(nom="CA du Boulonnais")
    mel = EpciFactory(nom="Métropole Européenne de Lille")
    pole = PoleMetropolitainFactory(membres=[boulonnais])
    boulogne = CommuneFactory(
        code_insee="62160",
        nom="Boulogne-sur-Mer",
        arrondissement=ArrondissementFactory(code="621", nom="Boulogne-sur-Mer", departement=pdc),
        epci=boulonnais,
    )
    lille = CommuneFactory(
        code_insee="59350",
        nom="Lille",
        arrondissement=ArrondissementFactory(code="594", nom="Lille"),
        epci=mel,
    )
    return {"pole": pole, "boulogne": boulogne, "lille": lille, "pdc": pdc, "mel": mel}


@pytest.fixture
def mandat(membre_concertation_opale, territoires):
    return MembreInstanceFactory(
        instance=instance(TypeInstance.CONCERTATION),
        user=membre_concertation_opale,
        pole=territoires["pole"],
    )


@pytest.fixture
def dossiers(territoires):
    c = contrat()
    porteur_boulogne = UserFactory(email="maire.boulogne@exemple.fr")
    structure_boulogne = StructureFactory(
        raison_sociale="Commune de Boulogne-sur-Mer",
        commune=territoires["boulogne"],
        representant_nom="Jeanne Représentante",
        membres=[porteur_boulogne],
    )
    boulogne = dossier(
        "programme",
        c.v1,
        {c.etat: 400, c.region: 200, c.autofinancement: 150},
        structure=structure_boulogne,
        cree_par=porteur_boulogne,
        intitule="Pôle d'échanges de la gare de Boulogne-Ville",
    )
    programmer(boulogne, {c.etat: 321, c.region: 200})
    brouillon = dossier(
        "brouillon",
        c.v1,
        {c.etat: 10},
        structure=structure_boulogne,
        intitule="Brouillon confidentiel de Boulogne",
    )
    lille = dossier(
        "en_instruction",
        c.v1,
        {c.etat: 777, c.autofinancement: 100},
        structure=StructureFactory(raison_sociale="Ville de Lille", commune=territoires["lille"]),
        intitule="Tramway de la métropole lilloise",
    )
    return {
        "boulogne": boulogne,
        "brouillon": brouillon,
        "lille": lille,
        "porteur": porteur_boulogne,
    }


def test_le_membre_voit_les_dossiers_de_son_territoire_seulement(client, mandat, dossiers):
    client.force_login(mandat.user)
    html = client.get(reverse("gouvernance:territoire")).content.decode()
    assert "Pôle métropolitain de la Côte d&#x27;Opale" in html
    assert "Pôle d&#x27;échanges de la gare de Boulogne-Ville" in html
    assert "Commune de Boulogne-sur-Mer" in html
    assert "521\u202f000,00\u00a0€" in html  # programmed for the signatories
    assert "Tramway de la métropole lilloise" not in html
    assert "777\u202f000" not in html  # no figure from outside the territory
    assert "Brouillon confidentiel" not in html


def test_aucune_donnee_personnelle_des_porteurs(client, mandat, dossiers):
    client.force_login(mandat.user)
    contenus = [
        client.get(reverse("gouvernance:territoire")).text,
        client.get(reverse("gouvernance:territoire_dossier", args=[dossiers["boulogne"].pk])).text,
        telecharger(
            client, reverse("gouvernance:territoire_export", args=["dossiers", "csv"])
        ).content_lu.decode("utf-8-sig"),
    ]
    for contenu in contenus:
        assert "maire.boulogne@exemple.fr" not in contenu
        assert "Jeanne Représentante" not in contenu
        assert dossiers["porteur"].last_name not in contenu
        assert "03 20 00 00 00" not in contenu  # the guichet's phone


def test_dossier_hors_territoire_404(client, mandat, dossiers):
    client.force_login(mandat.user)
    for hors in (dossiers["lille"], dossiers["brouillon"]):
        url = reverse("gouvernance:territoire_dossier", args=[hors.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"texte": "Hors territoire"}).status_code == 404
    assert not Observation.objects.exists()


def test_observation_postee_puis_visible(client, mandat, dossiers):
    client.force_login(mandat.user)
    url = reverse("gouvernance:territoire_dossier", args=[dossiers["boulogne"].pk])
    reponse = client.post(url, {"texte": "Les communes voisines soutiennent ce projet."})
    assert reponse.status_code == 302 and reponse.url == url
    html = client.get(url).content.decode()
    assert "Les communes voisines soutiennent ce projet." in html
    assert "Votre observation est enregistrée." in html
    observation = Observation.objects.get()
    assert observation.auteur == mandat.user and observation.dossier == dossiers["boulogne"]


def test_observation_exige_le_jeton_csrf(mandat, dossiers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(mandat.user)
    url = reverse("gouvernance:territoire_dossier", args=[dossiers["boulogne"].pk])
    assert client.post(url, {"texte": "Sans jeton"}).status_code == 403
    assert not Observation.objects.exists()


def test_un_membre_d_un_epci_ou_d_un_departement(client, territoires, dossiers):
    user = UserFactory(roles=["membre_concertation"])
    mandat = MembreInstanceFactory(
        instance=instance(TypeInstance.CONCERTATION), user=user, epci=territoires["mel"]
    )
    client.force_login(user)
    html = client.get(reverse("gouvernance:territoire")).content.decode()
    assert "Tramway de la métropole lilloise" in html
    assert "Boulogne-Ville" not in html
    mandat.epci, mandat.departement = None, territoires["pdc"]
    mandat.save()
    html = client.get(reverse("gouvernance:territoire")).content.decode()
    assert "Boulogne-Ville" in html and "Tramway" not in html


def test_membre_sans_territoire(client, membre_concertation_opale, dossiers):
    client.force_login(membre_concertation_opale)
    reponse = client.get(reverse("gouvernance:territoire"))
    assert reponse.status_code == 200
    assert "Aucun territoire ne vous est encore rattaché" in reponse.content.decode()
    assert "Boulogne-Ville" not in reponse.content.decode()
    url = reverse("gouvernance:territoire_dossier", args=[dossiers["boulogne"].pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "persona", ["porteur", "agent_sp_douai", "instructeur_etat", "membre_pilotage", "inconnu"]
)
def test_les_autres_roles_n_entrent_pas(client, request, persona, dossiers):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("gouvernance:territoire")).status_code == 403
    url = reverse("gouvernance:territoire_dossier", args=[dossiers["boulogne"].pk])
    assert client.get(url).status_code == 403
    url = reverse("gouvernance:territoire_export", args=["dossiers", "csv"])
    assert client.post(url).status_code == 403


@pytest.mark.parametrize(
    "persona",
    ["porteur", "agent_sp_douai", "instructeur_etat", "membre_concertation_opale", "inconnu"],
)
def test_le_tableau_de_pilotage_est_reserve(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("gouvernance:pilotage")).status_code == 403
    url = reverse("gouvernance:pilotage_export", args=["maquette", "csv"])
    assert client.post(url).status_code == 403


def test_l_index_oriente_chaque_instance(client, membre_pilotage, mandat):
    client.force_login(membre_pilotage)
    assert client.get(reverse("gouvernance:index")).url == reverse("gouvernance:pilotage")
    client.force_login(mandat.user)
    assert client.get(reverse("gouvernance:index")).url == reverse("gouvernance:territoire")


def test_un_brouillon_retire_sans_depot_n_apparait_pas(client, mandat, dossiers, territoires):
    retire = DossierFactory(
        etat=EtatDossier.RETIRE,
        intitule="Brouillon abandonné de Boulogne",
        structure=dossiers["boulogne"].structure,
    )
    client.force_login(mandat.user)
    assert "Brouillon abandonné" not in client.get(reverse("gouvernance:territoire")).text
    url = reverse("gouvernance:territoire_dossier", args=[retire.pk])
    assert client.get(url).status_code == 404


def test_export_des_dossiers_du_territoire(client, mandat, dossiers):
    client.force_login(mandat.user)
    reponse = telecharger(
        client, reverse("gouvernance:territoire_export", args=["dossiers", "csv"])
    )
    lignes = list(csv.reader(io.StringIO(reponse.content_lu.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == [
        "Numéro",
        "Intitulé",
        "Structure porteuse",
        "Volet",
        "Communes",
        "État",
        "Demandé aux signataires (€)",
        "Programmé (€)",
        "Mandaté (€)",
    ]
    assert lignes[1:] == [
        [
            dossiers["boulogne"].numero,
            "Pôle d'échanges de la gare de Boulogne-Ville",
            "Commune de Boulogne-sur-Mer",
            "1. Mobilité multimodale",
            "Boulogne-sur-Mer",
            "Programmé",
            "600000,00",
            "521000,00",
            "0,00",
        ]
    ]
    reponse = telecharger(
        client, reverse("gouvernance:territoire_export", args=["dossiers", "xlsx"])
    )
    feuille = load_workbook(io.BytesIO(reponse.content_lu)).active
    assert [c.value for c in feuille[2]][-3:] == [600000, 521000, 0]


def test_l_export_du_territoire_garde_les_filtres_de_la_page(client, mandat, dossiers):
    client.force_login(mandat.user)
    url = reverse("gouvernance:territoire_export", args=["dossiers", "csv"])
    for filtre, attendu in (("programme", 1), ("rejete", 0)):
        fichier = telecharger(client, f"{url}?etat={filtre}")
        lignes = list(
            csv.reader(io.StringIO(fichier.content_lu.decode("utf-8-sig")), delimiter=";")
        )
        assert len(lignes) - 1 == attendu, filtre
