import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from dossiers.acces import (
    MODIFIER,
    dossier_ou_404,
    dossiers_visibles,
    ouvrir_au_guichet,
)
from dossiers.models import Dossier
from tests.factories import DossierFactory


@pytest.fixture
def dossier(structure, guichet_douai, porteur):
    dossier = DossierFactory(
        structure=structure, cree_par=porteur, depose=True, guichet=guichet_douai
    )
    ouvrir_au_guichet(dossier)
    return dossier


def test_le_porteur_et_le_guichet_voient_le_dossier(dossier, porteur, agent_sp_douai):
    assert dossier_ou_404(porteur, dossier.pk) == dossier
    assert dossier_ou_404(agent_sp_douai, dossier.pk) == dossier
    assert dossier_ou_404(porteur, dossier.pk, MODIFIER) == dossier


@pytest.mark.parametrize("persona", ["autre_porteur", "agent_region", "inconnu", "administrateur"])
def test_hors_perimetre_le_dossier_n_existe_pas(dossier, request, persona):
    with pytest.raises(Http404):
        dossier_ou_404(request.getfixturevalue(persona), dossier.pk)


def test_le_guichet_ne_modifie_pas_le_dossier(dossier, agent_sp_douai):
    with pytest.raises(Http404):
        dossier_ou_404(agent_sp_douai, dossier.pk, MODIFIER)


def test_la_liste_tient_en_une_requete(dossier, porteur, django_assert_num_queries):
    DossierFactory.create_batch(3)
    # The content type is read once per process (Django caches it); another test may have
    # cleared that cache, so read it before counting.
    ContentType.objects.get_for_model(Dossier)
    with django_assert_num_queries(1):
        assert list(dossiers_visibles(porteur)) == [dossier]
