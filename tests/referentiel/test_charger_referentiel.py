import copy
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from cper.referentiel.enums import TypeGuichet
from cper.referentiel.models import (
    Contrat,
    Enveloppe,
    Financeur,
    Guichet,
    PoleMetropolitain,
    Volet,
)
from cper.referentiel.selectors import matrice_enveloppes
from cper.referentiel.services import DonneesInvalides, referentiel_charger

MILLION = Decimal("1000000")
SIGNATAIRES = {
    "État": Decimal("893486000.00"),
    "Conseil régional": Decimal("846607000.00"),
    "Département du Nord": Decimal("183290000.00"),
    "Département du Pas-de-Calais": Decimal("167681000.00"),
    "Métropole européenne de Lille": Decimal("73740000.00"),
}


def test_le_contrat_ses_signataires_et_ses_volets(referentiel):
    contrat = Contrat.objects.get()
    assert str(contrat.date_signature) == "2015-07-10"
    assert contrat.montant_total == Decimal("2164804000.00")
    signataires = Financeur.objects.filter(signataire=True)
    assert dict(signataires.values_list("nom", "montant_contractualise")) == SIGNATAIRES
    assert signataires.aggregate(total=Sum("montant_contractualise"))["total"] == (
        contrat.montant_total
    )
    assert list(Volet.objects.values_list("numero", "montant")) == [
        (1, 781 * MILLION),
        (2, 170 * MILLION),
        (3, 451 * MILLION),
        (4, 322 * MILLION),
        (5, 14 * MILLION),
        (6, 380 * MILLION),
        (7, 46 * MILLION),
    ]
    # Cofinanceurs a financing plan may name; autofinancement and privé are not public aid.
    assert set(Financeur.objects.filter(public=False).values_list("code", flat=True)) == {
        "autofinancement",
        "prive",
    }
    assert Financeur.objects.filter(code="feder", signataire=False, public=True).exists()


def test_les_sommes_de_la_matrice_tombent_juste(referentiel):
    for financeur in Financeur.objects.filter(signataire=True):
        total = Enveloppe.objects.filter(financeur=financeur).aggregate(t=Sum("montant"))["t"]
        assert total == financeur.montant_contractualise, financeur
    for volet in Volet.objects.all():
        total = Enveloppe.objects.filter(volet=volet).aggregate(t=Sum("montant"))["t"]
        # The published volet totals are rounded to the million.
        assert abs(total - volet.montant) <= MILLION / 2, volet
    assert Enveloppe.objects.count() == 35
    assert not Enveloppe.objects.filter(illustratif=False).exists()


def test_la_matrice_calculee_en_base(referentiel, django_assert_num_queries):
    # Signatories, volets, cells, totals per volet, totals per financeur.
    with django_assert_num_queries(5):
        matrice = matrice_enveloppes()
    assert matrice.illustratif
    assert matrice.total == matrice.total_contractualise == Decimal("2164804000.00")
    assert set(matrice.ecarts) == {Decimal(0)}
    assert [ligne.volet.numero for ligne in matrice.lignes] == [1, 2, 3, 4, 5, 6, 7]
    assert all(abs(ligne.ecart) < MILLION / 2 for ligne in matrice.lignes)


def test_les_quatorze_guichets_et_les_poles(referentiel):
    assert Guichet.objects.count() == 14
    assert Guichet.objects.filter(type=TypeGuichet.SOUS_PREFECTURE).count() == 11
    assert set(
        Guichet.objects.filter(type=TypeGuichet.PREFECTURE).values_list(
            "arrondissement__nom", flat=True
        )
    ) == {"Lille", "Arras"}
    region = Guichet.objects.get(type=TypeGuichet.CONSEIL_REGIONAL)
    assert region.arrondissement is None
    assert region.ville == "Lille Cedex"
    # Every guichet has its agents' group and says its contact details need checking.
    assert not Guichet.objects.filter(groupe__isnull=True).exists()
    assert not Guichet.objects.filter(coordonnees_a_verifier=False).exists()
    assert PoleMetropolitain.objects.count() == 4
    artois = PoleMetropolitain.objects.get(nom="Pôle métropolitain de l'Artois")
    assert set(artois.membres.values_list("siren", flat=True)) == {
        "200072460",
        "246200364",
        "246200299",
    }
    assert all(pole.composition_a_verifier for pole in PoleMetropolitain.objects.all())


def test_recharger_ne_change_rien_et_garde_les_modifications_de_l_administrateur(
    referentiel, donnees_referentiel, capsys
):
    douai = Guichet.objects.get(code="sp-douai")
    douai.telephone = "03 27 00 00 00"
    douai.save()
    cles = dict(Enveloppe.objects.values_list("pk", "montant"))

    rapport = referentiel_charger(donnees=donnees_referentiel)
    assert rapport.changements == 0
    assert Guichet.objects.get(code="sp-douai").telephone == "03 27 00 00 00"
    assert dict(Enveloppe.objects.values_list("pk", "montant")) == cles

    call_command("charger_referentiel", mettre_a_jour=True)
    assert "Guichets : 0 créé(s), 1 modifié(s), 13 inchangé(s)" in capsys.readouterr().out
    assert Guichet.objects.get(code="sp-douai").telephone == "03 20 30 59 59"


def test_une_matrice_qui_ne_tombe_pas_juste_n_est_pas_chargee(territoires, donnees_referentiel):
    donnees = copy.deepcopy(donnees_referentiel)
    lignes = donnees["enveloppes_illustratives"]["lignes"]
    lignes["mobilite"][0] = str(Decimal(lignes["mobilite"][0]) + 1)
    with pytest.raises(DonneesInvalides, match="etat"):
        referentiel_charger(donnees=donnees)
    assert not Financeur.objects.exists()
    assert not Contrat.objects.exists()


def test_les_guichets_exigent_les_territoires(db, donnees_referentiel):
    with pytest.raises(DonneesInvalides, match="import_territoires"):
        referentiel_charger(donnees=donnees_referentiel)
    assert not Volet.objects.exists()


def test_un_guichet_deja_installe_sur_l_arrondissement_est_conserve(
    territoires, donnees_referentiel
):
    from cper.referentiel.models import Arrondissement
    from tests.factories import GuichetFactory

    GuichetFactory(code="sp-douai-local", arrondissement=Arrondissement.objects.get(code="593"))
    rapport = referentiel_charger(donnees=donnees_referentiel)
    assert Guichet.objects.count() == 14
    assert Guichet.objects.get(arrondissement__code="593").code == "sp-douai-local"
    assert any("a déjà le guichet sp-douai-local" in ligne for ligne in rapport.lignes())
