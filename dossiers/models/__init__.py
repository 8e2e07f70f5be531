from .agregat import AgregatFinancement
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
