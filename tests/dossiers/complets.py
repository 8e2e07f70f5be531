"""A dossier that passes every guard of the dépôt, for the dépôt tests and journeys."""

from decimal import Decimal

from dossiers.completude import pieces_obligatoires
from tests.factories import (
    DossierFactory,
    FinanceurFactory,
    LigneDepenseFactory,
    LigneFinancementFactory,
    PieceFactory,
)


def dossier_complet(*, structure, porteur, **kwargs):
    """100 000 € HT eligible, 70 % public aid, 30 % autofinancement, every mandatory piece."""
    dossier = DossierFactory(structure=structure, cree_par=porteur, **kwargs)
    LigneDepenseFactory(
        dossier=dossier, montant_ht=Decimal("100000.00"), montant_ttc=Decimal("120000.00")
    )
    for financeur, montant in (
        (FinanceurFactory(), "40000.00"),
        (FinanceurFactory(region=True), "30000.00"),
        (FinanceurFactory(autofinancement=True), "30000.00"),
    ):
        LigneFinancementFactory(dossier=dossier, financeur=financeur, montant_demande=montant)
    for type_piece in pieces_obligatoires(structure.categorie):
        PieceFactory(dossier=dossier, type=type_piece, deposee_par=porteur)
    return dossier
