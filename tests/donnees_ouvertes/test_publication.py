"""Open data: the files read back against their Table Schema, public fields only."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from frictionless import Dialect, Schema, formats, validate
from frictionless.resources import TableResource

from cper.tableurs import DEBUTS_DE_FORMULE
from donnees_ouvertes import publication
from donnees_ouvertes.selectors import projets_programmes
from donnees_ouvertes.tasks import publier as tache_publier
from dossiers.models import Dossier

pytestmark = pytest.mark.django_db

SCHEMA = publication.SCHEMA
COURRIEL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
# A French phone number standing alone (not ten digits inside a SIRET or a hash).
TELEPHONE = re.compile(r"(?<![\w+])(?:\+33 ?|0)[1-9](?:[ .-]?\d{2}){4}(?!\w)")


def _valider(chemin, **options):
    """The frictionless report of one file against docs/opendata/schema.json."""
    ressource = TableResource(
        path=chemin.name,
        basepath=str(chemin.parent),
        schema=Schema.from_descriptor(json.loads(SCHEMA.read_text())),
        **options,
    )
    rapport = validate(ressource)
    assert rapport.valid, rapport.flatten(["rowNumber", "fieldName", "type", "note"])
    return rapport


@pytest.fixture
def publies(projets, settings):
    resume = publication.publier()
    return settings.DONNEES_OUVERTES_ROOT, resume


def _lignes_csv(dossier):
    with (dossier / "projets-programmes.csv").open(encoding="utf-8", newline="") as fichier:
        return list(csv.DictReader(fichier))


def test_le_csv_et_le_json_respectent_le_schema(publies):
    dossier, _ = publies
    assert _valider(dossier / "projets-programmes.csv").task.stats["rows"] == 3
    rapport = _valider(
        dossier / "projets-programmes.json",
        dialect=Dialect(controls=[formats.JsonControl(keyed=True, property="projets")]),
    )
    assert rapport.task.stats["rows"] == 3
    # The description of both files validates too (licence, schema, rows).
    rapport = validate(str(dossier / "datapackage.json"))
    assert rapport.valid and rapport.stats["tasks"] == 2
    # The header of the CSV is the schema's fields, in its order.
    schema = json.loads(SCHEMA.read_text())
    entete = (dossier / "projets-programmes.csv").read_text().splitlines()[0]
    assert entete.split(",") == [champ["name"] for champ in schema["fields"]]


def test_une_ligne_par_montant_programme(publies, projets, financeurs):
    dossier, resume = publies
    lignes = _lignes_csv(dossier)
    halte, mediatheque = projets["halte"], projets["mediatheque"]
    assert [
        (ligne["numero_dossier"], ligne["financeur_nom"], ligne["montant_programme"])
        for ligne in lignes
    ] == [
        (halte.numero, "État", "30000.00"),
        (halte.numero, "Conseil régional", "15000.00"),
        (mediatheque.numero, "État", "8000.00"),
    ]
    premiere = lignes[0]
    assert premiere["intitule"] == "Halte fluviale de la Scarpe"
    assert premiere["structure_raison_sociale"] == "Commune de Douai"
    assert premiere["structure_siret"] == halte.structure.siret
    assert premiere["communes_codes_insee"] == "59178|62041"
    assert premiere["communes_noms"] == "Douai|Arras"
    assert premiere["epci_noms"] == "Douaisis Agglo|Communauté urbaine d'Arras"
    assert premiere["departements_codes"] == "59|62"
    assert premiere["montant_total_programme"] == "45000.00"
    assert premiere["volet_intitule"] == "Mobilité multimodale"
    # The JSON holds the same lines, amounts as numbers.
    contenu = json.loads((dossier / "projets-programmes.json").read_text(), parse_float=Decimal)
    assert [p["montant_programme"] for p in contenu["projets"]] == [
        Decimal("30000.00"),
        Decimal("15000.00"),
        Decimal("8000.00"),
    ]
    assert resume["projets"] == 2 and resume["lignes"] == 3
    assert resume["montant"] == Decimal("53000.00")


def test_aucune_donnee_personnelle_ni_projet_non_programme(publies, projets, porteur):
    dossier, _ = publies
    for nom in ("projets-programmes.csv", "projets-programmes.json", "resume.json"):
        texte = (dossier / nom).read_text()
        assert not COURRIEL.search(texte), nom
        assert not TELEPHONE.search(texte), nom
        for personne in ("Jeanne", "Martin", "Marie Dupont", "Paul Lefèvre", porteur.email):
            assert personne not in texte, (nom, personne)
        for non_programme in projets["non_programmes"]:
            assert non_programme.intitule not in texte, (nom, non_programme.intitule)
            if non_programme.numero:
                assert non_programme.numero not in texte, (nom, non_programme.numero)


def _renommer(dossier, intitule: str) -> None:
    """The title alone written, as a section of the form writes it (its kept search text with
    it: dossiers/recherche.py)."""
    dossier = Dossier.objects.get(pk=dossier.pk)
    dossier.intitule = intitule
    dossier.save(update_fields=["intitule"])


def test_un_texte_qui_ressemble_a_une_formule_est_neutralise_dans_le_csv(publies, projets):
    dossier, _ = publies
    _renommer(projets["mediatheque"], '=HYPERLINK("http://exemple.fr","Médiathèque")')
    publication.publier()
    for ligne in _lignes_csv(dossier):
        for valeur in ligne.values():
            assert not valeur.startswith(DEBUTS_DE_FORMULE), valeur
    assert "'=HYPERLINK" in (dossier / "projets-programmes.csv").read_text()
    # The JSON is not opened by spreadsheets: it keeps the title as typed.
    assert '"intitule": "=HYPERLINK' in (dossier / "projets-programmes.json").read_text()


def test_la_lecture_tient_en_quatre_requetes(projets, django_assert_num_queries):
    # decisions « programmé » + their amounts, the dossiers + their communes (EPCI, département)
    with django_assert_num_queries(4):
        assert len(projets_programmes()) == 2


def test_la_licence_ouverte_est_dans_les_metadonnees(publies):
    dossier, _ = publies
    contenu = json.loads((dossier / "projets-programmes.json").read_text())
    assert contenu["licence"]["title"] == "Licence Ouverte / Open Licence version 2.0"
    assert contenu["licence"]["path"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    paquet = json.loads((dossier / "datapackage.json").read_text())
    assert paquet["licenses"][0]["name"] == "etalab-2.0"
    schema = json.loads((dossier / "schema.json").read_text())
    assert schema["licenses"] == paquet["licenses"]


def test_les_fichiers_sont_remplaces_d_un_coup_et_les_copies_datees_gardees(publies, projets):
    dossier, resume = publies
    assert not [p for p in dossier.iterdir() if p.name.startswith(".")]  # no temporary file left
    csv_versionne = dossier / resume["fichiers"]["csv"]["nom"]
    assert csv_versionne.read_bytes() == (dossier / "projets-programmes.csv").read_bytes()
    # Nothing changed, an hour later: the same hashed names (the time is in the summary only).
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        assert publication.publier()["fichiers"] == resume["fichiers"]
    # A project renamed: new hashed files; the old ones stay for the pages still linking them.
    _renommer(projets["halte"], "Halte fluviale et port de plaisance")
    nouveau = publication.publier()
    assert nouveau["fichiers"]["csv"]["nom"] != resume["fichiers"]["csv"]["nom"]
    assert csv_versionne.exists()
    assert "port de plaisance" in (dossier / "projets-programmes.csv").read_text()


def test_la_commande_et_la_tache_de_beat_regenerent(projets, settings):
    sortie = io.StringIO()
    call_command("publier_donnees_ouvertes", stdout=sortie)
    assert "2 projet(s) programmé(s), 3 ligne(s)" in sortie.getvalue()
    (settings.DONNEES_OUVERTES_ROOT / "resume.json").unlink()
    assert tache_publier() == 2
    assert (settings.DONNEES_OUVERTES_ROOT / "resume.json").exists()
    taches = {t["task"] for t in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "donnees_ouvertes.tasks.publier" in taches


def test_sans_projet_programme_les_fichiers_sont_vides_mais_valides(settings, db):
    publication.publier()
    dossier = settings.DONNEES_OUVERTES_ROOT
    _valider(dossier / "projets-programmes.csv")
    assert json.loads((dossier / "projets-programmes.json").read_text())["projets"] == []
