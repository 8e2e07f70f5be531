"""clamd unreachable: the upload is kept in quarantine, served to nobody, until the beat job."""

from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cper.televersement import antivirus
from cper.televersement.enums import EvenementAntivirus, StatutAntivirus
from cper.televersement.models import AlerteAntivirus
from cper.televersement.tasks import analyser_quarantaine
from dossiers.models import Piece
from instruction.models import PieceJointe
from tests.factories.dossiers import PDF_MINIMAL
from tests.televersement.corpus import pdf_avec_eicar


@pytest.fixture
def clamd_injoignable(settings, tmp_path, clamd_reel):
    """A socket path where nothing listens: the scanner is really unreachable."""
    settings.CLAMD_SOCKET = str(tmp_path / "personne.sock")
    assert not antivirus.disponible()
    return clamd_reel


def _joindre(client, dossier, contenu, nom="deliberation.pdf"):
    return client.post(
        reverse("dossiers:pieces", args=[dossier.pk]),
        {"type_piece": "deliberation", "fichier": SimpleUploadedFile(nom, contenu)},
    )


def test_sans_antivirus_la_piece_attend_puis_devient_disponible(
    client, porteur, brouillon, settings, clamd_injoignable
):
    client.force_login(porteur)
    assert _joindre(client, brouillon, PDF_MINIMAL).status_code == 302
    piece = Piece.objects.get(dossier=brouillon)
    assert piece.statut_antivirus == StatutAntivirus.EN_ANALYSE
    assert "En cours d'analyse" in client.get(reverse("dossiers:pieces", args=[brouillon.pk])).text
    url = reverse("dossiers:piece_telecharger", args=[brouillon.pk, piece.pk])
    assert client.get(url).status_code == 404
    # Still down: the beat job leaves it waiting.
    assert analyser_quarantaine()["sain"] == 0
    settings.CLAMD_SOCKET = clamd_injoignable
    assert analyser_quarantaine()["sain"] == 1
    piece.refresh_from_db()
    assert piece.statut_antivirus == StatutAntivirus.SAIN
    client.force_login(porteur)
    reponse = client.get(url)
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == PDF_MINIMAL


def test_un_fichier_infecte_en_quarantaine_est_supprime_journalise_et_signale(
    client, porteur, brouillon, settings, clamd_injoignable, django_capture_on_commit_callbacks
):
    client.force_login(porteur)
    assert _joindre(client, brouillon, pdf_avec_eicar(), "propre.pdf").status_code == 302
    piece = Piece.objects.get(dossier=brouillon)
    chemin = Path(piece.fichier.path)
    assert chemin.exists()
    mail.outbox.clear()

    settings.CLAMD_SOCKET = clamd_injoignable
    with django_capture_on_commit_callbacks(execute=True):
        bilan = analyser_quarantaine()
    assert bilan["infecte"] == 1
    assert not Piece.objects.filter(pk=piece.pk).exists()
    assert not chemin.exists()
    alerte = AlerteAntivirus.objects.get()
    assert alerte.evenement == EvenementAntivirus.SUPPRIME
    assert (alerte.user, alerte.sha256, alerte.usage) == (porteur, piece.sha256, "piece")
    assert "EICAR" in alerte.signature.upper()
    assert alerte.objet == f"dossiers.piece:{piece.pk}"
    assert [m.to for m in mail.outbox] == [[porteur.email]]
    assert "propre.pdf" in mail.outbox[0].body
    assert "virus" in mail.outbox[0].body


def test_sans_antivirus_une_piece_jointe_attend_aussi(
    client, porteur, agent_sp_douai, dossier_depose, settings, clamd_injoignable
):
    client.force_login(porteur)
    client.post(
        reverse("instruction:ecrire_porteur", args=[dossier_depose.pk]),
        {"texte": "Ci-joint.", "piece_jointe": SimpleUploadedFile("a.pdf", PDF_MINIMAL)},
    )
    pj = PieceJointe.objects.get()
    assert pj.statut_antivirus == StatutAntivirus.EN_ANALYSE
    client.force_login(agent_sp_douai)
    page = client.get(reverse("instruction:dossier", args=[dossier_depose.pk])).text
    assert "en cours d'analyse antivirus" in page
    assert client.get(reverse("instruction:piece_jointe", args=[pj.pk])).status_code == 404
    settings.CLAMD_SOCKET = clamd_injoignable
    analyser_quarantaine()
    assert client.get(reverse("instruction:piece_jointe", args=[pj.pk])).status_code == 200


def test_sans_antivirus_un_import_est_refuse_sans_rien_changer(
    client, administrateur, clamd_injoignable
):
    client.force_login(administrateur)
    reponse = client.post(
        reverse("admin:referentiel_financeur_import"),
        {
            "import_file": SimpleUploadedFile("financeurs.csv", b"code,nom\netat,Etat\n"),
            "format": "0",
        },
    )
    assert "analyse antivirus est momentanément indisponible" in reponse.text
