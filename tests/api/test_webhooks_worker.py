"""One delivery through the real Celery worker and the real Redis broker."""

import time
from decimal import Decimal

import pytest
from standardwebhooks import Webhook

from api.enums import StatutLivraison
from api.models import Livraison
from tests.programmation import programmer


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_un_vrai_worker_livre_le_dossier_programme(
    envoi_au_worker, recepteur, abonnement, dossier_instruit, secretariat, financeurs
):
    programmer(
        dossier_instruit,
        par=secretariat,
        montants={financeurs["etat"]: Decimal("30000"), financeurs["region"]: Decimal("25000")},
    )  # committed: the delivery goes to the broker, then to the worker
    assert recepteur.arrivee.wait(timeout=30), "Le worker n'a rien livré en 30 secondes."
    [recu] = recepteur.recus
    charge = Webhook(abonnement.secret).verify(recu.corps, recu.entetes)
    assert charge["type"] == "dossier.programmer"
    assert charge["data"]["programmation"]["total"] == "55000.00"
    limite = time.monotonic() + 30
    livraison = Livraison.objects.get()
    while livraison.statut != StatutLivraison.LIVREE and time.monotonic() < limite:
        time.sleep(0.1)  # the worker records the answer right after it
        livraison.refresh_from_db()
    assert livraison.statut == StatutLivraison.LIVREE
    assert (livraison.statut_http, livraison.tentatives) == (200, 1)
