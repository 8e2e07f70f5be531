"""Dashboards, exports and the API read from the replica alias; everything else from the primary.

Here the replica is the primary itself (DATABASE_REPLICA_URL unset), as on a single machine;
the data are committed (transaction=True) so that the replica's own connection sees them.
"""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cper.lecture import replique
from dossiers.models import AgregatVolet, Dossier, TotalSuivi
from gouvernance import fichiers, perimetres
from tests.factories import EnveloppeFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def _tables(capture) -> str:
    return " ".join(q["sql"] for q in capture.captured_queries)


def test_la_replique_est_par_defaut_la_base_principale():
    principale, lecture = connections["default"].settings_dict, connections["replica"].settings_dict
    assert (lecture["NAME"], lecture["HOST"], lecture["PORT"]) == (
        principale["NAME"],
        principale["HOST"],
        principale["PORT"],
    )


def test_replique_envoie_les_lectures_du_bloc_sur_l_alias_replica(settings):
    settings.LECTURE_REPLIQUE = True
    assert Dossier.objects.all().db == "default"
    with replique():
        assert Dossier.objects.all().db == "replica"
    assert Dossier.objects.all().db == "default"
    settings.LECTURE_REPLIQUE = False
    with replique():
        assert Dossier.objects.all().db == "default"


def test_le_tableau_de_pilotage_lit_sur_la_replique(client, settings, membre_pilotage):
    settings.LECTURE_REPLIQUE = True
    EnveloppeFactory()
    client.force_login(membre_pilotage)
    url = reverse("gouvernance:pilotage")
    client.get(url)  # content types and other per-process caches
    with (
        CaptureQueriesContext(connections["default"]) as principale,
        CaptureQueriesContext(connections["replica"]) as lecture,
    ):
        reponse = client.get(url)
    assert reponse.status_code == 200
    assert AgregatVolet._meta.db_table in _tables(lecture)
    assert TotalSuivi._meta.db_table in _tables(lecture)  # funnel, delays, territories
    # The primary only answers the access checks (session, user, roles, second factor).
    for requete in principale.captured_queries:
        assert "dossiers_" not in requete["sql"] and "django_fsm_log" not in requete["sql"]


def test_les_requetes_compilees_lisent_ou_l_orm_lirait(settings, membre_pilotage):
    """SQL compiled once per process (cper.requetes) is read where the ORM would read it."""
    settings.LECTURE_REPLIQUE = True
    with (
        CaptureQueriesContext(connections["replica"]) as lecture,
        CaptureQueriesContext(connections["default"]) as principale,
    ):
        with replique():
            assert perimetres.mandat_concertation(membre_pilotage) is None
            assert fichiers._PAGE_DU_TERRITOIRE(cle="pole:0", debut=0, fin=10) == []
        assert perimetres.mandat_concertation(membre_pilotage) is None
    assert len(lecture) == 2
    assert len(principale) == 1
