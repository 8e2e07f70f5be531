"""The rapport d'instruction through a real Celery worker on the real broker."""

import io
import time

import pytest
from pypdf import PdfReader

from instruction.enums import Cote, SensAvis
from instruction.models import RapportInstruction
from instruction.tasks import generer_rapport_instruction
from tests.factories import DossierFactory
from tests.factories.instruction import AvisFactory


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_un_vrai_worker_produit_le_rapport(envoi_au_worker):
    dossier = DossierFactory(instruit=True, intitule="Pôle d'échanges de Douai")
    AvisFactory(dossier=dossier, cote=Cote.ETAT, sens=SensAvis.FAVORABLE)
    AvisFactory(dossier=dossier, cote=Cote.REGION, sens=SensAvis.DEFAVORABLE)

    generer_rapport_instruction.delay(dossier.pk)

    limite = time.monotonic() + 30
    while time.monotonic() < limite:
        rapport = RapportInstruction.objects.filter(
            dossier=dossier, genere_le__isnull=False
        ).first()
        if rapport:
            break
        time.sleep(0.2)
    else:
        pytest.fail("Le worker n'a pas produit le rapport en 30 secondes.")
    with rapport.fichier.open("rb") as fichier:
        texte = "".join(p.extract_text() for p in PdfReader(io.BytesIO(fichier.read())).pages)
    assert "Pôle d'échanges de Douai" in texte
    assert dossier.numero in texte
