"""Instances rebuilt from a page's JSON rows: what the query did not carry is deferred, never a
silent default (a template reading it would cost a query, which query-count tests catch)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cper.referentiel.models import Arrondissement, Commune, Financeur
from cper.requetes import instance_de_ligne, instance_lue, relier
from tests.factories import CommuneFactory


@pytest.mark.django_db
def test_un_champ_absent_de_la_ligne_est_lu_en_base_et_non_laisse_a_sa_valeur_par_defaut():
    commune = CommuneFactory(nom="Douai", code_insee="59178")
    lue = instance_lue(Commune, id=str(commune.pk), nom="Douai")
    assert lue.pk == commune.pk  # typed by its field
    assert lue.get_deferred_fields() >= {"code_insee"}
    with CaptureQueriesContext(connection) as requetes:
        assert lue.code_insee == "59178"
    assert len(requetes) == 1


def test_une_colonne_inconnue_est_refusee():
    with pytest.raises(ValueError, match="Colonnes inconnues"):
        instance_lue(Financeur, nom="Région", budget=3)


@pytest.mark.django_db
def test_l_objet_relie_est_lu_sans_requete():
    commune = instance_lue(Commune, id=1, nom="Douai")
    with CaptureQueriesContext(connection) as requetes:
        relier(commune, "arrondissement", instance_lue(Arrondissement, nom="Douai"))
        relier(commune, "epci", None)
        assert commune.arrondissement.nom == "Douai"
        assert commune.epci is None
    assert len(requetes) == 0


@pytest.mark.django_db
def test_l_instance_d_une_ligne_differe_aussi_ce_qu_elle_ne_porte_pas():
    commune = CommuneFactory(nom="Douai", code_insee="59178")
    lue = instance_de_ligne(Commune, {"id": commune.pk, "nom": "Douai"})
    assert (lue.pk, str(lue.nom), lue._state.adding) == (commune.pk, "Douai", False)
    assert lue.get_deferred_fields() >= {"code_insee"}
    with CaptureQueriesContext(connection) as requetes:
        assert str(lue) == "Douai (59178)"
    assert len(requetes) == 1
    assert lue == commune
