"""The maquette adds up: envelope, requested, proposed (lower side), programmed, rate, remaining."""

from decimal import Decimal

import pytest

from gouvernance.selectors.maquette import maquette

from .scenario_tableaux import contrat, k, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    c = contrat()
    scenario(c)
    return c


def _cellule(m, volet, financeur):
    ligne = next(ligne for ligne in m.lignes if ligne.volet == volet)
    return ligne.cellules[m.financeurs.index(financeur)]


def test_les_signataires_sont_en_colonnes_et_les_volets_en_lignes(c):
    m = maquette()
    assert m.financeurs == [c.etat, c.region]  # autofinancement is no signatory
    assert [ligne.volet for ligne in m.lignes] == [c.v1, c.v2]


def test_volet_1_etat_depasse_son_enveloppe(c):
    cellule = _cellule(maquette(), c.v1, c.etat)
    assert cellule.enveloppe == k(1000)
    # Dossiers in progress only: déposé 100 + en instruction 200 + instruit 300.
    assert cellule.demande == k(600)
    # Lower side per dossier: min(150, 180) + min(300, 300).
    assert cellule.propose == k(450)
    assert cellule.programme == k(1100)
    assert cellule.taux_programmation == Decimal("110.0")
    assert cellule.reste == k(-100)
    assert cellule.depassement


def test_volet_1_region_un_cote_sans_proposition_compte_zero(c):
    cellule = _cellule(maquette(), c.v1, c.region)
    assert cellule.demande == k(450)
    # min(100, 80) for d2; for d3 the Région side proposed nothing for its own money: 0.
    assert cellule.propose == k(80)
    assert cellule.programme == k(400)
    assert cellule.taux_programmation == Decimal("50.0")
    assert cellule.reste == k(400)
    assert not cellule.depassement and not cellule.vigilance


def test_volet_2_un_seul_avis_donne_et_vigilance(c):
    cellule = _cellule(maquette(), c.v2, c.etat)
    assert cellule.demande == k(60)
    assert cellule.propose == k(60)  # the only avis given stands alone
    assert cellule.programme == k(50)
    # 50 programmed + 60 proposed > 100: not overrun yet, but watch.
    assert cellule.vigilance and not cellule.depassement


def test_les_totaux_s_additionnent(c):
    m = maquette()
    v1 = next(ligne for ligne in m.lignes if ligne.volet == c.v1)
    assert v1.total.enveloppe == k(1800)
    assert v1.total.programme == k(1500)
    total_etat = m.totaux_financeurs[0]
    assert total_etat.enveloppe == k(1100)
    assert total_etat.programme == k(1150)
    assert m.total.enveloppe == k(2100)
    assert m.total.demande == k(600 + 450 + 60)
    assert m.total.propose == k(450 + 80 + 60)
    assert m.total.programme == k(1650)
    assert m.total.taux_programmation == Decimal("78.6")
    assert m.total.reste == k(450)
    assert len(m.alertes) == 1 and "État" in m.alertes[0]


def test_brouillons_et_rejetes_ne_comptent_pas(c):
    m = maquette()
    # d7 (brouillon, 999) and d8 (rejeté, 77) are in no figure.
    assert all(k(999) != cel.demande and k(77) != cel.demande for _, _, cel in m.a_plat())


def test_une_requete_quel_que_soit_le_nombre_de_dossiers(c, django_assert_num_queries):
    # Volets × signatories with their envelopes and the kept totals, in one query.
    with django_assert_num_queries(1):
        maquette()
