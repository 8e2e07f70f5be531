"""Dashboards and exports run a fixed number of queries, whatever the number of dossiers."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse

from cper.comptes.models import User
from cper.referentiel.models import Commune
from demo.comptes import Silence
from demo.generation import generer
from dossiers import agregats
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier
from gouvernance import fichiers, perimetres
from gouvernance.enums import EtatExport
from gouvernance.models import Export
from gouvernance.selectors import tableaux
from gouvernance.selectors.maquette import maquette
from gouvernance.tasks import produire_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def referentiel(db, settings):
    settings.SETTINGS_MODULE = "cper.settings.test"  # comptes_demo refuses to run without it
    call_command("import_territoires", verbosity=0, stdout=Silence())
    call_command("charger_referentiel", verbosity=0, stdout=Silence())


def _seme(n):
    generer(n)
    # Small runs may put nothing on the Côte d'Opale: move one filed dossier to Boulogne too.
    boulogne = Commune.objects.get(code_insee="62160")
    dossier = Dossier.objects.exclude(etat=E.BROUILLON).order_by("pk").first()
    dossier.communes.add(boulogne)
    agregats.recalculer_dossier(dossier.pk)
    return (
        User.objects.get(email="pilotage@demo.cper.fr"),
        User.objects.get(email="concertation.opale@demo.cper.fr"),
    )


@pytest.mark.parametrize("n", [3, 30])
def test_tableau_de_pilotage(client, django_assert_num_queries, referentiel, n):
    pilote, _ = _seme(n)
    client.force_login(pilote)
    url = reverse("gouvernance:pilotage")
    client.get(url)  # warms the per-process content-type cache
    # 1 session, 2 user, 3 the application that verified the session (the demo pilotage
    # member is of the secretariat: second factor) with the user's roles, 4 the maquette
    # (volets × signatories, envelopes, kept totals), 5 the funnel and delays, 6 the
    # territories: 4-6 sent in one round trip (a pipeline), each a statement prepared once
    # per connection.
    with django_assert_num_queries(6):
        reponse = client.get(url)
    assert reponse.status_code == 200


def test_le_tableau_de_pilotage_en_un_aller_retour_a_les_chiffres_de_chaque_lecture(referentiel):
    _seme(30)
    ensemble = tableaux.tableau_de_bord_pilotage()
    assert repr(ensemble.maquette) == repr(maquette())
    assert ensemble.entonnoir == tableaux.entonnoir()
    assert ensemble.delais == tableaux.delais()
    assert ensemble.delais_versement == tableaux.delais_versement()
    assert ensemble.territoires == tableaux.repartition_territoriale()


@pytest.mark.parametrize("n", [3, 30])
def test_tableau_du_territoire(client, django_assert_num_queries, referentiel, n):
    _, membre = _seme(n)
    client.force_login(membre)
    url = reverse("gouvernance:territoire")
    client.get(url)
    # 1 session, 2 user, 3 roles, 4 the member's seat and territory, 5 volet × state summary
    # (the list's count too), 6 the page of dossiers with their amounts and communes, 7 volets
    # of the filter form.
    with django_assert_num_queries(7):
        reponse = client.get(url)
    assert reponse.status_code == 200
    mandat = perimetres.mandat_concertation(membre)
    assert reponse.context["page_obj"].paginator.count == (
        perimetres.dossiers_du_territoire(mandat).count()
    )


def test_le_nombre_filtre_est_celui_des_dossiers_du_territoire(client, referentiel):
    # The list's count comes from the summary's rows: per state, per volet, both, as a
    # COUNT(*) of the territory's dossiers gives it.
    _, membre = _seme(30)
    client.force_login(membre)
    mandat = perimetres.mandat_concertation(membre)
    dossiers = perimetres.dossiers_du_territoire(mandat)
    dossier = dossiers.exclude(volet=None).first()
    for filtres in (
        {"etat": dossier.etat},
        {"volet": dossier.volet_id},
        {"etat": dossier.etat, "volet": dossier.volet_id},
        {"etat": E.CLOTURE},
    ):
        reponse = client.get(reverse("gouvernance:territoire"), filtres)
        assert reponse.context["page_obj"].paginator.count == dossiers.filter(**filtres).count()


@pytest.mark.parametrize("n", [3, 30])
def test_page_d_un_dossier_du_territoire(client, django_assert_num_queries, referentiel, n):
    _, membre = _seme(n)
    dossier = perimetres.dossiers_du_territoire(perimetres.mandat_concertation(membre)).first()
    client.force_login(membre)
    url = reverse("gouvernance:territoire_dossier", args=[dossier.pk])
    client.get(url)
    # 1 session, 2 user, 3 roles, 4 seat, 5 the dossier in scope with its amounts,
    # 6 communes, 7 observations.
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize(
    ("tableau", "requetes"),
    [
        # 1 the export with its author, the table's own queries, 1 the export saved.
        ("maquette", 3),  # the maquette's one
        ("entonnoir", 3),
        ("delais", 3),
        ("territoires-epci", 3),
        ("delais-versement", 3),
        ("execution-territoires", 3),
    ],
)
def test_exports_du_pilotage(django_assert_num_queries, referentiel, n, tableau, requetes):
    pilote, _ = _seme(n)
    export = Export.objects.create(
        demandeur=pilote, page="pilotage", tableau=tableau, format="xlsx"
    )
    with django_assert_num_queries(requetes):
        assert produire_export(export.pk) == EtatExport.PRET


@pytest.mark.parametrize("n", [3, 30])
def test_export_des_dossiers_du_territoire(django_assert_num_queries, referentiel, n):
    _, membre = _seme(n)
    export = Export.objects.create(
        demandeur=membre, page="territoire", tableau="dossiers", format="csv"
    )
    # 1 the export with its author, 2 their seat, 3 the dossiers as plain values with their
    # amounts and communes, 4 the export saved.
    with django_assert_num_queries(4):
        assert produire_export(export.pk) == EtatExport.PRET


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("tableau", ["execution", "entonnoir", "volets-etats"])
def test_exports_de_la_synthese_du_territoire(django_assert_num_queries, referentiel, n, tableau):
    _, membre = _seme(n)
    export = Export.objects.create(
        demandeur=membre, page="territoire", tableau=tableau, format="xlsx"
    )
    # 1 the export with its author, 2 their seat, 3 the territory's kept rows (per volet ×
    # state, execution per signatory, funnel), 4 the export saved.
    with django_assert_num_queries(4):
        assert produire_export(export.pk) == EtatExport.PRET


def test_le_mandat_compile_une_fois_est_celui_de_l_orm(referentiel):
    pilote, membre = _seme(3)
    for user in (membre, pilote, AnonymousUser()):
        mandat = perimetres.mandat_concertation(user)
        if not user.is_authenticated:
            assert mandat is None
            continue
        attendu = perimetres._MANDATS.queryset(user_id=user.pk).first()
        assert (mandat is None) == (attendu is None) == (user == pilote)
        if mandat is not None:
            assert mandat.__dict__.keys() == attendu.__dict__.keys()
            assert mandat.territoire == attendu.territoire
            assert mandat._state.fields_cache.keys() == attendu._state.fields_cache.keys()


def test_la_page_compilee_une_fois_est_celle_de_l_orm(referentiel):
    _pilote, membre = _seme(30)
    mandat = perimetres.mandat_concertation(membre)
    cle = tableaux.cle_du_territoire(mandat.territoire)
    compilee = fichiers._PAGE_DU_TERRITOIRE
    assert compilee.queryset(cle=cle).count() > 2
    for debut, fin in ((0, 50), (1, 3), (0, 1), (1000, 1050)):
        lignes = compilee(cle=cle, debut=debut, fin=fin)
        assert lignes == list(compilee.queryset(cle=cle)[debut:fin])
    # The first page, compiled per territory with its key and LIMIT written in the SQL.
    for fin in (50, 2):
        premiere = fichiers._premiere_page(cle, fin)
        assert fichiers._premiere_page(cle, fin) is premiere
        assert premiere() == list(compilee.queryset(cle=cle)[:fin])
    assert fichiers._premiere_page("pole:0", 50)() == []
    # The page without a filter reads those rows; a filtered one, the ORM's.
    for requete in ("", "etat=depose"):
        _filtres, liste = fichiers.dossiers_filtres(mandat, QueryDict(requete), valeurs=True)
        assert list(liste[0:2]) == list(liste.queryset[0:2])
        assert (liste._tranches is None) == bool(requete)
    autre = perimetres.dossiers_suivis_sur(["pole:0"])
    assert not autre.exists()
