"""Two secretaries deciding on the same item at once, in real transactions: one decision."""

import threading

import pytest
from django.db import connection
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from django_fsm_log.models import StateLog

from dossiers.enums import EtatDossier as E
from gouvernance.models import Decision
from gouvernance.services import seances as services

from .conftest import point_de

pytestmark = pytest.mark.django_db(transaction=True)


def test_deux_decisions_en_meme_temps_une_seule_prise(
    seance_convoquee, dossier_instruit, secretariat, autre_secretariat, financeurs
):
    point = point_de(seance_convoquee, dossier_instruit)
    depart = threading.Barrier(2)
    resultats = []

    def decider(user, sens):
        try:
            depart.wait()
            services.decision_prendre(
                point=point,
                par=user,
                sens=sens,
                motif="" if sens == "programme" else "À revoir.",
                montants={financeurs["etat"].pk: 30000},
            )
            resultats.append("fait")
        except (ConcurrentTransition, TransitionNotAllowed):
            resultats.append("deja")
        finally:
            connection.close()

    fils = [
        threading.Thread(target=decider, args=(secretariat, "programme")),
        threading.Thread(target=decider, args=(autre_secretariat, "ajourne")),
    ]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=30)
    assert sorted(resultats) == ["deja", "fait"]
    assert Decision.objects.filter(point=point).count() == 1
    assert StateLog.objects.for_(dossier_instruit).count() == 1
    dossier_instruit.refresh_from_db()
    attendu = {"programme": E.PROGRAMME, "ajourne": E.EN_INSTRUCTION}
    assert dossier_instruit.etat == attendu[Decision.objects.get().sens]
