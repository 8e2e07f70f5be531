"""The porteur's dossier page reads through SQL compiled once per process: each compiled query
reads what the ORM's queryset it stands for reads, row for row, for several dossiers."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import reverse

from cper.referentiel.models import Commune
from dossiers.models import Dossier, LigneDepense, LigneFinancement, Piece
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
    depose.communes.add(*CommuneFactory.create_batch(2), CommuneFactory(epci=None))
    LigneDepenseFactory.create_batch(2, dossier=depose, montant_ht=0, montant_ttc=0)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_deposer(dossier=depose, par=porteur, guichet=guichet_douai)
    return depose, DossierFactory(structure=structure, cree_par=porteur)


def _lire(dossiers, annotations):
    return list(dossiers.annotate(**annotations).values("pk", *annotations).order_by("pk"))


def test_les_lectures_compilees_lisent_ce_que_lit_l_orm(deux_dossiers, porteur):
    orm = lecture._listes_orm()
    dossiers = Dossier.objects.filter(pk__in=[d.pk for d in deux_dossiers])
    assert _lire(dossiers, lecture._listes()) == _lire(dossiers, orm)
    type_dossier = ContentType.objects.get_for_model(Dossier).pk
    for dossier in deux_dossiers:
        [lu] = _memes(lecture._DOSSIER, pk=dossier.pk)
        assert porteur.pk in lu.membres_ids
        _memes(lecture._JOURNAL, content_type_id=type_dossier, dossier_ids=[dossier.pk])
    assert lecture._DOSSIER(pk=deux_dossiers[0].pk + 1000) == []


def test_les_listes_lues_dans_la_requete_du_dossier_sont_celles_de_l_orm(deux_dossiers, porteur):
    """What the page shows of each line, from the arrays of the dossier's row as from the
    ORM's own queries."""
    for dossier in deux_dossiers:
        lu = lecture.dossier_complet(porteur, dossier.pk)
        communes = Commune.objects.filter(dossiers=dossier).select_related("arrondissement", "epci")
        assert [(c.pk, str(c), str(c.epci), str(c.arrondissement)) for c in lu.liste_communes] == [
            (c.pk, str(c), str(c.epci), str(c.arrondissement)) for c in communes.order_by("nom")
        ]
        assert [
            (d.pk, d.get_nature_display(), d.libelle, d.montant_ht, d.montant_ttc)
            for d in lu.lignes_depense
        ] == [
            (d.pk, d.get_nature_display(), d.libelle, d.montant_ht, d.montant_ttc)
            for d in LigneDepense.objects.filter(dossier=dossier)
        ]
        assert [
            (f.pk, str(f.financeur), f.financeur.public, f.precision, f.montant_demande)
            for f in lu.lignes_financement
        ] == [
            (f.pk, str(f.financeur), f.financeur.public, f.precision, f.montant_demande)
            for f in LigneFinancement.objects.filter(dossier=dossier).select_related("financeur")
        ]
        assert [
            (p.pk, p.get_type_display(), p.nom_original, p.disponible) for p in lu.liste_pieces
        ] == [
            (p.pk, p.get_type_display(), p.nom_original, p.disponible)
            for p in Piece.objects.filter(dossier=dossier)
        ]
        for porteur_ou_agent in (True, False):
            assert lecture.chronologie(lu, pour_le_porteur=porteur_ou_agent) == (
                lecture.chronologie(
                    Dossier.objects.get(pk=dossier.pk), pour_le_porteur=porteur_ou_agent
                )
            )
    depose = lecture.dossier_complet(porteur, deux_dossiers[0].pk)
    assert len(depose.liste_communes) >= 3 and len(depose.lignes_depense) >= 2
    assert depose.lignes_financement and depose.liste_pieces and len(depose.journal) >= 1
    assert None in [c.epci for c in depose.liste_communes]
    assert any(c.epci for c in depose.liste_communes)


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
