"""Avenants to the contract: loaded with the référentiel, they revise envelopes from their date."""

import copy
import datetime
from decimal import Decimal

import pytest

from cper.referentiel.models import AvenantContrat, Enveloppe, RevisionEnveloppe
from cper.referentiel.selectors import historique_enveloppes
from cper.referentiel.services import DonneesInvalides, referentiel_charger


def _en_vigueur(le, volet="mobilite", financeur="etat"):
    return (
        Enveloppe.objects.en_vigueur(le)
        .get(volet__code=volet, financeur__code=financeur)
        .montant_en_vigueur
    )


def test_les_avenants_de_2017_et_2019_sont_charges(referentiel):
    assert [(a.numero, str(a.date)) for a in AvenantContrat.objects.all()] == [
        (1, "2017-03-17"),
        (2, "2019-04-05"),
    ]
    assert AvenantContrat.objects.get(numero=1).revisions.count() == 6
    assert "Avenants : 2 créé(s)" in "\n".join(referentiel.lignes())


@pytest.mark.parametrize(
    ("le", "attendu"),
    [
        (datetime.date(2016, 6, 30), Decimal("328293000.00")),  # the signed contract
        (datetime.date(2017, 3, 16), Decimal("328293000.00")),  # the eve of avenant n° 1
        (datetime.date(2017, 3, 17), Decimal("343293000.00")),  # avenant n° 1, from its day
        (datetime.date(2020, 12, 31), Decimal("343293000.00")),  # n° 2 left it alone
    ],
)
def test_l_enveloppe_en_vigueur_suit_les_avenants(referentiel, le, attendu):
    assert _en_vigueur(le) == attendu


def test_le_montant_initial_reste_lisible(referentiel):
    assert Enveloppe.objects.get(volet__code="mobilite", financeur__code="etat").montant == (
        Decimal("328293000.00")
    )
    # An envelope no avenant touched is the same at every date.
    assert _en_vigueur(datetime.date(2020, 1, 1), "emploi") == Decimal("31891000.00")


def test_recharger_ne_change_rien(referentiel, donnees_referentiel):
    rapport = referentiel_charger(donnees=donnees_referentiel)
    assert rapport.changements == 0
    assert RevisionEnveloppe.objects.count() == 11


def test_l_historique_montre_chaque_version(referentiel):
    historique = historique_enveloppes()
    assert [v.libelle for v in historique.versions] == [
        "Contrat signé",
        "Avenant n° 1",
        "Avenant n° 2",
    ]
    ligne = next(
        ligne
        for ligne in historique.lignes
        if (ligne.enveloppe.volet.code, ligne.enveloppe.financeur.code) == ("esri", "etat")
    )
    assert ligne.cellules == [
        (Decimal("74568000.00"), False),
        (Decimal("74568000.00"), False),
        (Decimal("79568000.00"), True),
    ]
    # The signed contract adds up to 2,164.804 M€; avenant n° 1 only redeploys money, n° 2
    # adds 3 M€ for the Département du Nord and moves the others' between volets.
    assert [v.total for v in historique.versions] == [
        Decimal("2164804000.00"),
        Decimal("2164804000.00"),
        Decimal("2167804000.00"),
    ]
    assert len(historique.lignes) == 11


@pytest.mark.parametrize(
    ("alteration", "message"),
    [
        (lambda a: a[1].update(numero=3), "n° 2 est attendu"),
        (lambda a: a[0].update(date="2015-07-01"), "doit suivre la signature"),
        (lambda a: a[1].update(date="2016-01-01"), "doit suivre la signature"),
        (lambda a: a[0].update(date="17/03/2017"), "date illisible"),
        (lambda a: a[0]["enveloppes"].update(inconnu={"etat": "1.00"}), "inconnu"),
        (lambda a: a[0]["enveloppes"]["mobilite"].update(etat="-1.00"), "montant invalide"),
        (lambda a: a[0]["enveloppes"]["mobilite"].update(etat="NaN"), "montant invalide"),
        (lambda a: a[0]["enveloppes"]["mobilite"].update(etat="douze"), "montant illisible"),
        (lambda a: a[0]["enveloppes"]["mobilite"].update(etat="1.001"), "montant invalide"),
    ],
)
def test_un_avenant_incoherent_n_est_pas_charge(
    territoires, donnees_referentiel, alteration, message
):
    donnees = copy.deepcopy(donnees_referentiel)
    alteration(donnees["avenants"])
    with pytest.raises(DonneesInvalides, match=message):
        referentiel_charger(donnees=donnees)
    assert not AvenantContrat.objects.exists()
    assert not Enveloppe.objects.exists()
