from .agregat import AgregatFinancement, AgregatVolet, SuiviDossier, TotalSuivi
from .dossier import DepotConjoint, Dossier, SequenceNumero
from .financement import LigneDepense, LigneFinancement
from .invitation import Invitation
from .piece import Piece
from .recepisse import Recepisse
from .structure import DemandeAdhesion, MembreStructure, Structure

__all__ = [
    "AgregatFinancement",
    "AgregatVolet",
    "DemandeAdhesion",
    "DepotConjoint",
    "Dossier",
    "Invitation",
    "LigneDepense",
    "LigneFinancement",
    "MembreStructure",
    "Piece",
    "Recepisse",
    "SequenceNumero",
    "Structure",
    "SuiviDossier",
    "TotalSuivi",
]
