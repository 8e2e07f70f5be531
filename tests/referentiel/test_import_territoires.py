import copy
import time

import pytest
from django.core.management import CommandError, call_command

from cper.referentiel.enums import ChefLieu, NatureEpci
from cper.referentiel.models import Arrondissement, Commune, Departement, Epci, Region
from cper.referentiel.services import DonneesInvalides, territoires_importer
from tests.factories import DossierFactory, StructureFactory


def _cles():
    return {
        "communes": dict(Commune.objects.values_list("code_insee", "pk")),
        "epci": dict(Epci.objects.values_list("siren", "pk")),
        "arrondissements": dict(Arrondissement.objects.values_list("code", "pk")),
        "departements": dict(Departement.objects.values_list("code", "pk")),
    }


def test_l_import_charge_les_territoires_du_nord_et_du_pas_de_calais(territoires):
    assert Region.objects.get().nom == "Hauts-de-France"
    assert list(Departement.objects.values_list("code", "nom")) == [
        ("59", "Nord"),
        ("62", "Pas-de-Calais"),
    ]
    assert Arrondissement.objects.count() == 13
    assert Commune.objects.count() == 1534
    assert Commune.objects.filter(departement__code="59").count() == 647
    assert Commune.objects.filter(departement__code="62").count() == 887
    assert Epci.objects.count() == 36
    # Every commune of the two départements belongs to an EPCI à fiscalité propre.
    assert not Commune.objects.filter(epci__isnull=True).exists()
    assert not Commune.objects.filter(arrondissement__isnull=True).exists()


def test_les_prefectures_sont_lille_et_arras(territoires):
    prefectures = Arrondissement.objects.filter(type_chef_lieu=ChefLieu.PREFECTURE)
    assert sorted(prefectures.values_list("nom", flat=True)) == ["Arras", "Lille"]
    assert Arrondissement.objects.filter(type_chef_lieu=ChefLieu.SOUS_PREFECTURE).count() == 11


def test_les_epci_et_leurs_membres_viennent_de_epci_json(territoires):
    mel = Epci.objects.get(siren="200093201")
    assert mel.nature == NatureEpci.METROPOLE
    assert mel.communes.count() == 95
    assert Commune.objects.get(code_insee="59350").epci == mel
    # One EPCI straddles both départements.
    a_cheval = [
        epci.nom
        for epci in Epci.objects.all()
        if epci.communes.values("departement").distinct().count() == 2
    ]
    assert a_cheval == ["CC Flandre Lys"]
    assert Epci.objects.filter(nature=NatureEpci.COMMUNAUTE_URBAINE).count() == 2


def test_un_second_import_ne_change_rien_et_garde_les_cles(territoires, donnees_territoires):
    avant = _cles()
    rapport = territoires_importer(donnees=donnees_territoires)
    assert rapport.changements == 0
    assert rapport.compteurs["Communes"].inchanges == 1534
    assert _cles() == avant


def test_la_commande_est_idempotente_et_dit_combien_de_temps_elle_a_pris(db, capsys):
    debut = time.monotonic()
    call_command("import_territoires")
    duree = time.monotonic() - debut
    call_command("import_territoires")
    sortie = capsys.readouterr().out
    assert "Communes : 1534 créé(s)" in sortie
    assert "Communes : 0 créé(s), 0 modifié(s), 1534 inchangé(s)" in sortie
    assert "(0 changement(s))" in sortie
    assert duree < 10


def test_une_commune_ou_un_epci_renomme_est_mis_a_jour_sans_doublon(
    territoires, donnees_territoires
):
    avant = _cles()
    donnees = copy.deepcopy(donnees_territoires)
    for ligne in donnees["communes"]:
        if ligne[0] == "59178":
            ligne[1] = "Douai-la-Neuve"
    for epci in donnees["epci"]:
        if epci["siren"] == "200044618":
            epci["nom"] = "Douaisis Agglo"
    rapport = territoires_importer(donnees=donnees)
    assert rapport.compteurs["Communes"].modifies == 1
    assert rapport.compteurs["EPCI"].modifies == 1
    assert Commune.objects.get(code_insee="59178").nom == "Douai-la-Neuve"
    assert Epci.objects.get(siren="200044618").nom == "Douaisis Agglo"
    assert _cles() == avant


def test_une_commune_disparue_mais_referencee_n_est_jamais_supprimee(
    territoires, donnees_territoires
):
    douai = Commune.objects.get(code_insee="59178")
    StructureFactory(commune=douai)
    donnees = copy.deepcopy(donnees_territoires)
    donnees["communes"] = [c for c in donnees["communes"] if c[0] not in ("59178", "59001")]

    rapport = territoires_importer(donnees=donnees, supprimer_absentes=True)

    assert Commune.objects.filter(code_insee="59178").exists()
    assert rapport.communes_disparues_referencees == ["Douai (59178)"]
    assert any("référencées, conservées : Douai (59178)" in ligne for ligne in rapport.lignes())
    # The one nothing points at is deleted, as asked, and said so.
    assert not Commune.objects.filter(code_insee="59001").exists()
    assert rapport.communes_disparues_supprimees == ["Abancourt (59001)"]


def test_sans_option_une_commune_disparue_est_conservee_et_signalee(
    territoires, donnees_territoires
):
    donnees = copy.deepcopy(donnees_territoires)
    donnees["communes"] = [c for c in donnees["communes"] if c[0] != "59001"]
    rapport = territoires_importer(donnees=donnees)
    assert Commune.objects.filter(code_insee="59001").exists()
    assert rapport.communes_disparues_conservees == ["Abancourt (59001)"]


@pytest.mark.parametrize(
    "alteration",
    [
        pytest.param(lambda d: d.pop("epci"), id="cle-manquante"),
        pytest.param(lambda d: d["communes"][-1].__setitem__(4, "999999999"), id="epci-inconnu"),
        pytest.param(lambda d: d["epci"][0].__setitem__("nature", "SIVU"), id="nature-inconnue"),
        pytest.param(lambda d: d["communes"][-1].__setitem__(3, "999"), id="arrondissement"),
    ],
)
def test_un_fichier_invalide_n_importe_rien(db, donnees_territoires, alteration):
    alteration(donnees_territoires)
    with pytest.raises(DonneesInvalides):
        territoires_importer(donnees=donnees_territoires)
    assert not Commune.objects.exists()
    assert not Epci.objects.exists()
    assert not Departement.objects.exists()


def test_la_commande_refuse_un_fichier_illisible(db, tmp_path):
    fichier = tmp_path / "territoires.json"
    fichier.write_text("{pas du json", encoding="utf-8")
    with pytest.raises(CommandError, match="rien n'a été modifié"):
        call_command("import_territoires", fichier=str(fichier))
    assert not Commune.objects.exists()


def test_une_commune_disparue_citee_par_un_dossier_est_conservee(territoires, donnees_territoires):
    structure = StructureFactory(commune=Commune.objects.get(code_insee="59350"))
    cambrai = Commune.objects.get(code_insee="59122")
    DossierFactory(structure=structure, communes=[cambrai])
    donnees = copy.deepcopy(donnees_territoires)
    donnees["communes"] = [c for c in donnees["communes"] if c[0] != "59122"]

    rapport = territoires_importer(donnees=donnees, supprimer_absentes=True)

    assert rapport.communes_disparues_referencees == ["Cambrai (59122)"]
    assert rapport.communes_disparues_supprimees == []
    assert structure.dossiers.get().communes.get() == cambrai
