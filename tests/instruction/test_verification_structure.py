"""The guichet verifies the structure that filed: explicitly from the dossier page, or by
declaring one of its dossiers recevable; it also decides requests to join that structure."""

import re
from html import unescape

import pytest
from django.urls import reverse

from cper.comptes.enums import Role
from dossiers.models import MembreStructure
from dossiers.services.structures import structure_demander_adhesion
from instruction import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_la_page_du_dossier_montre_la_structure_a_verifier_et_l_agent_la_confirme(
    client, agent_sp_douai, dossier_depose, caplog
):
    client.force_login(agent_sp_douai)
    url = reverse("instruction:dossier", args=[dossier_depose.pk])
    html = unescape(client.get(url).text)
    assert "Structure à vérifier" in html
    assert "Confirmer la structure" in html
    with caplog.at_level("INFO", logger="dossiers.services.structures"):
        reponse = client.post(
            reverse("instruction:verifier_structure", args=[dossier_depose.pk]), follow=True
        )
    assert "La structure porteuse est vérifiée." in unescape(reponse.text)
    assert "Structure vérifiée" in unescape(reponse.text)
    assert "Confirmer la structure" not in unescape(reponse.text)
    structure = dossier_depose.structure
    structure.refresh_from_db()
    assert structure.verifiee_par == agent_sp_douai
    assert f"Structure {structure.pk} vérifiée par le compte {agent_sp_douai.pk}" in caplog.text


def test_declarer_recevable_verifie_la_structure(
    agent_sp_douai, dossier_depose, groupe_mobilite, caplog
):
    with caplog.at_level("INFO", logger="dossiers.services.structures"):
        services.dossier_declarer_recevable(
            dossier=dossier_depose, par=agent_sp_douai, groupe_technique=groupe_mobilite
        )
    structure = dossier_depose.structure
    structure.refresh_from_db()
    assert structure.est_verifiee
    assert structure.verifiee_par == agent_sp_douai
    assert f"recevabilité du dossier {dossier_depose.pk}" in caplog.text


@pytest.mark.parametrize("persona", ["agent_region", "instructeur_etat", "porteur", "inconnu"])
def test_seul_l_agent_du_guichet_confirme_la_structure(client, request, persona, dossier_depose):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("instruction:verifier_structure", args=[dossier_depose.pk])
    assert client.post(url).status_code in (403, 404)
    dossier_depose.structure.refresh_from_db()
    assert not dossier_depose.structure.est_verifiee


def test_l_agent_du_guichet_decide_des_demandes_d_adhesion(
    client, agent_sp_douai, dossier_depose, django_capture_on_commit_callbacks
):
    demandeur = UserFactory(email="demandeur@exemple.fr", roles=[Role.PORTEUR])
    structure_demander_adhesion(structure=dossier_depose.structure, par=demandeur)
    client.force_login(agent_sp_douai)
    page = unescape(client.get(reverse("instruction:dossier", args=[dossier_depose.pk])).text)
    assert "Demandes pour rejoindre la structure en attente" in page
    url = reverse("instruction:adhesions", args=[dossier_depose.pk])
    # The buttons as a screen reader reads them (their end is visually hidden).
    page = " ".join(re.sub(r"<[^>]+>", "", unescape(client.get(url).text)).split())
    assert "Accepter la demande de demandeur@exemple.fr" in page
    assert "Refuser la demande de demandeur@exemple.fr" in page
    demande = dossier_depose.structure.demandes_adhesion.get()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url, {"demande": demande.pk, "decision": "refuser"}, follow=True)
    assert "est refusée" in unescape(reponse.text)
    assert not MembreStructure.objects.filter(user=demandeur).exists()


@pytest.mark.parametrize("persona", ["agent_region", "instructeur_etat", "porteur", "inconnu"])
def test_les_demandes_d_adhesion_hors_du_guichet_repondent_404(
    client, request, persona, dossier_depose
):
    demandeur = UserFactory(email="demandeur@exemple.fr", roles=[Role.PORTEUR])
    demande = structure_demander_adhesion(structure=dossier_depose.structure, par=demandeur)
    client.force_login(request.getfixturevalue(persona))
    url = reverse("instruction:adhesions", args=[dossier_depose.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"demande": demande.pk, "decision": "accepter"}).status_code in (
        403,
        404,
    )
    assert not MembreStructure.objects.filter(user=demandeur).exists()
