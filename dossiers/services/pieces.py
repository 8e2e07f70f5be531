"""Pièces justificatives: checked by their content, stored privately, replaced or deleted.

A refused file raises FichierRefuse before anything is written: the dossier stays as it was.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cper.televersement.controle import (
    FichierControle,
    FichierRefuse,
    controler,
)
from cper.televersement.enums import Usage
from dossiers.acces import peut_modifier
from dossiers.enums import EtatDossier, TypePiece
from dossiers.models import Dossier, Piece

logger = logging.getLogger(__name__)

__all__ = ["FichierRefuse", "PiecesVerrouillees", "piece_ajouter", "piece_remplacer"]

# Pieces may be added to a draft, and to a dossier whose guichet asked for complements;
# they are replaced or deleted only before the dépôt (what was filed stays as filed).
ETATS_AJOUT = frozenset({EtatDossier.BROUILLON, EtatDossier.INCOMPLET})
ETATS_MODIFICATION = frozenset({EtatDossier.BROUILLON})


class PiecesVerrouillees(Exception):
    """The dossier's state no longer allows this change to its pieces."""


def peut_ajouter_pieces(dossier: Dossier) -> bool:
    return dossier.etat in ETATS_AJOUT


def peut_modifier_pieces(dossier: Dossier) -> bool:
    """Replace or delete a piece: only while the dossier is a draft."""
    return dossier.etat in ETATS_MODIFICATION


def _dossier_verrouille(dossier: Dossier, par) -> Dossier:
    """Lock the dossier row so that a dépôt and a change of pieces never interleave."""
    if not peut_modifier(par, dossier):
        raise PermissionDenied
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def _toucher(dossier: Dossier) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(updated_at=timezone.now())


def _remplir(piece: Piece, fichier, controle: FichierControle, par) -> None:
    piece.nom_original = controle.nom
    # The type read from the bytes, never the one the browser declared.
    piece.type_mime = controle.format.type_mime
    piece.statut_antivirus = controle.statut_antivirus
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


def piece_ajouter(*, dossier: Dossier, par, type_piece: str, fichier) -> Piece:
    """Check the file, then attach it to the dossier."""
    type_piece = TypePiece(type_piece)  # ValueError for a type that does not exist
    # The gate runs before the transaction: an antivirus alert outlives the refusal.
    controle = controler(fichier, usage=Usage.PIECE, par=par)
    return _ajouter_piece(
        dossier=dossier, par=par, type_piece=type_piece, fichier=fichier, controle=controle
    )


@transaction.atomic
def _ajouter_piece(*, dossier, par, type_piece, fichier, controle) -> Piece:
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


def piece_remplacer(*, piece: Piece, par, fichier) -> Piece:
    """Put a new file in place of a piece's file; the old file goes after commit."""
    controle = controler(fichier, usage=Usage.PIECE, par=par)
    return _remplacer_piece(piece=piece, par=par, fichier=fichier, controle=controle)


@transaction.atomic
def _remplacer_piece(*, piece, par, fichier, controle) -> Piece:
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
def piece_supprimer(*, piece: Piece, par) -> None:
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
