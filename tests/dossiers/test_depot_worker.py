"""The récépissé through a real Celery worker: queued on commit, rendered and sent by the worker."""

import time

import pytest

from dossiers.models import Recepisse
from dossiers.services.depot import dossier_deposer
from tests.dossiers.complets import dossier_complet


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_le_worker_emet_le_recepisse_apres_le_commit(
    envoi_au_worker, structure, porteur, guichet_douai
):
    dossier = dossier_complet(structure=structure, porteur=porteur)
    dossier = dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)

    limite = time.monotonic() + 30
    recepisse = None
    while time.monotonic() < limite:
        recepisse = Recepisse.objects.filter(
            dossier=dossier, envoye_au_porteur_le__isnull=False, guichet_notifie_le__isnull=False
        ).first()
        if recepisse:
            break
        time.sleep(0.2)
    assert recepisse is not None, "le worker n'a pas émis le récépissé en 30 secondes"
    assert recepisse.taille > 1000
    assert recepisse.fichier.name.endswith(f"/recepisse-{dossier.numero}.pdf")
