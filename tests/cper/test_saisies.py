"""Typed values the forms refuse with a French message, never with a server error."""

import pytest
from django import forms
from django.urls import reverse

from cper.forms import MESSAGE_CARACTERE_INTERDIT, CperForm, MontantField, parametre_texte


class _Formulaire(CperForm):
    nom = forms.CharField(required=False)
    texte = forms.CharField(required=False, widget=forms.Textarea)
    montant = MontantField(required=False, localize=True)


@pytest.mark.parametrize("valeur", ["a\x00b", "a\x01b", "a\x1bb", "a\x7fb", "a\tb", "a\nb"])
def test_une_ligne_refuse_les_caracteres_de_controle(valeur):
    formulaire = _Formulaire({"nom": valeur})
    assert not formulaire.is_valid()
    assert formulaire.errors["nom"][-1] in (MESSAGE_CARACTERE_INTERDIT, formulaire.errors["nom"][0])
    assert any("caractère" in e for e in formulaire.errors["nom"])


def test_un_texte_garde_tabulations_et_retours_a_la_ligne():
    formulaire = _Formulaire({"texte": "Ligne 1\r\n\tLigne 2 ‮ 😀"})
    assert formulaire.is_valid(), formulaire.errors
    assert not _Formulaire({"texte": "a\x00b"}).is_valid()


@pytest.mark.parametrize(
    "valeur, message",
    [
        ("NaN", "Saisissez un montant en chiffres"),
        ("Infinity", "Saisissez un montant en chiffres"),
        ("-Infinity", "Saisissez un montant en chiffres"),
        ("1e309", "Ce montant est trop grand"),
        ("1e12", "Ce montant est trop grand"),
        ("1234567890123", "Ce montant est trop grand"),
        ("9" * 400, "Saisissez un montant en chiffres"),
    ],
)
def test_un_montant_non_fini_ou_trop_grand_est_refuse_en_francais(valeur, message):
    formulaire = _Formulaire({"montant": valeur})
    assert not formulaire.is_valid()
    assert message in formulaire.errors["montant"][0]


@pytest.mark.parametrize("valeur", ["999 999 999 999,99 €", "-0", "0", "12 500,50"])
def test_un_montant_ordinaire_passe(valeur):
    formulaire = _Formulaire({"montant": valeur})
    assert formulaire.is_valid(), formulaire.errors


def test_un_parametre_d_url_avec_caractere_de_controle_est_vide():
    assert parametre_texte({"q": "Dou\x00ai"}, "q") == ""
    assert parametre_texte({"q": "Douai"}, "q") == "Douai"
    assert len(parametre_texte({"q": "x" * 500}, "q", longueur_max=100)) == 100


@pytest.mark.django_db
def test_les_totaux_en_direct_et_les_suggestions_ne_tombent_pas(client, porteur, monde):
    """Before: 1e309 in an amount and a NUL byte in the commune search answered 500."""
    brouillon = monde["brouillon"]
    client.force_login(porteur)
    for section, champ in (("depenses", "montant_ht"), ("financement", "montant_demande")):
        prefixe = "depenses" if section == "depenses" else "financements"
        reponse = client.post(
            reverse("dossiers:totaux", args=[brouillon.pk]),
            {"section": section, f"{prefixe}-TOTAL_FORMS": "1", f"{prefixe}-0-{champ}": "1e309"},
        )
        assert reponse.status_code == 200
    url = reverse("dossiers:communes_suggestions", args=[brouillon.pk])
    assert client.get(url, {"q": "Dou\x00ai"}).status_code == 200
    ajout = reverse("dossiers:commune_ajouter", args=[brouillon.pk])
    assert client.post(ajout, {"commune": "²"}).status_code == 302
    assert client.post(ajout, {"commune": "9" * 40}).status_code == 302


def test_une_aide_construite_d_un_texte_saisi_est_echappee():
    class Formulaire(CperForm):
        choix = forms.BooleanField(required=False, help_text='<b hx-get="/x/">Commune</b>')

    html = str(Formulaire())
    assert "&lt;b hx-get=" in html
    assert '<b hx-get="/x/">' not in html
