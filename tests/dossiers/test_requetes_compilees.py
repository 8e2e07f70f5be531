"""The porteur's dossier page reads through SQL compiled once per process: each compiled query
reads what the ORM's queryset it stands for reads, row for row, for several dossiers."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import reverse

from dossiers.models import Dossier
from dossiers.selectors import porteur as lecture
from dossiers.services.depot import dossier_deposer
from tests.dossiers.complets import dossier_complet
from tests.factories import CommuneFactory, DossierFactory, LigneDepenseFactory, UserFactory


def _contenu(objet, profondeur=0):
    """An instance's values and those of the related instances it came with (select_related)."""
    if objet is None or profondeur > 3:
        return None
    valeurs = {k: v for k, v in objet.__dict__.items() if k != "_state"}
    valeurs["_lies"] = {
        nom: _contenu(lie, profondeur + 1) for nom, lie in objet._state.fields_cache.items()
    }
    return valeurs


def _memes(compilee, **ids):
    lus = compilee(**ids)
    assert [_contenu(o) for o in lus] == [_contenu(o) for o in compilee.queryset(**ids)]
    return lus


@pytest.fixture
def deux_dossiers(structure, porteur, guichet_douai, django_capture_on_commit_callbacks):
    depose = dossier_complet(structure=structure, porteur=porteur)
    depose.communes.add(*CommuneFactory.create_batch(2))
    LigneDepenseFactory.create_batch(2, dossier=depose, montant_ht=0, montant_ttc=0)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_deposer(dossier=depose, par=porteur, guichet=guichet_douai)
    return depose, DossierFactory(structure=structure, cree_par=porteur)


def test_les_lectures_compilees_lisent_ce_que_lit_l_orm(deux_dossiers, porteur):
    type_dossier = ContentType.objects.get_for_model(Dossier).pk
    for dossier in deux_dossiers:
        [lu] = _memes(lecture._DOSSIER, pk=dossier.pk)
        assert porteur.pk in lu.membres_ids
        for compilee in (
            lecture._COMMUNES,
            lecture._DEPENSES,
            lecture._FINANCEMENTS,
            lecture._PIECES,
        ):
            _memes(compilee, dossier_id=dossier.pk)
        _memes(lecture._JOURNAL, content_type_id=type_dossier, dossier_ids=[dossier.pk])
    depose = deux_dossiers[0]
    assert len(lecture._COMMUNES(dossier_id=depose.pk)) >= 2
    assert len(lecture._DEPENSES(dossier_id=depose.pk)) >= 2
    assert lecture._FINANCEMENTS(dossier_id=depose.pk)
    assert lecture._JOURNAL(content_type_id=type_dossier, dossier_ids=[depose.pk])
    assert lecture._DOSSIER(pk=depose.pk + 1000) == []


def test_hors_de_ses_structures_ou_hors_limites_le_porteur_a_une_404(deux_dossiers, porteur):
    inconnu = UserFactory()
    for dossier in deux_dossiers:
        with pytest.raises(Http404):
            lecture.dossier_complet(inconnu, dossier.pk)
        assert lecture.dossier_complet(porteur, dossier.pk).est_porteur
    for pk in (0, -1, 2**63, 2**70, "x", None):
        with pytest.raises(Http404):
            lecture.dossier_complet(porteur, pk)


def test_la_page_reste_fermee_aux_inconnus(client, deux_dossiers):
    client.force_login(UserFactory())
    for dossier in deux_dossiers:
        assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 404
