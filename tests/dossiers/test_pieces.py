"""Pièces: upload checked by content, private storage, scoped download, replace and delete."""

import hashlib
from pathlib import Path

import pytest
from django.urls import reverse

from dossiers.enums import TypePiece
from dossiers.models import Dossier, Piece
from dossiers.services.pieces import peut_ajouter_pieces, peut_modifier_pieces
from tests.dossiers import fichiers
from tests.factories import DossierFactory, PieceFactory
from tests.factories.dossiers import PDF_MINIMAL
from tests.formulaires import erreur_du_champ, resume_des_erreurs

HORS_PERIMETRE = ["autre_porteur", "agent_sp_douai", "agent_region", "inconnu", "administrateur"]


@pytest.fixture
def dossier(structure, porteur, autre_structure):
    dossier = DossierFactory(structure=structure, cree_par=porteur, intitule="Pôle d'échanges")
    # A dossier of another structure, so that "not mine" is not the same as "nothing exists".
    DossierFactory(structure=autre_structure)
    return dossier


@pytest.fixture
def piece(dossier, porteur):
    return PieceFactory(dossier=dossier, deposee_par=porteur, nom_original="deliberation.pdf")


@pytest.fixture
def client_porteur(client, porteur):
    client.force_login(porteur)
    return client


def url_pieces(dossier):
    return reverse("dossiers:pieces", args=[dossier.pk])


def joindre(client, dossier, fichier, type_piece=TypePiece.DELIBERATION):
    return client.post(url_pieces(dossier), {"type_piece": type_piece, "fichier": fichier})


def fichiers_stockes(settings) -> list[Path]:
    racine = Path(settings.MEDIA_ROOT)
    return sorted(p for p in racine.rglob("*") if p.is_file()) if racine.exists() else []


# --- the page ---------------------------------------------------------------------------------


def test_la_page_liste_les_pieces_obligatoires_et_ce_qui_manque(client_porteur, dossier, piece):
    html = client_porteur.get(url_pieces(dossier)).content.decode()
    assert "<h1>Pièces justificatives</h1>" in html
    assert "deliberation.pdf" in html
    # A commune must also provide its signed financing plan, calendar and RIB.
    manquantes = html.split("Pièces obligatoires encore manquantes")[1].split("</ul>")[0]
    assert "Plan de financement signé" in manquantes
    assert "Calendrier" in manquantes
    assert "RIB" in manquantes
    assert "Délibération" not in manquantes
    assert "Formats acceptés : PDF, JPEG, PNG, ODT, ODS, DOCX, XLSX" in html
    assert 'enctype="multipart/form-data"' in html


def test_le_premier_type_manquant_est_propose(client_porteur, dossier, piece):
    html = client_porteur.get(url_pieces(dossier)).content.decode()
    assert 'value="plan_financement_signe" selected' in html


def test_une_association_doit_joindre_ses_statuts(client, autre_porteur, autre_structure):
    autre_structure.categorie = "association"
    autre_structure.save()
    dossier = DossierFactory(structure=autre_structure)
    client.force_login(autre_porteur)
    html = client.get(url_pieces(dossier)).content.decode()
    manquantes = html.split("Pièces obligatoires encore manquantes")[1].split("</ul>")[0]
    assert "Statuts ou extrait Kbis" in manquantes
    assert "Délibération" not in manquantes


@pytest.mark.parametrize("nombre", [1, 7])
def test_la_page_des_pieces_a_un_nombre_fixe_de_requetes(
    client_porteur, dossier, porteur, nombre, django_assert_num_queries
):
    for type_piece in list(TypePiece)[:nombre]:
        PieceFactory(dossier=dossier, deposee_par=porteur, type=type_piece)
    client_porteur.get(url_pieces(dossier))  # warm the session
    # 1 session, 2 user, 3 dossier in scope (membership or agents' scopes) with its
    # structure, 4 the pieces, 5 membership of the structure (may change),
    # 6 the roles of the user (menu).
    with django_assert_num_queries(6):
        reponse = client_porteur.get(url_pieces(dossier))
    assert reponse.status_code == 200


# --- upload -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nom", "contenu", "type_mime"),
    [
        ("deliberation.pdf", PDF_MINIMAL, "application/pdf"),
        ("plan.png", fichiers.PNG, "image/png"),
        ("scan.jpg", fichiers.JPEG, "image/jpeg"),
        ("note.odt", fichiers.odt(), "application/vnd.oasis.opendocument.text"),
        ("budget.ods", fichiers.ods(), "application/vnd.oasis.opendocument.spreadsheet"),
        (
            "lettre.docx",
            fichiers.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "plan.xlsx",
            fichiers.xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_chaque_format_accepte_est_joint(
    client_porteur, dossier, porteur, settings, nom, contenu, type_mime
):
    # The browser claims a generic type: only the content counts.
    reponse = joindre(
        client_porteur, dossier, fichiers.fichier(nom, contenu, "application/octet-stream")
    )
    assert reponse.status_code == 302
    piece = dossier.pieces.get()
    assert piece.type_mime == type_mime
    assert piece.nom_original == nom
    assert piece.taille == len(contenu)
    assert piece.sha256 == hashlib.sha256(contenu).hexdigest()
    assert piece.deposee_par == porteur
    # Stored under the private root, under a name that is not the uploaded one.
    chemin = Path(piece.fichier.path)
    assert chemin.is_relative_to(Path(settings.MEDIA_ROOT))
    assert nom not in chemin.name
    assert chemin.read_bytes() == contenu
    suivante = client_porteur.get(reponse.url).content.decode()
    assert "est jointe au dossier" in suivante


def test_joindre_une_piece_date_le_dossier(client_porteur, dossier):
    avant = Dossier.objects.get(pk=dossier.pk).updated_at
    joindre(client_porteur, dossier, fichiers.pdf())
    assert Dossier.objects.get(pk=dossier.pk).updated_at > avant


def test_un_nom_qui_ment_sur_le_format_est_corrige(client_porteur, dossier):
    joindre(client_porteur, dossier, fichiers.fichier("releve.exe", PDF_MINIMAL))
    assert dossier.pieces.get().nom_original == "releve.exe.pdf"


def _verifier_refus(reponse, dossier, settings, message, avant):
    html = reponse.content.decode()
    assert reponse.status_code == 200
    # The message next to the file field, and the summary at the top that links to it.
    assert message in erreur_du_champ(html, "fichier")
    resume = resume_des_erreurs(html)
    assert message in resume
    assert 'href="#id_fichier"' in resume
    # The choice of type is kept for the next try.
    assert 'value="rib" selected' in html
    # Nothing changed: no row, no file, the dossier untouched.
    assert dossier.pieces.count() == 0
    assert fichiers_stockes(settings) == []
    assert Dossier.objects.get(pk=dossier.pk).updated_at == avant


def test_un_executable_renomme_en_pdf_est_refuse(client_porteur, dossier, settings):
    avant = Dossier.objects.get(pk=dossier.pk).updated_at
    reponse = joindre(
        client_porteur, dossier, fichiers.fichier("rib.pdf", fichiers.EXE), TypePiece.RIB
    )
    _verifier_refus(
        reponse,
        dossier,
        settings,
        "Le contenu de ce fichier ne correspond à aucun format accepté",
        avant,
    )


def test_une_archive_zip_renommee_en_docx_est_refusee(client_porteur, dossier, settings):
    avant = Dossier.objects.get(pk=dossier.pk).updated_at
    reponse = joindre(
        client_porteur,
        dossier,
        fichiers.fichier("rib.docx", fichiers.zip_quelconque()),
        TypePiece.RIB,
    )
    _verifier_refus(reponse, dossier, settings, "aucun format accepté", avant)


def test_un_fichier_vide_est_refuse(client_porteur, dossier, settings):
    avant = Dossier.objects.get(pk=dossier.pk).updated_at
    reponse = joindre(client_porteur, dossier, fichiers.fichier("rib.pdf", b""), TypePiece.RIB)
    _verifier_refus(reponse, dossier, settings, "Le fichier est vide", avant)


def test_un_fichier_trop_gros_est_refuse(client_porteur, dossier, settings):
    settings.TAILLE_MAX_PIECE = 1024
    avant = Dossier.objects.get(pk=dossier.pk).updated_at
    contenu = PDF_MINIMAL + b"%" * (1025 - len(PDF_MINIMAL))
    reponse = joindre(client_porteur, dossier, fichiers.fichier("rib.pdf", contenu), TypePiece.RIB)
    _verifier_refus(reponse, dossier, settings, "la taille maximale est de 1\xa0Ko", avant)


def test_la_limite_par_defaut_est_de_20_mo(client_porteur, dossier, settings):
    avant = Dossier.objects.get(pk=dossier.pk).updated_at
    contenu = PDF_MINIMAL + b"%" * (20 * 1024 * 1024 + 1 - len(PDF_MINIMAL))
    reponse = joindre(client_porteur, dossier, fichiers.fichier("rib.pdf", contenu), TypePiece.RIB)
    _verifier_refus(reponse, dossier, settings, "la taille maximale est de 20\xa0Mo", avant)
    assert "Taille maximale : 20\xa0Mo" in reponse.content.decode()


def test_sans_fichier_le_champ_le_dit(client_porteur, dossier, settings):
    avant = Dossier.objects.get(pk=dossier.pk).updated_at
    reponse = client_porteur.post(url_pieces(dossier), {"type_piece": TypePiece.RIB})
    _verifier_refus(reponse, dossier, settings, "Choisissez le fichier à joindre.", avant)


# --- download ---------------------------------------------------------------------------------


def test_le_porteur_telecharge_sa_piece_en_piece_jointe(client_porteur, dossier, piece):
    reponse = client_porteur.get(reverse("dossiers:piece_telecharger", args=[dossier.pk, piece.pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"] == 'attachment; filename="deliberation.pdf"'
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in reponse["Cache-Control"]
    assert b"".join(reponse.streaming_content) == PDF_MINIMAL


def test_le_guichet_du_depot_telecharge_les_pieces(
    client, structure, guichet_douai, agent_sp_douai
):
    dossier = DossierFactory(structure=structure, depose=True, guichet=guichet_douai)
    piece = PieceFactory(dossier=dossier)
    client.force_login(agent_sp_douai)
    url = reverse("dossiers:piece_telecharger", args=[dossier.pk, piece.pk])
    assert client.get(url).status_code == 200
    # Seeing is not changing: no upload, no replacement for the guichet.
    assert client.get(url_pieces(dossier)).status_code == 200
    assert "Joindre la pièce" not in client.get(url_pieces(dossier)).content.decode()
    assert joindre(client, dossier, fichiers.pdf()).status_code == 404
    assert (
        client.get(reverse("dossiers:piece_remplacer", args=[dossier.pk, piece.pk])).status_code
        == 404
    )


def test_une_piece_d_un_autre_dossier_n_existe_pas(client_porteur, dossier, autre_structure):
    autre = DossierFactory(structure=autre_structure)
    piece_autre = PieceFactory(dossier=autre)
    url = reverse("dossiers:piece_telecharger", args=[dossier.pk, piece_autre.pk])
    assert client_porteur.get(url).status_code == 404


# --- scope: every URL answers 404 outside it --------------------------------------------------


def _urls(dossier, piece):
    return [
        ("get", reverse("dossiers:pieces", args=[dossier.pk])),
        ("post", reverse("dossiers:pieces", args=[dossier.pk])),
        ("get", reverse("dossiers:piece_telecharger", args=[dossier.pk, piece.pk])),
        ("get", reverse("dossiers:piece_remplacer", args=[dossier.pk, piece.pk])),
        ("post", reverse("dossiers:piece_remplacer", args=[dossier.pk, piece.pk])),
        ("get", reverse("dossiers:piece_supprimer", args=[dossier.pk, piece.pk])),
        ("post", reverse("dossiers:piece_supprimer", args=[dossier.pk, piece.pk])),
    ]


@pytest.mark.parametrize("persona", HORS_PERIMETRE)
def test_hors_perimetre_chaque_url_repond_404(client, request, persona, dossier, piece):
    client.force_login(request.getfixturevalue(persona))
    for methode, url in _urls(dossier, piece):
        donnees = {"type_piece": TypePiece.RIB, "fichier": fichiers.pdf()}
        reponse = getattr(client, methode)(url, donnees if methode == "post" else None)
        assert reponse.status_code == 404, (persona, methode, url)
        assert "Pôle d'échanges" not in reponse.content.decode()
    assert Piece.objects.get(pk=piece.pk).fichier.read() == PDF_MINIMAL
    assert dossier.pieces.count() == 1


def test_un_dossier_inexistant_repond_pareil(client_porteur, dossier, piece):
    for url in (
        reverse("dossiers:pieces", args=[999999]),
        reverse("dossiers:piece_telecharger", args=[999999, piece.pk]),
        reverse("dossiers:piece_telecharger", args=[dossier.pk, 999999]),
    ):
        assert client_porteur.get(url).status_code == 404


def test_un_visiteur_non_connecte_est_renvoye_a_la_connexion(client, dossier, piece):
    for _, url in _urls(dossier, piece):
        reponse = client.get(url)
        assert reponse.status_code == 302
        assert reponse.url.startswith("/comptes/connexion/")


def test_le_porteur_a_acces_a_chaque_url(client_porteur, dossier, piece):
    for methode, url in _urls(dossier, piece):
        if methode == "get":
            assert client_porteur.get(url).status_code == 200, url


# --- replace and delete -----------------------------------------------------------------------


def test_remplacer_une_piece(client_porteur, dossier, piece, django_capture_on_commit_callbacks):
    ancien = Path(piece.fichier.path)
    url = reverse("dossiers:piece_remplacer", args=[dossier.pk, piece.pk])
    assert "Remplacer une pièce" in client_porteur.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_porteur.post(
            url, {"fichier": fichiers.fichier("nouvelle.png", fichiers.PNG)}
        )
    assert reponse.status_code == 302
    piece.refresh_from_db()
    assert piece.nom_original == "nouvelle.png"
    assert piece.type == TypePiece.DELIBERATION
    assert piece.sha256 == hashlib.sha256(fichiers.PNG).hexdigest()
    assert Path(piece.fichier.path).read_bytes() == fichiers.PNG
    assert not ancien.exists()


def test_un_remplacement_refuse_garde_l_ancien_fichier(client_porteur, dossier, piece):
    url = reverse("dossiers:piece_remplacer", args=[dossier.pk, piece.pk])
    avant = Dossier.objects.get(pk=dossier.pk).updated_at
    reponse = client_porteur.post(url, {"fichier": fichiers.fichier("rib.pdf", fichiers.EXE)})
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "aucun format accepté" in html
    assert 'id="resume-erreurs"' in html
    piece.refresh_from_db()
    assert piece.fichier.read() == PDF_MINIMAL
    assert Dossier.objects.get(pk=dossier.pk).updated_at == avant


def test_supprimer_une_piece_apres_confirmation(
    client_porteur, dossier, piece, django_capture_on_commit_callbacks
):
    chemin = Path(piece.fichier.path)
    url = reverse("dossiers:piece_supprimer", args=[dossier.pk, piece.pk])
    assert "Voulez-vous vraiment supprimer" in client_porteur.get(url).content.decode()
    assert dossier.pieces.count() == 1  # the GET only asks
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_porteur.post(url)
    assert reponse.status_code == 302
    assert dossier.pieces.count() == 0
    assert not chemin.exists()


@pytest.fixture
def dossier_depose(structure, porteur, guichet_douai):
    dossier = DossierFactory(
        structure=structure, cree_par=porteur, depose=True, guichet=guichet_douai
    )
    return dossier


def test_apres_le_depot_les_pieces_ne_changent_plus(client_porteur, dossier_depose):
    piece = PieceFactory(dossier=dossier_depose)
    html = client_porteur.get(url_pieces(dossier_depose)).content.decode()
    assert "Joindre la pièce" not in html
    assert "Remplacer" not in html
    assert "ne peuvent plus être modifiées" in html
    for nom in ("dossiers:piece_remplacer", "dossiers:piece_supprimer"):
        url = reverse(nom, args=[dossier_depose.pk, piece.pk])
        reponse = client_porteur.post(url, {"fichier": fichiers.pdf()}, follow=True)
        assert "ne peuvent plus être remplacées ni supprimées" in reponse.content.decode()
    reponse = joindre(client_porteur, dossier_depose, fichiers.pdf(), TypePiece.RIB)
    assert reponse.status_code == 302
    assert dossier_depose.pieces.get() == piece
    assert piece.fichier.read() == PDF_MINIMAL


def test_un_dossier_incomplet_recoit_des_pieces_sans_perdre_les_anciennes(
    client_porteur, structure, porteur
):
    dossier = DossierFactory(structure=structure, cree_par=porteur, incomplet=True)
    piece = PieceFactory(dossier=dossier)
    assert peut_ajouter_pieces(dossier)
    assert not peut_modifier_pieces(dossier)
    assert (
        joindre(client_porteur, dossier, fichiers.pdf("rib.pdf"), TypePiece.RIB).status_code == 302
    )
    assert dossier.pieces.count() == 2
    url = reverse("dossiers:piece_supprimer", args=[dossier.pk, piece.pk])
    client_porteur.post(url)
    assert dossier.pieces.count() == 2


# --- the service on its own (views and future commands call it) -------------------------------


def test_le_service_refuse_qui_n_a_pas_le_droit_de_modifier(dossier, autre_porteur, agent_sp_douai):
    from django.core.exceptions import PermissionDenied

    from dossiers.services.pieces import piece_ajouter

    for persona in (autre_porteur, agent_sp_douai):
        with pytest.raises(PermissionDenied):
            piece_ajouter(
                dossier=dossier, par=persona, type_piece=TypePiece.RIB, fichier=fichiers.pdf()
            )
    assert dossier.pieces.count() == 0


def test_le_service_refuse_un_fichier_avant_toute_ecriture(dossier, porteur, settings):
    from dossiers.services.pieces import FichierRefuse, piece_ajouter

    with pytest.raises(FichierRefuse):
        piece_ajouter(
            dossier=dossier,
            par=porteur,
            type_piece=TypePiece.RIB,
            fichier=fichiers.fichier("rib.pdf", fichiers.EXE),
        )
    assert dossier.pieces.count() == 0
    assert fichiers_stockes(settings) == []


def test_le_service_ne_supprime_pas_une_piece_deposee(dossier_depose, porteur):
    from dossiers.services.pieces import PiecesVerrouillees, piece_supprimer

    piece = PieceFactory(dossier=dossier_depose)
    with pytest.raises(PiecesVerrouillees):
        piece_supprimer(piece=piece, par=porteur)
    assert Piece.objects.filter(pk=piece.pk).exists()


def test_un_nom_accentue_est_rendu_tel_quel_au_telechargement(client_porteur, dossier):
    joindre(client_porteur, dossier, fichiers.pdf("Délibération du 12 mars.pdf"))
    piece = dossier.pieces.get()
    reponse = client_porteur.get(reverse("dossiers:piece_telecharger", args=[dossier.pk, piece.pk]))
    assert reponse["Content-Disposition"] == (
        "attachment; filename*=utf-8''D%C3%A9lib%C3%A9ration%20du%2012%20mars.pdf"
    )


def test_un_chemin_dans_le_nom_n_est_pas_garde(client_porteur, dossier):
    joindre(client_porteur, dossier, fichiers.pdf("..\\..\\windows\\rib.pdf"))
    assert dossier.pieces.get().nom_original == "rib.pdf"


def test_un_type_de_piece_inconnu_est_refuse(client_porteur, dossier):
    reponse = joindre(client_porteur, dossier, fichiers.pdf(), "ordonnance")
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in erreur_du_champ(reponse.content.decode(), "type_piece")
    assert dossier.pieces.count() == 0
