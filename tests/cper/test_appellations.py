"""Titles follow the date: Nord–Pas-de-Calais before 2016, Hauts-de-France after the merger."""

import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cper.appellations import au, dater
from dossiers.documents import rendre_recepisse
from gouvernance.documents import cosignataires
from tests.factories import DossierFactory, GuichetFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("jour", "prefet", "president"),
    [
        (
            datetime.date(2015, 7, 10),
            "Le préfet de la région Nord–Pas-de-Calais, préfet du Nord",
            "Le président du Conseil régional du Nord–Pas-de-Calais",
        ),
        (
            datetime.date(2016, 3, 1),  # the provisional name of the merged region
            "Le préfet de la région Nord–Pas-de-Calais–Picardie, préfet du Nord",
            "Le président du Conseil régional du Nord–Pas-de-Calais–Picardie",
        ),
        (
            datetime.date(2017, 1, 1),
            "Le préfet de la région Hauts-de-France, préfet du Nord",
            "Le président du Conseil régional des Hauts-de-France",
        ),
    ],
)
def test_les_titres_du_jour(jour, prefet, president):
    assert au(jour).prefet == prefet
    assert au(jour).president == president
    assert cosignataires(jour) == [prefet, president]


def test_un_titre_saisi_aujourd_hui_se_lit_a_la_date_de_l_acte():
    autorite = "Le président du Conseil régional des Hauts-de-France"
    assert dater(autorite, datetime.date(2015, 12, 31)) == (
        "Le président du Conseil régional du Nord–Pas-de-Calais"
    )
    assert dater("Conseil régional Hauts-de-France", datetime.date(2015, 9, 1)) == (
        "Conseil régional Nord–Pas-de-Calais"
    )
    # A moment late on 31 December 2015 in Paris is still 2015.
    veille = datetime.datetime(2015, 12, 31, 23, 30, tzinfo=PARIS)
    assert dater(autorite, veille).endswith("du Nord–Pas-de-Calais")
    assert dater(autorite, datetime.date(2020, 5, 4)) == autorite


@pytest.mark.django_db
def test_l_en_tete_des_pages_porte_le_titre_du_jour(client):
    html = client.get(reverse("accueil")).text
    assert "Préfet<br>de la région<br>Hauts-de-France" in html


@pytest.mark.django_db
def test_le_recepisse_de_2015_porte_les_titres_de_2015(structure, porteur):
    guichet = GuichetFactory(code="cr", nom="Conseil régional Hauts-de-France")
    dossier = DossierFactory(
        depose=True,
        structure=structure,
        cree_par=porteur,
        guichet=guichet,
        depose_le=datetime.datetime(2015, 10, 5, 10, tzinfo=PARIS),
    )
    texte = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(rendre_recepisse(dossier.pk))).pages
        ).split()
    )
    assert "PRÉFET DE LA RÉGION NORD–PAS-DE-CALAIS" in texte
    assert "HAUTS-DE-FRANCE" not in texte
    assert "Conseil régional Nord–Pas-de-Calais" in texte
    assert "Hauts-de-France" not in texte
