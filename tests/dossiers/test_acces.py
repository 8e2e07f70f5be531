import pytest
from django.http import Http404

from dossiers.acces import MODIFIER, dossier_et_membres_ou_404, dossier_ou_404, dossiers_visibles
from tests.factories import CommuneFactory, DossierFactory


@pytest.fixture
def dossier(structure, guichet_douai, porteur):
    # Filed at Douai: that guichet's agents see it, with no grant written anywhere.
    return DossierFactory(structure=structure, cree_par=porteur, depose=True, guichet=guichet_douai)


def test_le_porteur_et_le_guichet_voient_le_dossier(dossier, porteur, agent_sp_douai):
    assert dossier_ou_404(porteur, dossier.pk) == dossier
    assert dossier_ou_404(agent_sp_douai, dossier.pk) == dossier
    assert dossier_ou_404(porteur, dossier.pk, MODIFIER) == dossier


@pytest.mark.parametrize("persona", ["autre_porteur", "agent_region", "inconnu", "administrateur"])
def test_hors_perimetre_le_dossier_n_existe_pas(dossier, request, persona):
    with pytest.raises(Http404):
        dossier_ou_404(request.getfixturevalue(persona), dossier.pk)


def test_la_lecture_avec_les_membres_garde_le_meme_perimetre(
    dossier, porteur, agent_sp_douai, request
):
    # Membership read from the member ids: the same answer as the scope in the query.
    assert dossier_et_membres_ou_404(porteur, dossier.pk).est_porteur
    vu_du_guichet = dossier_et_membres_ou_404(agent_sp_douai, dossier.pk)
    assert vu_du_guichet == dossier and not vu_du_guichet.est_porteur
    for persona in ("autre_porteur", "agent_region", "instructeur_etat", "inconnu"):
        with pytest.raises(Http404):
            dossier_et_membres_ou_404(request.getfixturevalue(persona), dossier.pk)
    with pytest.raises(Http404):
        dossier_et_membres_ou_404(porteur, 999999)


def test_le_guichet_ne_modifie_pas_le_dossier(dossier, agent_sp_douai):
    with pytest.raises(Http404):
        dossier_ou_404(agent_sp_douai, dossier.pk, MODIFIER)


def test_la_liste_tient_en_une_requete(dossier, porteur, django_assert_num_queries):
    DossierFactory.create_batch(3)
    # The roles are read once per request (the menu reads them first), cached on the user.
    assert porteur.roles
    with django_assert_num_queries(1):
        assert list(dossiers_visibles(porteur)) == [dossier]


def test_le_guichet_voit_ce_qui_y_est_depose_et_rien_d_autre(
    dossier, agent_sp_douai, agent_region, structure, guichet_region
):
    # Filed at the Région only, on a commune of another arrondissement, asking the Région nothing.
    a_la_region = DossierFactory(
        structure=structure, depose=True, guichet=guichet_region, communes=[CommuneFactory()]
    )
    assert set(dossiers_visibles(agent_sp_douai)) == {dossier}
    assert set(dossiers_visibles(agent_region)) == {a_la_region}
