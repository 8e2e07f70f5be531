"""Real documents are accepted on every path and served back safely, whatever the browser said."""

import logging
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cper.televersement.enums import StatutAntivirus
from dossiers.models import Piece, Recepisse
from instruction.models import PieceJointe, RapportInstruction
from tests.factories.dossiers import PDF_MINIMAL
from tests.televersement.corpus import legitimes


def _servi_en_piece_jointe(reponse, type_mime: str, contenu: bytes) -> None:
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == type_mime
    assert reponse["X-Content-Type-Options"] == "nosniff"
    directives = {d.strip() for d in reponse["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert reponse["Content-Disposition"].startswith("attachment;")
    assert b"".join(reponse.streaming_content) == contenu


@pytest.mark.parametrize(("nom", "contenu", "type_mime"), legitimes())
def test_une_piece_legitime_est_jointe_puis_servie_avec_son_vrai_type(
    client, porteur, brouillon, nom, contenu, type_mime
):
    client.force_login(porteur)
    # The browser claims HTML: the server stores and serves what the bytes are.
    reponse = client.post(
        reverse("dossiers:pieces", args=[brouillon.pk]),
        {"type_piece": "deliberation", "fichier": SimpleUploadedFile(nom, contenu, "text/html")},
    )
    assert reponse.status_code == 302
    piece = Piece.objects.get(dossier=brouillon)
    assert (piece.type_mime, piece.statut_antivirus) == (type_mime, StatutAntivirus.SAIN)
    # The stored name is ours, never the user's.
    assert nom not in piece.fichier.name
    reponse = client.get(reverse("dossiers:piece_telecharger", args=[brouillon.pk, piece.pk]))
    _servi_en_piece_jointe(reponse, type_mime, contenu)


@pytest.mark.parametrize(("nom", "contenu", "type_mime"), legitimes())
def test_une_piece_jointe_legitime_passe_du_porteur_a_l_agent(
    client, porteur, agent_sp_douai, dossier_depose, nom, contenu, type_mime
):
    client.force_login(porteur)
    client.post(
        reverse("instruction:ecrire_porteur", args=[dossier_depose.pk]),
        {"texte": "Ci-joint.", "piece_jointe": SimpleUploadedFile(nom, contenu, "text/html")},
    )
    pj = PieceJointe.objects.get(message__dossier=dossier_depose)
    assert pj.type_mime == type_mime
    client.force_login(agent_sp_douai)
    reponse = client.get(reverse("instruction:piece_jointe", args=[pj.pk]))
    _servi_en_piece_jointe(reponse, type_mime, contenu)


def test_les_complements_acceptent_un_vrai_pdf(client, porteur, dossier_incomplet):
    client.force_login(porteur)
    client.post(
        reverse("instruction:completer", args=[dossier_incomplet.pk]),
        {
            "reponse": "Voici la délibération.",
            "type_piece": "deliberation",
            "fichier": SimpleUploadedFile("deliberation.pdf", PDF_MINIMAL, "text/html"),
        },
    )
    dossier_incomplet.refresh_from_db()
    assert dossier_incomplet.etat == "depose"
    piece = dossier_incomplet.pieces.get()
    assert (piece.type_mime, piece.nom_original) == ("application/pdf", "deliberation.pdf")


@pytest.mark.parametrize(
    ("nom", "affiche"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\rapport.pdf", "rapport.pdf"),
        ("facture\u202efdp.exe", "facturefdp.exe.pdf"),
        ("note\x00\x1b[31m.pdf", "note[31m.pdf"),
        ("\u200bplan\u2066.pdf", "plan.pdf"),
        ("scan.png", "scan.png.pdf"),
    ],
)
def test_le_nom_affiche_est_nettoye(client, porteur, brouillon, nom, affiche):
    client.force_login(porteur)
    client.post(
        reverse("dossiers:pieces", args=[brouillon.pk]),
        {"type_piece": "deliberation", "fichier": SimpleUploadedFile(nom, PDF_MINIMAL)},
    )
    piece = Piece.objects.get(dossier=brouillon)
    assert piece.nom_original == affiche
    assert piece.fichier.name.startswith(f"pieces/{brouillon.pk}/")


# --- files the application produces: served by the same helper ----------------------------


def test_le_recepisse_est_servi_en_piece_jointe_privee(client, porteur, dossier_depose):
    Recepisse.objects.create(
        dossier=dossier_depose,
        fichier=ContentFile(PDF_MINIMAL, name="r.pdf"),
        taille=len(PDF_MINIMAL),
        sha256="0" * 64,
        duree_rendu_ms=1,
    )
    client.force_login(porteur)
    reponse = client.get(reverse("dossiers:recepisse", args=[dossier_depose.pk]))
    _servi_en_piece_jointe(reponse, "application/pdf", PDF_MINIMAL)


def test_le_rapport_d_instruction_est_servi_en_piece_jointe_privee(
    client, dossier_en_instruction, instructeur_etat
):
    RapportInstruction.objects.create(
        dossier=dossier_en_instruction, fichier=ContentFile(PDF_MINIMAL, name="r.pdf")
    )
    client.force_login(instructeur_etat)
    reponse = client.get(reverse("instruction:rapport", args=[dossier_en_instruction.pk]))
    _servi_en_piece_jointe(reponse, "application/pdf", PDF_MINIMAL)


# --- a file gone from the disk --------------------------------------------------------------


def test_une_piece_absente_du_disque_repond_404_et_se_journalise(
    client, porteur, brouillon, piece, caplog
):
    Path(piece.fichier.path).unlink()
    client.force_login(porteur)
    with caplog.at_level(logging.ERROR, logger="cper.televersement.reponses"):
        reponse = client.get(reverse("dossiers:piece_telecharger", args=[brouillon.pk, piece.pk]))
    assert reponse.status_code == 404
    assert "absent du stockage" in caplog.text


def test_une_piece_jointe_absente_du_disque_repond_404(client, porteur, dossier_depose, caplog):
    client.force_login(porteur)
    client.post(
        reverse("instruction:ecrire_porteur", args=[dossier_depose.pk]),
        {"texte": "Ci-joint.", "piece_jointe": SimpleUploadedFile("a.pdf", PDF_MINIMAL)},
    )
    pj = PieceJointe.objects.get()
    Path(pj.fichier.path).unlink()
    with caplog.at_level(logging.ERROR, logger="cper.televersement.reponses"):
        reponse = client.get(reverse("instruction:piece_jointe", args=[pj.pk]))
    assert reponse.status_code == 404
    assert "absent du stockage" in caplog.text
