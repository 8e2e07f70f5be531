from .agregat import AgregatFinancement, AgregatVolet
from .dossier import (
    Dossier,
    DossierGroupObjectPermission,
    DossierUserObjectPermission,
    SequenceNumero,
)
from .financement import LigneDepense, LigneFinancement
from .invitation import Invitation
from .piece import Piece
from .recepisse import Recepisse
from .structure import MembreStructure, Structure

__all__ = [
    "AgregatFinancement",
    "AgregatVolet",
    "Dossier",
    "DossierGroupObjectPermission",
    "DossierUserObjectPermission",
    "Invitation",
    "LigneDepense",
    "LigneFinancement",
    "MembreStructure",
    "Piece",
    "Recepisse",
    "SequenceNumero",
    "Structure",
]
