"""The fields built in Python (cper.forms.RenduDsfrRapide) read as django-dsfr's templates do."""

import pytest
from django import forms
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from cper.forms import RENDU_DSFR, RENDU_DSFR_RAPIDE, CperForm
from instruction.forms import FiltresForm, SelectionRecevableForm
from tests.factories import VoletFactory


class ChampsVaries(CperForm):
    nom = forms.CharField(label="Nom <du> projet", help_text="Tel qu'écrit « ici » & là.")
    courriel = forms.EmailField(label="Courriel", required=False, disabled=True)
    nombre = forms.IntegerField(label="Nombre", required=False)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    choix = forms.ChoiceField(
        label="Choix",
        required=False,
        choices=[("", "—"), ("Groupe <A>", [("a", "A & a"), ("b", mark_safe("<b>B</b>"))])],
    )
    accord = forms.BooleanField(
        label="J'accepte", required=False, help_text=mark_safe("<a href='/cgu/'>CGU</a>")
    )
    jour = forms.DateField(label="Jour", required=False, widget=forms.DateInput({"type": "date"}))


def _champs(form_class, *args, **kwargs):
    lent = form_class(*args, renderer=RENDU_DSFR, **kwargs)
    rapide = form_class(*args, renderer=RENDU_DSFR_RAPIDE, **kwargs)
    return [(lent[nom], rapide[nom]) for nom in lent.fields]


def _identiques(paires):
    for lent, rapide in paires:
        assert parse_html(rapide.as_field_group()) == parse_html(lent.as_field_group()), lent.name


@pytest.mark.parametrize(
    "donnees",
    [
        None,
        {"nom": "Piste <cyclable> & « gare »", "note": "Ligne 1\nLigne 2 <i>", "choix": "b"},
        {"nom": "x", "accord": "on", "jour": "2020-05-04", "nombre": "12"},
        # In error: the templates render these (aria-invalid, the error list).
        {"nom": "", "nombre": "douze", "jour": "hier", "choix": "z"},
    ],
)
def test_chaque_sorte_de_champ_a_le_balisage_des_gabarits(donnees):
    _identiques(_champs(ChampsVaries, donnees))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "donnees",
    [
        None,
        {"q": "gare", "etat": "depose", "tri": "-depot", "miens": "on", "depuis": "2020-01-01"},
        {"depuis": "pas une date", "etat": "inconnu"},
    ],
)
def test_les_filtres_des_files_ont_le_balisage_des_gabarits(donnees):
    volet = VoletFactory()
    if donnees:
        donnees = {**donnees, "volet": str(volet.pk)}
    _identiques(_champs(FiltresForm, donnees))


@pytest.mark.django_db
def test_le_formulaire_de_recevabilite_en_lot_a_le_balisage_des_gabarits():
    from dossiers.models import Dossier

    _identiques(_champs(SelectionRecevableForm, dossiers=Dossier.objects.none()))
