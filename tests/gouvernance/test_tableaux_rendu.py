"""The dashboards' cells, tables and filters written in Python read as the templates wrote them."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.test.html import parse_html

from cper.forms import RENDU_DSFR, RENDU_DSFR_RAPIDE
from cper.templatetags.cper_tags import euros
from gouvernance.exports import EUROS, TEXTE, Tableau
from gouvernance.forms.tableaux import FiltresTerritoireForm

FINE, INSECABLE = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (None, "—"),
        ("", "—"),
        (0, f"0,00{INSECABLE}€"),
        (Decimal("-0.004"), f"0,00{INSECABLE}€"),
        (Decimal("0.005"), f"0,01{INSECABLE}€"),
        (Decimal("999.995"), f"1{FINE}000,00{INSECABLE}€"),
        (Decimal("-1234567.891"), f"-1{FINE}234{FINE}567,89{INSECABLE}€"),
        ("12", f"12,00{INSECABLE}€"),
        (Decimal("1E+3"), f"1{FINE}000,00{INSECABLE}€"),
    ],
)
def test_montants_a_la_francaise(valeur, attendu):
    assert euros(valeur) == attendu


def test_un_montant_deja_mis_en_forme_garde_son_texte():
    """The texts of decimals are kept: equal values of any exponent give the same text, twice."""
    for _ in range(2):
        assert euros(Decimal("1.5")) == euros(Decimal("1.50")) == f"1,50{INSECABLE}€"
        assert euros(Decimal("-0.00")) == euros(Decimal("0")) == f"0,00{INSECABLE}€"
        assert euros(Decimal("-2.005")) == f"-2,01{INSECABLE}€"


def _rendu(gabarit, **contexte):
    return Template("{% load tableaux_tags %}" + gabarit).render(Context(contexte))


def test_un_tableau_echappe_le_texte_et_formate_les_chiffres():
    tableau = Tableau(
        code="essai",
        titre="Titre <b>",
        colonnes=[("Nom", TEXTE), ("Commentaire", TEXTE), ("Montant (€)", EUROS)],
        lignes=[["<script>alert(1)</script>", "L'Avesnois", Decimal("1500")]],
    )
    html = _rendu(
        '{% tableau_de_bord tableau "pilotage" requete %}',
        tableau=tableau,
        requete="le=2017-01-01&x=<",
        csrf_token="jeton",
    )
    assert "<script>" not in html
    assert '<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt;</th>' in html
    assert '<td class="cper-texte">L&#x27;Avesnois</td>' in html
    assert f"<td>1{FINE}500,00{INSECABLE}€</td>" in html
    assert "<caption>Titre &lt;b&gt;</caption>" in html
    # Both export buttons post with the CSRF token, the query string kept and escaped.
    assert 'action="/gouvernance/pilotage/export/essai.csv?le=2017-01-01&amp;x=&lt;"' in html
    assert 'action="/gouvernance/pilotage/export/essai.xlsx?le=2017-01-01&amp;x=&lt;"' in html
    assert html.count('name="csrfmiddlewaretoken" value="jeton"') == 2
    assert '<span class="fr-sr-only"> — Titre &lt;b&gt;</span>' in html


def test_un_tableau_vide_le_dit():
    tableau = Tableau(code="vide", titre="Vide", colonnes=[("A", TEXTE), ("B", EUROS)], lignes=[])
    html = _rendu('{% tableau_de_bord tableau "territoire" %}', tableau=tableau)
    assert '<td class="cper-texte" colspan="2">Aucune donnée pour le moment.</td>' in html
    assert 'action="/gouvernance/territoire/export/vide.csv"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("requete", ["", "etat=depose&volet=", "etat=inconnu", "volet=VOLET"])
def test_les_filtres_ecrits_en_python_sont_ceux_des_gabarits(volet, requete):
    # The selected option, an invalid choice and a volet with an apostrophe included.
    volet.intitule = "Innovation, filières d'avenir <et> usine du futur"
    volet.save()
    donnees = QueryDict(requete.replace("VOLET", str(volet.pk))) or None
    rapide = FiltresTerritoireForm(donnees)
    gabarits = FiltresTerritoireForm(donnees, renderer=RENDU_DSFR)
    assert rapide.renderer is RENDU_DSFR_RAPIDE
    for nom in ("etat", "volet"):
        ecrit = rapide[nom].as_field_group()
        assert parse_html(ecrit) == parse_html(gabarits[nom].as_field_group()), nom
    assert "filières d&#x27;avenir &lt;et&gt; usine du futur" in rapide["volet"].as_field_group()
    # The kept markup the page prints, built then read from the cache: the same groups.
    for _ in range(2):
        gardes = FiltresTerritoireForm(donnees).groupes
        assert gardes == [rapide["etat"].as_field_group(), rapide["volet"].as_field_group()]
