"""The workbenches' forms keep their fields' markup per set of inputs: the kept markup is the
one Django renders for those inputs, and new inputs (data, choices) render anew."""

import pytest
from django.http import QueryDict

from cper import forms as formulaires
from dossiers.models import Dossier
from instruction.forms import FiltresForm, SelectionRecevableForm
from tests.factories import VoletFactory
from tests.factories.instruction import GroupeTechniqueFactory


def _rendus_par_django(form, noms):
    return [form[nom].as_field_group() for nom in noms]


@pytest.mark.parametrize(
    "chaine",
    [
        None,
        "q=gare&etat=depose&tri=-depot&miens=on&depuis=2020-01-01",
        "depuis=pas+une+date&etat=inconnu&q=%3Cb%3E",
    ],
)
def test_les_filtres_gardes_sont_ceux_que_rend_django(db, chaine):
    formulaires._RENDUS.clear()
    volet = VoletFactory(intitule="Mobilité <douce>")

    def form():
        donnees = None if chaine is None else QueryDict(f"{chaine}&volet={volet.pk}")
        return FiltresForm(donnees)

    attendus = _rendus_par_django(form(), FiltresForm.base_fields)
    assert form().groupes == attendus
    assert form().groupes == attendus  # read from the cache
    assert "Mobilité &lt;douce&gt;" in "".join(attendus)
    # A volet renamed: other choices, another key.
    volet.intitule = "Ferroviaire"
    volet.save()
    assert "Ferroviaire" in "".join(form().groupes)


def test_le_curseur_de_la_page_ne_change_pas_les_filtres(db):
    formulaires._RENDUS.clear()
    premiers = FiltresForm(QueryDict("q=gare")).groupes
    assert FiltresForm(QueryDict("q=gare&apres=abc&onglet=tous")).groupes is premiers
    assert len(formulaires._RENDUS) == 1
    assert FiltresForm(QueryDict("q=gares")).groupes != premiers
    assert len(formulaires._RENDUS) == 2


def test_le_formulaire_en_lot_garde_est_celui_que_rend_django(db):
    formulaires._RENDUS.clear()
    GroupeTechniqueFactory(nom="Mobilité & transports")
    noms = ("groupe_technique", "commentaire")

    def form():
        return SelectionRecevableForm(dossiers=Dossier.objects.none())

    attendus = _rendus_par_django(form(), noms)
    assert form().groupes == attendus == form().groupes
    GroupeTechniqueFactory(nom="Numérique")
    assert "Numérique" in "".join(form().groupes)


def test_le_cache_reste_borne(db, monkeypatch):
    formulaires._RENDUS.clear()
    monkeypatch.setattr(formulaires, "_RENDUS_MAXIMUM", 3)
    for i in range(7):
        assert FiltresForm(QueryDict(f"q=mot{i}")).groupes
    assert len(formulaires._RENDUS) <= 3


def test_les_choix_compiles_sont_ceux_des_champs(db):
    """The selects' choices read by SQL compiled once are those the fields' querysets give."""
    VoletFactory(intitule="Mobilité"), VoletFactory(intitule="Numérique")
    GroupeTechniqueFactory(nom="B"), GroupeTechniqueFactory(nom="A")
    filtres = FiltresForm()
    filtres.groupes  # noqa: B018 - reads the volets into the select
    assert filtres.fields["volet"].widget.choices == [
        (str(valeur), libelle) for valeur, libelle in FiltresForm().fields["volet"].choices
    ]
    champ = SelectionRecevableForm(dossiers=Dossier.objects.none()).fields["groupe_technique"]
    assert champ.widget.choices == [(groupe.pk, str(groupe)) for groupe in champ.queryset]
    assert [libelle for _pk, libelle in champ.widget.choices][:2] == ["A", "B"]


def test_un_formulaire_aux_valeurs_initiales_n_est_pas_garde(db):
    with pytest.raises(ValueError):
        assert FiltresForm(initial={"q": "gare"}).groupes
