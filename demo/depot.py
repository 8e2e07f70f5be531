"""Stage 4: the dépôt — numbers of the year, pièces, récépissés, the guichet's access.

Numbers come from `SequenceNumero` as the service takes them: one block per year, locked,
given in the order of filing. Pièces: every filed dossier has the pieces its structure's
category requires, all pointing to one small PDF stored once (a filed dossier's pieces can no
longer be replaced or deleted, so no action of a user touches that shared file). Récépissés
are rows without their PDF: rendering 100,000 of them would take hours, and a récépissé
rendered today would be dated today. Downloading one answers « fichier introuvable ».
"""

import datetime
import hashlib
from collections import defaultdict
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from cper.televersement.enums import StatutAntivirus
from dossiers.completude import pieces_obligatoires
from dossiers.models import Piece, Recepisse, SequenceNumero
from dossiers.services.depot import PREFIXE_NUMERO

from .calendrier import PARIS

PIECE = Path(__file__).resolve().parent / "fichiers" / "piece-de-demonstration.pdf"
NOM_PIECE = "demo/piece-de-demonstration.pdf"
# Pièces are uploaded in the week before the dépôt.
REDACTION_PIECES = datetime.timedelta(days=7)


def numeroter(plans) -> None:
    """Give each filed plan the next number of its year (SequenceNumero, row-locked)."""
    par_annee = defaultdict(list)
    for plan in plans:
        if plan.depose_le:
            par_annee[plan.depose_le.astimezone(PARIS).year].append(plan)
    for annee, du_millesime in sorted(par_annee.items()):
        SequenceNumero.objects.bulk_create([SequenceNumero(annee=annee)], ignore_conflicts=True)
        sequence = SequenceNumero.objects.select_for_update().get(annee=annee)
        du_millesime.sort(key=lambda p: p.depose_le)
        for rang, plan in enumerate(du_millesime, start=sequence.dernier + 1):
            plan.numero = f"{PREFIXE_NUMERO}-{annee}-{rang:05d}"
        sequence.dernier += len(du_millesime)
        sequence.save(update_fields=["dernier"])


def fichier_de_piece() -> tuple[str, int, str]:
    """The shared pièce, stored once in the private storage: (name, size, SHA-256)."""
    contenu = PIECE.read_bytes()
    if not default_storage.exists(NOM_PIECE):
        default_storage.save(NOM_PIECE, ContentFile(contenu))
    return NOM_PIECE, len(contenu), hashlib.sha256(contenu).hexdigest()


def ecrire(chargement, plans, acteurs) -> None:
    deposes = [p for p in plans if p.depose_le]
    _pieces(chargement, deposes)
    chargement.copier(
        Recepisse,
        [
            "dossier",
            "fichier",
            "taille",
            "sha256",
            "duree_rendu_ms",
            "envoye_au_porteur_le",
            "guichet_notifie_le",
            "created_at",
        ],
        ((p.pk, "", 0, "", 0, p.depose_le, p.depose_le, p.depose_le) for p in deposes),
    )


def _pieces(chargement, deposes) -> None:
    nom, taille, empreinte = fichier_de_piece()
    types = {}
    chargement.copier(
        Piece,
        [
            "dossier",
            "type",
            "fichier",
            "nom_original",
            "type_mime",
            "taille",
            "sha256",
            "deposee_par",
            "created_at",
            "statut_antivirus",
        ],
        (
            (
                p.pk,
                type_piece,
                nom,
                f"{type_piece.label}.pdf",
                "application/pdf",
                taille,
                empreinte,
                p.structure.createur,
                p.depose_le - REDACTION_PIECES,
                StatutAntivirus.SAIN,
            )
            for p in deposes
            for type_piece in types.setdefault(
                p.structure.categorie, pieces_obligatoires(p.structure.categorie)
            )
        ),
    )
