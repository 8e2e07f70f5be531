"""Agents' queues: a dossier handed to a colleague, « mes dossiers », the queue as a file."""

import csv
import io
import zipfile
from xml.etree import ElementTree

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from cper.comptes.enums import Role
from instruction import services
from instruction.models import Affectation
from tests.factories import DossierFactory, StructureFactory
from tests.factories.comptes import UserFactory


@pytest.fixture
def collegue_douai(guichet_douai):
    agent = UserFactory(
        email="collegue.douai@exemple.fr",
        first_name="Camille",
        last_name="Lefebvre",
        roles=[Role.AGENT_GUICHET],
    )
    agent.groups.add(guichet_douai.groupe)
    return agent


def test_confier_un_dossier_a_un_collegue_du_guichet(
    client, agent_sp_douai, collegue_douai, dossier_depose, django_capture_on_commit_callbacks
):
    from django.core import mail

    client.force_login(agent_sp_douai)
    url = reverse("instruction:affecter", args=[dossier_depose.pk])
    page = client.get(url).text
    assert "Camille Lefebvre" in page
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url, {"agent": collegue_douai.pk}, follow=True)
    assert "Dossier confié à Camille Lefebvre." in reponse.text
    # The colleague is told, once, by e-mail and in the application.
    assert [m.to for m in mail.outbox] == [[collegue_douai.email]]
    assert f"Dossier {dossier_depose.numero} : il vous est confié" == mail.outbox[0].subject
    assert "Camille Lefebvre" in reponse.text  # « Suivi par » on the dossier page
    # The colleague finds it under « mes dossiers »; the first agent does not.
    client.force_login(collegue_douai)
    miens = client.get(reverse("instruction:guichet"), {"miens": "on"}).text
    assert dossier_depose.numero in miens
    client.force_login(agent_sp_douai)
    assert dossier_depose.numero not in (
        client.get(reverse("instruction:guichet"), {"miens": "on"}).text
    )


def test_chaque_affectation_est_gardee(agent_sp_douai, collegue_douai, dossier_depose):
    services.dossier_affecter(dossier=dossier_depose, par=agent_sp_douai, agent=collegue_douai)
    services.dossier_affecter(dossier=dossier_depose, par=collegue_douai, agent=None)
    lignes = list(Affectation.objects.filter(dossier=dossier_depose).order_by("pk"))
    assert [(a.agent, a.par, a.en_cours) for a in lignes] == [
        (collegue_douai, agent_sp_douai, False),
        (None, collegue_douai, True),
    ]


def test_pas_a_un_agent_d_un_autre_guichet(
    client, agent_sp_douai, agent_region, instructeur_etat, dossier_depose
):
    with pytest.raises(ValidationError):
        services.dossier_affecter(dossier=dossier_depose, par=agent_sp_douai, agent=agent_region)
    with pytest.raises(PermissionDenied):
        services.dossier_affecter(dossier=dossier_depose, par=agent_region, agent=agent_region)
    client.force_login(agent_sp_douai)
    url = reverse("instruction:affecter", args=[dossier_depose.pk])
    reponse = client.post(url, {"agent": agent_region.pk})
    assert reponse.status_code == 200
    assert "agent.region" not in reponse.text
    assert not Affectation.objects.exists()
    # Another guichet's agent does not even see that the dossier exists.
    client.force_login(agent_region)
    assert client.get(url).status_code == 404


def test_un_instructeur_confie_a_un_membre_du_groupe(
    client, instructeur_etat, instructeur_region, agent_sp_douai, dossier_en_instruction
):
    client.force_login(instructeur_etat)
    url = reverse("instruction:affecter", args=[dossier_en_instruction.pk])
    page = client.get(url).text
    assert "instructeur.region@exemple.fr" in page or instructeur_region.last_name in page
    assert "agent.douai@exemple.fr" not in page
    client.post(url, {"agent": instructeur_region.pk})
    assert Affectation.objects.get(en_cours=True).agent == instructeur_region


def _file_douai(guichet, n):
    structure = StructureFactory(raison_sociale='=HYPERLINK("http://x")')
    for i in range(n):
        (DossierFactory(depose=True, structure=structure, guichet=guichet, intitule=f"Gare {i}"))
    (DossierFactory(depose=True, structure=structure, guichet=guichet, intitule="Voie verte"))


def test_export_csv_de_la_file_filtree(client, agent_sp_douai, guichet_douai):
    _file_douai(guichet_douai, 3)
    client.force_login(agent_sp_douai)
    reponse = client.get(
        reverse("instruction:guichet_export", args=["csv"]), {"q": "gare", "onglet": "a_traiter"}
    )
    assert reponse["Content-Disposition"].startswith('attachment; filename="cper-guichet-a_traiter')
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][:3] == ["Numéro", "Intitulé", "Structure porteuse"]
    assert sorted(ligne[1] for ligne in lignes[1:]) == ["Gare 0", "Gare 1", "Gare 2"]
    # A structure named like a formula stays text.
    assert lignes[1][2] == '\'=HYPERLINK("http://x")'


def test_export_xlsx_et_ods(client, agent_sp_douai, guichet_douai):
    _file_douai(guichet_douai, 2)
    client.force_login(agent_sp_douai)
    xlsx = client.get(reverse("instruction:guichet_export", args=["xlsx"]))
    feuille = load_workbook(io.BytesIO(xlsx.content)).active
    assert feuille.max_row == 4
    assert feuille["C2"].value == '\'=HYPERLINK("http://x")'
    ods = client.get(reverse("instruction:guichet_export", args=["ods"]))
    assert ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    archive = zipfile.ZipFile(io.BytesIO(ods.content))
    assert archive.namelist()[0] == "mimetype"
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    contenu = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314 - our own file
    textes = [e.text for e in contenu.iter("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p")]
    assert "Voie verte" in textes
    assert "Numéro" in textes


def test_un_format_inconnu_est_introuvable(client, agent_sp_douai):
    client.force_login(agent_sp_douai)
    assert client.get(reverse("instruction:guichet_export", args=["pdf"])).status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_export_en_nombre_constant_de_requetes(
    client, django_assert_num_queries, agent_sp_douai, guichet_douai, n
):
    _file_douai(guichet_douai, n)
    client.force_login(agent_sp_douai)
    url = reverse("instruction:guichet_export", args=["csv"])
    client.get(url)
    # 1 session, 2 user, 3 roles, 4 the agent's guichets and dépôts conjoints, 5 the queue's
    # rows with their group, avis, deadline and assignee (subqueries).
    with django_assert_num_queries(5):
        reponse = client.get(url)
    assert reponse.content.decode("utf-8-sig").count("\r\n") == n + 2


def test_la_file_du_guichet_envoie_ses_requetes_ensemble(client, agent_sp_douai, guichet_douai):
    """After the scope, the counts, the page, the overdue requests and the selects' choices go
    to PostgreSQL together (a psycopg pipeline: one round trip), and the page shows the same."""
    from django.db import connection
    from psycopg import pq

    _file_douai(guichet_douai, 3)
    client.force_login(agent_sp_douai)
    en_pipeline = []

    def temoin(execute, sql, params, many, context):
        statut = context["connection"].connection.pgconn.pipeline_status
        en_pipeline.append(statut != pq.PipelineStatus.OFF)
        return execute(sql, params, many, context)

    for parametres, vus, absents in (
        ({}, ["Gare 0", "Gare 2", "Voie verte"], []),
        ({"q": "gare"}, ["Gare 0", "Gare 1"], ["Voie verte"]),
        ({"onglet": "tous", "fin": "1"}, ["Gare 1", "Voie verte"], []),
    ):
        en_pipeline.clear()
        with connection.execute_wrapper(temoin):
            reponse = client.get(reverse("instruction:guichet"), parametres)
        html = reponse.content.decode()
        assert reponse.status_code == 200
        assert sum(en_pipeline) == 5, parametres
        assert all(texte in html for texte in vus), parametres
        assert not any(texte in html for texte in absents), parametres
        assert "Déclarer recevables et router" in html
