"""CSV/XLSX imports of the administrators: preview, French errors, all or nothing."""

import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cper.referentiel.models import Enveloppe, Financeur, Guichet, PoleMetropolitain, Volet
from cper.referentiel.resources import (
    EnveloppeResource,
    FinanceurResource,
    GuichetResource,
    PoleMetropolitainResource,
    VoletResource,
)

ENTETE_ENVELOPPES = "volet,financeur,montant,illustratif\n"
CSV, XLSX = "0", "1"


def _importer(resource, texte):
    dataset = tablib.Dataset().load(texte, format="csv")
    return resource.import_data(dataset, dry_run=False)


def _messages(resultat):
    messages = [str(erreur.error) for erreur in resultat.base_errors]
    for ligne in resultat.rows:
        messages += [str(erreur.error) for erreur in ligne.errors]
    for ligne in resultat.invalid_rows:
        messages += [str(m) for ms in ligne.error_dict.values() for m in ms]
    return " | ".join(messages)


def _montants():
    return dict(Enveloppe.objects.values_list("pk", "montant"))


def test_un_fichier_valide_met_a_jour_les_enveloppes(referentiel):
    resultat = _importer(
        EnveloppeResource(),
        ENTETE_ENVELOPPES + 'mobilite,etat,300000000,non\nemploi,region,"14 126 000,50",oui\n',
    )
    assert not resultat.has_errors() and not resultat.has_validation_errors()
    mobilite_etat = Enveloppe.objects.get(volet__code="mobilite", financeur__code="etat")
    assert mobilite_etat.montant == Decimal("300000000.00")
    assert not mobilite_etat.illustratif
    assert Enveloppe.objects.get(volet__code="emploi", financeur__code="region").montant == (
        Decimal("14126000.50")
    )
    assert Enveloppe.objects.count() == 35


@pytest.mark.parametrize(
    ("texte", "message"),
    [
        pytest.param(
            "volet,financeur,illustratif\nmobilite,etat,oui\n",
            "Colonne(s) manquante(s) : montant",
            id="colonne-manquante",
        ),
        pytest.param(
            ENTETE_ENVELOPPES + "mobilite,etat,1,oui\nmobilite,inconnu,2,oui\n",
            "Financeur inconnu(e) : « inconnu »",
            id="code-inconnu",
        ),
        pytest.param(
            ENTETE_ENVELOPPES + "mobilite,etat,1,oui\nemploi,etat,-5,oui\n",
            "Le montant doit être positif ou nul",
            id="montant-negatif",
        ),
        pytest.param(
            ENTETE_ENVELOPPES + "mobilite,etat,1,oui\nemploi,etat,beaucoup,oui\n",
            "« beaucoup » n'est pas un montant valide",
            id="montant-non-numerique",
        ),
        pytest.param(
            ENTETE_ENVELOPPES + "mobilite,etat,1,oui\nmobilite,etat,2,oui\n",
            "Doublon : mobilite / etat figure déjà à la ligne 1",
            id="cle-en-double",
        ),
    ],
)
def test_une_seule_mauvaise_ligne_et_rien_n_est_importe(referentiel, texte, message):
    avant = _montants()
    resultat = _importer(EnveloppeResource(), texte)
    assert resultat.has_errors() or resultat.has_validation_errors()
    assert message in _messages(resultat)
    assert _montants() == avant


def test_financeurs_erreur_de_categorie_en_francais(referentiel):
    resultat = _importer(
        FinanceurResource(),
        "code,nom,categorie,signataire,public,montant_contractualise,ordre\n"
        "ademe,ADEME,autre_public,non,oui,,20\n"
        "mecene,Mécène,mecenat,non,non,,21\n",
    )
    assert "n’est pas un choix valide" in _messages(resultat) or (
        "n'est pas un choix valide" in _messages(resultat)
    )
    assert not Financeur.objects.filter(code="ademe").exists()


def test_guichets_volets_et_poles_s_importent_par_leur_code(referentiel):
    export = GuichetResource().export()
    export_csv = export.csv.replace("03 20 30 59 59", "03 27 99 99 99", 1)
    resultat = _importer(GuichetResource(), export_csv)
    assert not resultat.has_errors() and not resultat.has_validation_errors()
    assert Guichet.objects.filter(telephone="03 27 99 99 99").count() == 1
    assert Guichet.objects.count() == 14

    resultat = _importer(
        VoletResource(), "code,numero,intitule,montant\nemploi,7,Emploi,46 000 000\n"
    )
    assert not resultat.has_errors() and not resultat.has_validation_errors()
    assert Volet.objects.count() == 7

    resultat = _importer(
        PoleMetropolitainResource(),
        "nom,membres,composition_a_verifier\n"
        "Pôle métropolitain de l'Artois,200072460|246200364,non\n",
    )
    assert not resultat.has_errors() and not resultat.has_validation_errors()
    artois = PoleMetropolitain.objects.get(nom="Pôle métropolitain de l'Artois")
    assert artois.membres.count() == 2
    assert not artois.composition_a_verifier


def test_un_pole_avec_un_siren_inconnu_n_est_pas_importe(referentiel):
    resultat = _importer(
        PoleMetropolitainResource(),
        "nom,membres,composition_a_verifier\nPôle métropolitain de l'Artois,200072460|123,oui\n",
    )
    assert "EPCI inconnu(s) : 123" in _messages(resultat)
    artois = PoleMetropolitain.objects.get(nom="Pôle métropolitain de l'Artois")
    assert artois.membres.count() == 3


def test_l_administrateur_voit_l_apercu_puis_confirme(client, administrateur, referentiel):
    client.force_login(administrateur)
    url = reverse("admin:referentiel_enveloppe_import")
    fichier = SimpleUploadedFile(
        "enveloppes.csv", (ENTETE_ENVELOPPES + "mobilite,etat,300000000,non\n").encode()
    )
    reponse = client.post(url, {"import_file": fichier, "format": CSV})
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Aperçu" in contenu
    assert "Confirmer l’importation" in contenu or "Confirmer l'importation" in contenu
    # Nothing is written before confirmation.
    assert Enveloppe.objects.get(volet__code="mobilite", financeur__code="etat").illustratif

    confirmation = reponse.context["confirm_form"].initial
    reponse = client.post(reverse("admin:referentiel_enveloppe_process_import"), confirmation)
    assert reponse.status_code == 302
    enveloppe = Enveloppe.objects.get(volet__code="mobilite", financeur__code="etat")
    assert enveloppe.montant == Decimal("300000000.00")
    assert not enveloppe.illustratif


def test_l_administrateur_voit_les_erreurs_en_francais_sans_confirmation(
    client, administrateur, referentiel
):
    client.force_login(administrateur)
    avant = _montants()
    fichier = SimpleUploadedFile(
        "enveloppes.csv",
        (ENTETE_ENVELOPPES + "mobilite,etat,1,oui\nemploi,etat,-5,oui\n").encode(),
    )
    reponse = client.post(
        reverse("admin:referentiel_enveloppe_import"), {"import_file": fichier, "format": CSV}
    )
    contenu = reponse.content.decode()
    assert "Le montant doit être positif ou nul" in contenu
    assert "confirm_form" not in reponse.context or reponse.context["confirm_form"] is None
    assert _montants() == avant


def test_un_classeur_xlsx_s_importe_aussi(client, administrateur, referentiel):
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.append(["volet", "financeur", "montant", "illustratif"])
    feuille.append(["numerique", "region", 120000000, "non"])
    contenu = io.BytesIO()
    classeur.save(contenu)
    client.force_login(administrateur)
    reponse = client.post(
        reverse("admin:referentiel_enveloppe_import"),
        {"import_file": SimpleUploadedFile("enveloppes.xlsx", contenu.getvalue()), "format": XLSX},
    )
    assert "Aperçu" in reponse.content.decode()
    reponse = client.post(
        reverse("admin:referentiel_enveloppe_process_import"),
        reponse.context["confirm_form"].initial,
    )
    assert Enveloppe.objects.get(volet__code="numerique", financeur__code="region").montant == (
        Decimal("120000000.00")
    )


def test_les_listes_de_l_administration(client, administrateur, referentiel):
    client.force_login(administrateur)
    attendus = {
        "commune": "1534 communes",
        "epci": "36 EPCI",
        "arrondissement": "13 arrondissements",
        "guichet": "14 guichets",
        "volet": "7 volets",
        "enveloppe": "35 enveloppes",
    }
    for modele, texte in attendus.items():
        reponse = client.get(reverse(f"admin:referentiel_{modele}_changelist"))
        assert texte in reponse.content.decode(), modele
    reponse = client.get(reverse("admin:referentiel_financeur_changelist") + "?signataire__exact=1")
    contenu = reponse.content.decode()
    assert "5 financeurs" in contenu
    assert "Illustrative" in contenu
    assert "n&#x27;est pas publique" in contenu or "n'est pas publique" in contenu


def test_la_matrice_dans_l_administration(client, administrateur, referentiel):
    client.force_login(administrateur)
    reponse = client.get(reverse("admin:referentiel_enveloppe_matrice"))
    contenu = reponse.content.decode()
    assert "répartition illustrative" in contenu
    assert "2\u202f164\u202f804\u202f000,00\xa0€" in contenu


def test_la_matrice_est_refusee_a_qui_n_est_pas_administrateur(client, porteur, referentiel):
    client.force_login(porteur)
    reponse = client.get(reverse("admin:referentiel_enveloppe_matrice"))
    assert reponse.status_code == 302
    assert "/admin/login/" in reponse.url


def test_un_csv_a_points_virgules_d_un_tableur_francais(client, administrateur, referentiel):
    client.force_login(administrateur)
    fichier = SimpleUploadedFile(
        "enveloppes.csv",
        "volet;financeur;montant;illustratif\r\nmobilite;etat;300 000 000,00;non\r\n".encode(
            "utf-8-sig"
        ),
    )
    reponse = client.post(
        reverse("admin:referentiel_enveloppe_import"), {"import_file": fichier, "format": CSV}
    )
    assert "Aperçu" in reponse.content.decode()
    client.post(
        reverse("admin:referentiel_enveloppe_process_import"),
        reponse.context["confirm_form"].initial,
    )
    enveloppe = Enveloppe.objects.get(volet__code="mobilite", financeur__code="etat")
    assert enveloppe.montant == Decimal("300000000.00")


@pytest.mark.parametrize(
    ("resource", "texte", "message"),
    [
        pytest.param(
            FinanceurResource,
            "code,nom,categorie,signataire,public,montant_contractualise,ordre\n"
            "etat,État,etat,oui,oui,-1,1\n",
            "Le montant doit être positif ou nul",
            id="financeur-negatif",
        ),
        pytest.param(
            GuichetResource,
            "code,nom,type,arrondissement,adresse,code_postal,ville,email,telephone,"
            "coordonnees_a_verifier\n"
            "sp-x,Sous-préfecture X,sous_prefecture,999,1 rue,59000,Lille,x@x.fr,03,oui\n",
            "Arrondissement inconnu(e) : « 999 »",
            id="guichet-arrondissement-inconnu",
        ),
        pytest.param(
            VoletResource,
            "code,numero,intitule\nemploi,7,Emploi\n",
            "Colonne(s) manquante(s) : montant",
            id="volet-colonne-manquante",
        ),
        pytest.param(
            VoletResource,
            "code,numero,intitule,montant\nemploi,7,Emploi,1\nemploi,7,Emploi,2\n",
            "Doublon : emploi figure déjà à la ligne 1",
            id="volet-doublon",
        ),
    ],
)
def test_les_autres_imports_refusent_aussi_les_mauvais_fichiers(
    referentiel, resource, texte, message
):
    avant = (
        list(Financeur.objects.values_list("code", "montant_contractualise").order_by("code")),
        list(Guichet.objects.values_list("code", flat=True).order_by("code")),
        list(Volet.objects.values_list("code", "montant").order_by("code")),
    )
    resultat = _importer(resource(), texte)
    assert message in _messages(resultat)
    apres = (
        list(Financeur.objects.values_list("code", "montant_contractualise").order_by("code")),
        list(Guichet.objects.values_list("code", flat=True).order_by("code")),
        list(Volet.objects.values_list("code", "montant").order_by("code")),
    )
    assert apres == avant
