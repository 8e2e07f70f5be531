"""Closing a séance: the relevé de décisions in PDF, the porteurs told and able to download it."""

import io
from decimal import Decimal
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cper.models import Notification
from dossiers import agregats
from gouvernance import tasks
from gouvernance.enums import EtatSeance
from gouvernance.services import seances as services

from .conftest import point_de


@pytest.fixture
def seance_decidee(seance_convoquee, secretariat, dossier_instruit, autre_dossier_instruit):
    services.decision_prendre(
        point=point_de(seance_convoquee, dossier_instruit),
        par=secretariat,
        sens="programme",
        montants={
            dossier_instruit.financements.get(financeur__code="etat").financeur_id: Decimal(
                "30000.50"
            ),
            dossier_instruit.financements.get(financeur__code="region").financeur_id: Decimal(
                "25000"
            ),
        },
    )
    services.decision_prendre(
        point=point_de(seance_convoquee, autre_dossier_instruit),
        par=secretariat,
        sens="ajourne",
        motif="L'étude de trafic doit être actualisée.",
    )
    return seance_convoquee


@pytest.fixture
def seance_close(client, secretariat, seance_decidee, django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("gouvernance:clore", args=[seance_decidee.pk]))
    seance_decidee.refresh_from_db()
    return seance_decidee


def _texte_pdf(contenu: bytes) -> str:
    texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(contenu)).pages)
    return " ".join(texte.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_on_ne_clot_pas_avant_que_tout_soit_decide(client, secretariat, seance_convoquee):
    client.force_login(secretariat)
    html = unescape(client.get(reverse("gouvernance:seance", args=[seance_convoquee.pk])).text)
    assert "Clore la séance" not in html
    reponse = client.post(reverse("gouvernance:clore", args=[seance_convoquee.pk]), follow=True)
    assert "Chaque point de l'ordre du jour doit avoir sa décision." in unescape(reponse.text)
    seance_convoquee.refresh_from_db()
    assert seance_convoquee.etat == EtatSeance.CONVOQUEE


def test_clore_produit_le_releve_de_decisions(
    client, seance_close, dossier_instruit, autre_dossier_instruit
):
    assert seance_close.etat == EtatSeance.CLOSE
    assert seance_close.close_le <= timezone.now()
    html = unescape(client.get(reverse("gouvernance:seance", args=[seance_close.pk])).text)
    assert "Télécharger le relevé de décisions (PDF)" in html
    reponse = client.get(reverse("gouvernance:releve", args=[seance_close.pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"].startswith("attachment;")
    assert "no-store" in reponse["Cache-Control"] and "private" in reponse["Cache-Control"]
    texte = _texte_pdf(b"".join(reponse.streaming_content))
    assert dossier_instruit.numero in texte
    assert autre_dossier_instruit.numero in texte
    assert "30 000,50 €" in texte
    assert "25 000,00 €" in texte
    assert "Ajourné" in texte
    assert "L'étude de trafic doit être actualisée." in texte
    assert "Le préfet de la région Hauts-de-France" in texte
    assert "Le président du Conseil régional" in texte


def test_les_porteurs_sont_informes_une_fois(seance_close, porteur, autre_porteur):
    destinataires = sorted(m.to[0] for m in mail.outbox)
    assert destinataires == sorted([porteur.email, autre_porteur.email])
    message = next(m for m in mail.outbox if m.to == [porteur.email])
    assert "décision de l'instance de pilotage (programmé)" in message.subject
    assert "30 000,50" in message.body.replace("\u202f", " ")
    assert Notification.objects.filter(user=porteur).count() == 1
    notification = Notification.objects.get(user=autre_porteur)
    assert "ajourné" in notification.texte
    # A retried task notifies nobody twice.
    assert tasks.cloturer(seance_close.pk) == 0
    assert len(mail.outbox) == 2


def test_le_porteur_voit_la_decision_et_telecharge_le_releve(
    client, seance_close, porteur, dossier_instruit
):
    client.force_login(porteur)
    html = unescape(
        client.get(reverse("instruction:porteur_dossier", args=[dossier_instruit.pk])).text
    )
    assert "Décision de l'instance de pilotage" in html
    assert "Programmé — séance du" in html
    assert "30\u202f000,50\u00a0€" in html
    assert "Télécharger le relevé de décisions (PDF)" in html
    reponse = client.get(reverse("gouvernance:releve", args=[seance_close.pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"


def test_le_porteur_ajourne_voit_le_motif(
    client, seance_close, autre_porteur, autre_dossier_instruit
):
    client.force_login(autre_porteur)
    html = unescape(
        client.get(reverse("instruction:porteur_dossier", args=[autre_dossier_instruit.pk])).text
    )
    assert "Ajourné — séance du" in html
    assert "L'étude de trafic doit être actualisée." in html


@pytest.mark.parametrize("persona", ["inconnu", "agent_sp_douai", "instructeur_etat"])
def test_les_autres_ne_telechargent_pas_le_releve(client, request, seance_close, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("gouvernance:releve", args=[seance_close.pk])).status_code == 404


def test_un_porteur_etranger_a_la_seance_recoit_404(client, seance_close, db):
    from cper.comptes.enums import Role
    from tests.factories import StructureFactory, UserFactory

    etranger = UserFactory(email="etranger@exemple.fr", roles=[Role.PORTEUR])
    StructureFactory(raison_sociale="Commune de Lens", membres=[etranger])
    client.force_login(etranger)
    assert client.get(reverse("gouvernance:releve", args=[seance_close.pk])).status_code == 404


def test_avant_la_cloture_le_porteur_ne_voit_rien(
    client, seance_decidee, porteur, dossier_instruit
):
    client.force_login(porteur)
    html = client.get(reverse("instruction:porteur_dossier", args=[dossier_instruit.pk])).text
    assert "relevé de décisions" not in html
    assert client.get(reverse("gouvernance:releve", args=[seance_decidee.pk])).status_code == 404


def test_un_dossier_retire_en_cours_de_seance_ne_bloque_pas_la_cloture(
    client,
    secretariat,
    seance_convoquee,
    dossier_instruit,
    autre_dossier_instruit,
    porteur,
    django_capture_on_commit_callbacks,
):
    dossier_instruit.retirer(by=porteur, description="Projet abandonné.")
    dossier_instruit.save()
    agregats.recalculer_dossier(dossier_instruit.pk)  # as dossier_retirer does
    services.decision_prendre(
        point=point_de(seance_convoquee, autre_dossier_instruit),
        par=secretariat,
        sens="rejete",
        motif="Hors du champ du volet.",
    )
    client.force_login(secretariat)
    html = unescape(client.get(reverse("gouvernance:seance", args=[seance_convoquee.pk])).text)
    assert "Le dossier est retiré : il n'y a plus de décision à prendre." in html
    assert f"Décider sur le dossier {dossier_instruit.numero}" not in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("gouvernance:clore", args=[seance_convoquee.pk]))
    seance_convoquee.refresh_from_db()
    assert seance_convoquee.etat == EtatSeance.CLOSE
    texte = _texte_pdf(seance_convoquee.releve.read())
    assert "Sans décision : le dossier est retiré." in texte
    assert [m.to for m in mail.outbox] == [[autre_dossier_instruit.structure.membres.get().email]]


def test_l_agent_du_dossier_voit_la_decision_et_telecharge_le_releve(
    client, seance_close, dossier_instruit
):
    from cper.comptes.enums import Role
    from tests.factories.comptes import UserFactory

    agent = UserFactory(roles=[Role.AGENT_GUICHET])
    agent.groups.add(dossier_instruit.guichet.groupe)
    client.force_login(agent)
    html = unescape(client.get(reverse("instruction:dossier", args=[dossier_instruit.pk])).text)
    assert "Programmé" in html
    assert "30 000,50" in html.replace("\u202f", " ").replace("\xa0", " ")
    releve = reverse("gouvernance:releve", args=[seance_close.pk])
    assert f'href="{releve}"' in html
    reponse = client.get(releve)
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
