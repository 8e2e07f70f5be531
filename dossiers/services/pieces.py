"""Pièces justificatives: checked by their content, stored privately, replaced or deleted.

A refused file raises FichierRefuse before anything is written: the dossier stays as it was.
"""

import hashlib
import logging
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cper.templatetags.cper_tags import octets

from ..acces import peut_modifier
from ..enums import EtatDossier, TypePiece
from ..models import Dossier, Piece

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Format:
    libelle: str
    type_mime: str
    extensions: tuple[str, ...]


FORMATS = {
    "pdf": Format("PDF", "application/pdf", (".pdf",)),
    "jpeg": Format("JPEG", "image/jpeg", (".jpg", ".jpeg")),
    "png": Format("PNG", "image/png", (".png",)),
    "odt": Format("ODT", "application/vnd.oasis.opendocument.text", (".odt",)),
    "ods": Format("ODS", "application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
    "docx": Format(
        "DOCX",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "xlsx": Format(
        "XLSX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
    ),
}
FORMATS_ACCEPTES = ", ".join(f.libelle for f in FORMATS.values())
EXTENSIONS_ACCEPTEES = ",".join(e for f in FORMATS.values() for e in f.extensions)

# Pieces may be added to a draft, and to a dossier whose guichet asked for complements;
# they are replaced or deleted only before the dépôt (what was filed stays as filed).
ETATS_AJOUT = frozenset({EtatDossier.BROUILLON, EtatDossier.INCOMPLET})
ETATS_MODIFICATION = frozenset({EtatDossier.BROUILLON})


class FichierRefuse(Exception):
    """The uploaded file is not accepted; the message says why, in French."""


class PiecesVerrouillees(Exception):
    """The dossier's state no longer allows this change to its pieces."""


def peut_ajouter_pieces(dossier: Dossier) -> bool:
    return dossier.etat in ETATS_AJOUT


def peut_modifier_pieces(dossier: Dossier) -> bool:
    """Replace or delete a piece: only while the dossier is a draft."""
    return dossier.etat in ETATS_MODIFICATION


@dataclass(frozen=True)
class FichierControle:
    format: Format
    taille: int
    sha256: str
    nom: str


def _format_zip(fichier) -> str | None:
    """ODF and OOXML are ZIP containers: tell them apart by their manifest entries."""
    try:
        with zipfile.ZipFile(fichier) as archive:
            noms = set(archive.namelist())
            if "mimetype" in noms:
                with archive.open("mimetype") as entree:
                    type_mime = entree.read(100).strip().decode("ascii", "replace")
                for code in ("odt", "ods"):
                    if type_mime == FORMATS[code].type_mime:
                        return code
            if "[Content_Types].xml" in noms:
                if "word/document.xml" in noms:
                    return "docx"
                if "xl/workbook.xml" in noms:
                    return "xlsx"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError):
        return None
    return None


def _format_du_contenu(fichier) -> str | None:
    fichier.seek(0)
    tete = fichier.read(8192)
    fichier.seek(0)
    devine = filetype.guess(tete)
    code = None
    if devine is not None and devine.mime in ("application/pdf", "image/jpeg", "image/png"):
        code = {"application/pdf": "pdf", "image/jpeg": "jpeg", "image/png": "png"}[devine.mime]
    elif tete.startswith(b"PK\x03\x04"):
        code = _format_zip(fichier)
    fichier.seek(0)
    return code


def _nom_affiche(nom: str, format_: Format) -> str:
    """Keep the user's name for display, with an extension that matches the content."""
    nom = PurePath(nom.replace("\\", "/")).name
    nom = "".join(c for c in nom if c.isprintable()).strip() or "piece"
    chemin = PurePath(nom)
    if chemin.suffix.lower() not in format_.extensions:
        nom = f"{nom}{format_.extensions[0]}"
    if len(nom) > 200:
        nom = nom[: 200 - len(format_.extensions[0])] + format_.extensions[0]
    return nom


def controler_fichier(fichier) -> FichierControle:
    """Size, then format read from the bytes (never from the name), then SHA-256."""
    taille = fichier.size or 0
    if taille == 0:
        raise FichierRefuse("Le fichier est vide : choisissez un fichier qui a un contenu.")
    if taille > settings.TAILLE_MAX_PIECE:
        raise FichierRefuse(
            f"Le fichier pèse {octets(taille)} : la taille maximale est de "
            f"{octets(settings.TAILLE_MAX_PIECE)}."
        )
    code = _format_du_contenu(fichier)
    if code is None:
        raise FichierRefuse(
            "Le contenu de ce fichier ne correspond à aucun format accepté "
            f"({FORMATS_ACCEPTES}). Son nom ne suffit pas : enregistrez-le dans l'un de ces "
            "formats, par exemple en PDF."
        )
    empreinte = hashlib.sha256()
    fichier.seek(0)
    for morceau in fichier.chunks():
        empreinte.update(morceau)
    fichier.seek(0)
    return FichierControle(
        format=FORMATS[code],
        taille=taille,
        sha256=empreinte.hexdigest(),
        nom=_nom_affiche(fichier.name or "", FORMATS[code]),
    )


def _dossier_verrouille(dossier: Dossier, par) -> Dossier:
    """Lock the dossier row so that a dépôt and a change of pieces never interleave."""
    if not peut_modifier(par, dossier):
        raise PermissionDenied
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def _toucher(dossier: Dossier) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(updated_at=timezone.now())


def _remplir(piece: Piece, fichier, controle: FichierControle, par) -> None:
    piece.nom_original = controle.nom
    piece.type_mime = controle.format.type_mime
    piece.taille = controle.taille
    piece.sha256 = controle.sha256
    piece.deposee_par = par
    piece.fichier = fichier


def _effacer_apres_commit(nom: str) -> None:
    """A file leaves the disk only once the row that named it is gone for good."""
    if nom:
        stockage = Piece._meta.get_field("fichier").storage
        transaction.on_commit(lambda: stockage.delete(nom))


def _enregistrer(piece: Piece, dossier: Dossier) -> None:
    """Save the row and its file; on an error the new file does not stay on disk."""
    try:
        piece.save()
        _toucher(dossier)
    except Exception:
        if piece.fichier.name:
            piece.fichier.storage.delete(piece.fichier.name)
        raise


@transaction.atomic
def ajouter_piece(*, dossier: Dossier, par, type_piece: str, fichier) -> Piece:
    """Check the file, then attach it to the dossier."""
    type_piece = TypePiece(type_piece)  # ValueError for a type that does not exist
    controle = controler_fichier(fichier)
    dossier = _dossier_verrouille(dossier, par)
    if not peut_ajouter_pieces(dossier):
        raise PiecesVerrouillees(
            f"Le dossier est « {dossier.get_etat_display()} » : on ne peut plus y ajouter de pièce."
        )
    piece = Piece(dossier=dossier, type=type_piece)
    _remplir(piece, fichier, controle, par)
    _enregistrer(piece, dossier)
    logger.info("Pièce %s (%s) ajoutée au dossier %s", piece.pk, piece.type, dossier.pk)
    return piece


@transaction.atomic
def remplacer_piece(*, piece: Piece, par, fichier) -> Piece:
    """Put a new file in place of a piece's file; the old file goes after commit."""
    controle = controler_fichier(fichier)
    dossier = _dossier_verrouille(piece.dossier, par)
    if not peut_modifier_pieces(dossier):
        raise PiecesVerrouillees(
            f"Le dossier est « {dossier.get_etat_display()} » : ses pièces ne peuvent plus être "
            "remplacées."
        )
    piece = Piece.objects.select_for_update().get(pk=piece.pk, dossier=dossier)
    ancien = piece.fichier.name
    _remplir(piece, fichier, controle, par)
    _enregistrer(piece, dossier)
    _effacer_apres_commit(ancien)
    logger.info("Pièce %s du dossier %s remplacée", piece.pk, dossier.pk)
    return piece


@transaction.atomic
def supprimer_piece(*, piece: Piece, par) -> None:
    dossier = _dossier_verrouille(piece.dossier, par)
    if not peut_modifier_pieces(dossier):
        raise PiecesVerrouillees(
            f"Le dossier est « {dossier.get_etat_display()} » : ses pièces ne peuvent plus être "
            "supprimées."
        )
    nom = piece.fichier.name
    Piece.objects.filter(pk=piece.pk, dossier=dossier).delete()
    _effacer_apres_commit(nom)
    _toucher(dossier)
    logger.info("Pièce %s du dossier %s supprimée", piece.pk, dossier.pk)
