from .acte import Acte, Commencement, PieceExecution, VersionActe
from .echeance import PropositionCaducite, Prorogation
from .parametres import ParametresFinanceur
from .versement import DemandeVersement, OrdreReversement

__all__ = [
    "Acte",
    "Commencement",
    "DemandeVersement",
    "OrdreReversement",
    "ParametresFinanceur",
    "PieceExecution",
    "PropositionCaducite",
    "Prorogation",
    "VersionActe",
]
