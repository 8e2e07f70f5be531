"""The public page and its files: open to anyone, no database query, cached by the crowd."""

from html import unescape

import pytest
from django.urls import reverse

from donnees_ouvertes import publication

pytestmark = pytest.mark.django_db

URL = reverse("donnees_ouvertes:index")


@pytest.fixture
def resume(projets):
    return publication.publier()


def test_un_visiteur_voit_les_projets_programmes_sans_requete(
    client, resume, django_assert_num_queries
):
    with django_assert_num_queries(0):  # the page reads the summary file, not the database
        reponse = client.get(URL)
    assert reponse.status_code == 200
    html = unescape(reponse.text)
    assert html.count("<h1") == 1
    assert "Données ouvertes : projets programmés" in html
    assert "2 projets programmés" in html
    assert "53\u202f000,00\u00a0€" in html
    assert "Licence Ouverte / Open Licence version 2.0" in html
    # Each breakdown: a chart, then the table of its numbers.
    for titre in ("Par volet du contrat", "Par département", "Par EPCI", "Par commune"):
        assert titre in html
    assert html.count("<svg") == 4
    assert html.count("<table") == 4
    assert "Pas-de-Calais" in html and "Communauté urbaine d'Arras" in html
    assert "Piste cyclable secrète" not in html
    # The downloads link the hashed files.
    assert reverse("donnees_ouvertes:fichier", args=[resume["fichiers"]["csv"]["nom"]]) in html
    assert reverse("donnees_ouvertes:fichier", args=["schema.json"]) in html


def test_avant_la_premiere_publication_la_page_le_dit(client, db):
    reponse = client.get(URL)
    assert reponse.status_code == 200
    assert "pas encore été publiées" in unescape(reponse.text)


def test_le_pied_de_page_mene_aux_donnees_ouvertes(client, db):
    assert URL in client.get(reverse("accessibilite")).text


def test_un_fichier_date_se_garde_un_an_et_le_fichier_courant_se_revalide(
    client, resume, django_assert_num_queries
):
    versionne = reverse("donnees_ouvertes:fichier", args=[resume["fichiers"]["csv"]["nom"]])
    with django_assert_num_queries(0):
        reponse = client.get(versionne)
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Cache-Control"] == "public, max-age=31536000, immutable"
    assert reponse["Access-Control-Allow-Origin"] == "*"
    assert b"".join(reponse.streaming_content).startswith(b"numero_dossier,")
    courant = client.get(reverse("donnees_ouvertes:fichier", args=["projets-programmes.json"]))
    assert courant["Cache-Control"] == "public, max-age=3600"
    assert courant["Content-Type"] == "application/json"
    # A cache that kept its copy checks it with the ETag: nothing is sent again.
    revalide = client.get(
        reverse("donnees_ouvertes:fichier", args=["projets-programmes.json"]),
        headers={"If-None-Match": courant["ETag"]},
    )
    assert revalide.status_code == 304


def test_une_personne_connectee_recoit_une_reponse_privee(client, resume, porteur):
    client.force_login(porteur)
    reponse = client.get(reverse("donnees_ouvertes:fichier", args=["projets-programmes.csv"]))
    assert reponse.status_code == 200
    assert "no-store" in reponse["Cache-Control"] and "public" not in reponse["Cache-Control"]


@pytest.mark.parametrize(
    "nom",
    ["resume.txt", "..", ".projets-programmes.csv.tmp", "inconnu.csv", "%2e%2e%2fsecret.json"],
)
def test_seuls_les_fichiers_publies_sont_servis(client, resume, nom):
    assert client.get(f"/donnees-ouvertes/fichiers/{nom}").status_code == 404


def test_on_ne_peut_pas_remonter_hors_du_repertoire_public(client, resume, settings):
    (settings.DONNEES_OUVERTES_ROOT.parent / "secret.json").write_text("{}")
    for chemin in (
        "/donnees-ouvertes/fichiers/../secret.json",
        "/donnees-ouvertes/fichiers/..%2Fsecret.json",
    ):
        assert client.get(chemin).status_code == 404
