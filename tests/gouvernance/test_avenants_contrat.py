"""The maquette and the what-if read the envelopes in force: the signed contract as revised by
the avenants dated on or before the day asked for."""

import csv
import datetime
import io
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from cper.referentiel.models import AvenantContrat, RevisionEnveloppe
from gouvernance.selectors.maquette import maquette
from tests.factories.gouvernance import SeanceFactory

from .exports_outils import telecharger
from .scenario_tableaux import contrat, k, scenario

pytestmark = pytest.mark.django_db

AVANT = datetime.date(2016, 6, 30)


@pytest.fixture
def c():
    """The dashboard scenario (État programmed 1 100 k€ on volet 1 for an envelope of 1 000 k€),
    then avenant n° 1 of 17 March 2017 raises that envelope to 1 200 k€."""
    c = contrat()
    scenario(c)
    avenant = AvenantContrat.objects.create(
        contrat=c.v1.contrat,
        numero=1,
        date=datetime.date(2017, 3, 17),
        objet="Révision à mi-parcours",
    )
    RevisionEnveloppe.objects.create(
        avenant=avenant, enveloppe=c.v1.enveloppes.get(financeur=c.etat), montant=k(1200)
    )
    return c


@pytest.fixture
def pilote(client, membre_pilotage, c):
    client.force_login(membre_pilotage)
    return client


def _etat_v1(m, c):
    ligne = next(ligne for ligne in m.lignes if ligne.volet == c.v1)
    return ligne.cellules[m.financeurs.index(c.etat)]


def test_avant_l_avenant_l_ancienne_enveloppe_et_son_depassement(c):
    cellule = _etat_v1(maquette(AVANT), c)
    assert cellule.enveloppe == k(1000)
    assert cellule.depassement
    assert cellule.reste == k(-100)


def test_depuis_l_avenant_la_nouvelle_enveloppe(c):
    cellule = _etat_v1(maquette(), c)
    assert cellule.enveloppe == k(1200)
    assert not cellule.depassement
    assert cellule.reste == k(100)
    assert _etat_v1(maquette(datetime.date(2017, 3, 17)), c).enveloppe == k(1200)
    # The total of the contract follows.
    assert maquette().total.enveloppe == k(2300)
    assert maquette(AVANT).total.enveloppe == k(2100)


def test_la_page_a_une_date_d_avant_l_avenant(pilote):
    html = unescape(pilote.get(reverse("gouvernance:pilotage"), {"le": "2016-06-30"}).text)
    assert "Enveloppes en vigueur le 30/06/2016" in html
    assert "Enveloppe : 1\u202f000\u202f000,00\u00a0€" in html
    assert "la programmation de « État » dépasse son enveloppe" in html


def test_la_page_du_jour(pilote):
    html = unescape(pilote.get(reverse("gouvernance:pilotage")).text)
    assert f"Enveloppes en vigueur le {timezone.localdate():%d/%m/%Y}" in html
    assert "Enveloppe : 1\u202f200\u202f000,00\u00a0€" in html
    assert "dépasse son enveloppe" not in html


@pytest.mark.parametrize("saisie", ["31/02/2017", "demain", "0001-01-01", "<b>2017</b>"])
def test_une_date_invalide_est_refusee_en_francais(pilote, saisie):
    reponse = pilote.get(reverse("gouvernance:pilotage"), {"le": saisie})
    assert reponse.status_code == 200
    html = unescape(reponse.text)
    assert "Saisissez une date" in html
    assert "<b>2017</b>" not in reponse.text  # escaped, kept in the field
    assert f"Enveloppes en vigueur le {timezone.localdate():%d/%m/%Y}" in html


def test_l_export_garde_la_date_de_la_page(pilote, c):
    url = reverse("gouvernance:pilotage_export", args=["maquette", "csv"]) + "?le=2016-06-30"
    reponse = telecharger(pilote, url)
    lignes = list(csv.reader(io.StringIO(reponse.content_lu.decode("utf-8-sig")), delimiter=";"))
    etat = next(
        ligne for ligne in lignes if ligne[0].endswith(c.v1.intitule) and ligne[1] == "État"
    )
    assert etat[2] == "1000000,00"
    assert etat[8] == "Dépassement de l'enveloppe"


def test_l_historique_des_enveloppes(pilote):
    html = unescape(pilote.get(reverse("gouvernance:enveloppes")).text)
    assert "Avenant n° 1" in html and "17/03/2017" in html
    assert "Révision à mi-parcours" in html
    # Both amounts stay readable, the revised one in bold.
    assert "1\u202f000\u202f000,00\u00a0€" in html
    assert "<strong>1\u202f200\u202f000,00\u00a0€</strong>" in html


@pytest.mark.parametrize("avenants", [1, 6])
def test_l_historique_en_requetes_constantes(
    client, membre_pilotage, c, django_assert_num_queries, avenants
):
    for numero in range(2, avenants + 1):
        avenant = AvenantContrat.objects.create(
            contrat=c.v1.contrat, numero=numero, date=datetime.date(2017 + numero, 1, 1), objet="."
        )
        for enveloppe in c.v2.enveloppes.all():
            RevisionEnveloppe.objects.create(
                avenant=avenant, enveloppe=enveloppe, montant=k(numero)
            )
    client.force_login(membre_pilotage)
    url = reverse("gouvernance:enveloppes")
    client.get(url)
    # 1 session, 2 user, 3 roles, 4 whether the member is of a secretariat (second factor),
    # 5 contract, 6 avenants, 7 envelopes, 8 revisions.
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_la_simulation_d_une_seance_de_2016_lit_l_enveloppe_de_2016(c, membre_pilotage):
    from gouvernance.selectors.simulation import simuler

    avant = SeanceFactory(date=datetime.datetime(2016, 5, 10, 12, tzinfo=datetime.UTC))
    apres = SeanceFactory(date=datetime.datetime(2018, 5, 10, 12, tzinfo=datetime.UTC))

    def etat_v1(seance):
        return next(
            e for e in simuler(seance) if e.volet_id == c.v1.pk and e.financeur_id == c.etat.pk
        )

    assert etat_v1(avant).montant == k(1000)
    assert etat_v1(avant).depassement
    assert etat_v1(apres).montant == k(1200)
    assert not etat_v1(apres).depassement
