"""Factories, one module per app; the common ones are re-exported here."""

from .comptes import MOT_DE_PASSE, UserFactory
from .dossiers import (
    DossierFactory,
    LigneDepenseFactory,
    LigneFinancementFactory,
    PieceFactory,
    StructureFactory,
)
from .referentiel import (
    ArrondissementFactory,
    CommuneFactory,
    ContratFactory,
    DepartementFactory,
    EnveloppeFactory,
    EpciFactory,
    FinanceurFactory,
    GuichetFactory,
    PoleMetropolitainFactory,
    RegionFactory,
    VoletFactory,
)

__all__ = [
    "MOT_DE_PASSE",
    "ArrondissementFactory",
    "CommuneFactory",
    "ContratFactory",
    "DepartementFactory",
    "DossierFactory",
    "EnveloppeFactory",
    "EpciFactory",
    "FinanceurFactory",
    "GuichetFactory",
    "LigneDepenseFactory",
    "LigneFinancementFactory",
    "PieceFactory",
    "PoleMetropolitainFactory",
    "RegionFactory",
    "StructureFactory",
    "UserFactory",
    "VoletFactory",
]
