"""With Redis down, the agents' and the porteur's actions succeed; their notices wait."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cper.enums import EtatEffet
from cper.models import EffetDiffere
from dossiers.enums import EtatDossier as E
from tests.factories.dossiers import PDF_MINIMAL

pytestmark = pytest.mark.django_db


def _poster(client, django_capture_on_commit_callbacks, url, donnees):
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url, donnees, follow=True)
    assert reponse.status_code == 200
    assert reponse.redirect_chain and reponse.redirect_chain[0][1] == 302
    return reponse


def _en_attente(evenement: str) -> EffetDiffere:
    effet = EffetDiffere.objects.get(tache="instruction.tasks.notifier", arguments__1=evenement)
    assert effet.etat == EtatEffet.A_FAIRE
    return effet


def test_declarer_recevable_courtier_arrete(
    client,
    courtier_en_panne,
    agent_sp_douai,
    dossier_depose,
    groupe_mobilite,
    django_capture_on_commit_callbacks,
):
    client.force_login(agent_sp_douai)
    reponse = _poster(
        client,
        django_capture_on_commit_callbacks,
        reverse("instruction:declarer_recevable", args=[dossier_depose.pk]),
        {"groupe_technique": groupe_mobilite.pk},
    )
    assert "en seront avertis par courriel dans quelques minutes" in reponse.text
    dossier_depose.refresh_from_db()
    assert dossier_depose.etat == E.EN_INSTRUCTION
    _en_attente("recevable")


def test_complements_demandes_puis_apportes_courtier_arrete(
    client,
    courtier_en_panne,
    agent_sp_douai,
    porteur,
    dossier_depose,
    django_capture_on_commit_callbacks,
):
    client.force_login(agent_sp_douai)
    echeance = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    reponse = _poster(
        client,
        django_capture_on_commit_callbacks,
        reverse("instruction:demander_complements", args=[dossier_depose.pk]),
        {"motif": "Il manque la délibération.", "pieces": ["deliberation"], "echeance": echeance},
    )
    assert "il en sera averti par courriel dans quelques minutes" in reponse.text
    _en_attente("complements_demandes")

    client.force_login(porteur)
    fichier = SimpleUploadedFile("deliberation.pdf", PDF_MINIMAL, "application/pdf")
    reponse = _poster(
        client,
        django_capture_on_commit_callbacks,
        reverse("instruction:completer", args=[dossier_depose.pk]),
        {"reponse": "Voici la délibération.", "type_piece": "deliberation", "fichier": fichier},
    )
    assert "Vos compléments sont transmis" in reponse.text
    dossier_depose.refresh_from_db()
    assert dossier_depose.etat == E.DEPOSE
    _en_attente("complete")


def test_messages_dans_les_deux_sens_courtier_arrete(
    client,
    courtier_en_panne,
    agent_sp_douai,
    porteur,
    dossier_en_instruction,
    django_capture_on_commit_callbacks,
):
    client.force_login(agent_sp_douai)
    reponse = _poster(
        client,
        django_capture_on_commit_callbacks,
        reverse("instruction:ecrire_agent", args=[dossier_en_instruction.pk]),
        {"texte": "Pouvez-vous préciser le calendrier ?"},
    )
    assert "Message envoyé" in reponse.text
    _en_attente("message_agents")

    client.force_login(porteur)
    reponse = _poster(
        client,
        django_capture_on_commit_callbacks,
        reverse("instruction:ecrire_porteur", args=[dossier_en_instruction.pk]),
        {"texte": "Les travaux commencent en mars."},
    )
    assert "Message envoyé" in reponse.text
    _en_attente("message_porteur")
