"""Exports are written by Celery: the page follows the file, which only its author may take."""

import os
import time

import pytest
from django.urls import reverse

from gouvernance.enums import EtatExport
from gouvernance.models import Export
from gouvernance.tasks import supprimer_exports_anciens
from tests.factories import UserFactory

from .exports_outils import telecharger
from .scenario_tableaux import contrat, scenario

URL_MAQUETTE_CSV = "/gouvernance/pilotage/export/maquette.csv"


@pytest.fixture
def pilote(client, membre_pilotage):
    client.force_login(membre_pilotage)
    return client


@pytest.mark.django_db
def test_la_page_suit_le_fichier_en_preparation(pilote):
    reponse = pilote.post(URL_MAQUETTE_CSV)  # the task waits for the commit, never reached here
    assert reponse.status_code == 302
    export = Export.objects.get()
    assert export.etat == EtatExport.EN_PREPARATION
    page = pilote.get(reponse.url)
    assert "Fichier en préparation" in page.text
    assert f'hx-get="{reverse("gouvernance:export", args=[export.pk])}"' in page.text
    # htmx asks again for the block alone, not the whole page.
    bloc = pilote.get(reponse.url, headers={"HX-Request": "true"})
    assert "Fichier en préparation" in bloc.text and "<html" not in bloc.text
    fichier = reverse("gouvernance:export_fichier", args=[export.pk])
    assert pilote.get(fichier).status_code == 404


@pytest.mark.django_db
def test_un_autre_membre_ne_voit_pas_l_export(client, pilote, membre_pilotage):
    contrat()
    telecharger(pilote, URL_MAQUETTE_CSV)
    export = Export.objects.get()
    autre = UserFactory(email="autre.pilote@exemple.fr", roles=["membre_pilotage"])
    client.force_login(autre)
    assert client.get(reverse("gouvernance:export", args=[export.pk])).status_code == 404
    assert client.get(reverse("gouvernance:export_fichier", args=[export.pk])).status_code == 404


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_un_vrai_worker_ecrit_l_export(client, membre_pilotage, envoi_au_worker):
    scenario(contrat())
    client.force_login(membre_pilotage)
    reponse = client.post(URL_MAQUETTE_CSV)
    export = Export.objects.get()
    limite = time.monotonic() + 30
    while time.monotonic() < limite:
        export.refresh_from_db()
        if export.etat != EtatExport.EN_PREPARATION:
            break
        time.sleep(0.2)
    else:
        pytest.fail("Le worker n'a pas écrit l'export en 30 secondes.")
    assert export.etat == EtatExport.PRET
    assert "Fichier prêt" in client.get(reponse.url).text
    fichier = client.get(reverse("gouvernance:export_fichier", args=[export.pk]))
    texte = fichier.getvalue().decode("utf-8-sig")
    assert texte.startswith("Volet;Signataire;Enveloppe (€)")
    assert "1100000,00" in texte  # the État's programmed amount on the first volet


@pytest.mark.django_db
def test_les_exports_de_plus_de_sept_jours_sont_supprimes(pilote, time_machine):
    contrat()
    time_machine.move_to("2026-11-01 10:00")
    telecharger(pilote, URL_MAQUETTE_CSV)
    ancien = Export.objects.get()
    chemin = ancien.fichier.path
    time_machine.move_to("2026-11-07 10:00")
    telecharger(pilote, URL_MAQUETTE_CSV)
    time_machine.move_to("2026-11-08 11:00")
    assert supprimer_exports_anciens() == 1
    assert list(Export.objects.values_list("created_at__day", flat=True)) == [7]
    assert not os.path.exists(chemin)
