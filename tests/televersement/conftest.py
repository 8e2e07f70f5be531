"""One dossier per upload path, each reached by the right persona through the real pages."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from instruction import services
from tests.factories import DossierFactory, PieceFactory
from tests.instruction.conftest import (  # noqa: F401 - fixtures
    dossier_depose,
    dossier_en_instruction,
    groupe_mobilite,
    volet,
)


@pytest.fixture
def brouillon(structure, porteur):
    dossier = DossierFactory(structure=structure, cree_par=porteur, intitule="Pôle d'échanges")
    return dossier


@pytest.fixture
def piece(brouillon, porteur):
    return PieceFactory(dossier=brouillon, deposee_par=porteur, nom_original="deliberation.pdf")


@pytest.fixture
def dossier_incomplet(dossier_depose, agent_sp_douai):  # noqa: F811
    services.dossier_demander_complements(
        dossier=dossier_depose,
        par=agent_sp_douai,
        motif="Il manque la délibération.",
        pieces=["deliberation"],
        echeance=timezone.localdate() + datetime.timedelta(days=15),
    )
    dossier_depose.refresh_from_db()
    return dossier_depose


def fichiers_stockes(settings) -> list[str]:
    racine = Path(settings.MEDIA_ROOT)
    if not racine.exists():
        return []
    return sorted(str(p.relative_to(racine)) for p in racine.rglob("*") if p.is_file())
