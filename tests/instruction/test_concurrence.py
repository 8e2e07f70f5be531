"""Two agents acting at once on the same dossier, in real transactions: one transition only."""

import threading

import pytest
from django.db import connection, transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from django_fsm_log.models import StateLog

from cper.models import Evenement
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier
from instruction import services
from instruction.models import Routage

pytestmark = pytest.mark.django_db(transaction=True)


# Drives the model (or the table) directly, around the services that keep the aggregates.
@pytest.mark.agregats_libres
def test_concurrent_transition_mixin_refuse_la_seconde_ecriture(dossier_depose, agent_sp_douai):
    """Both loaded the dossier in `depose`; the second save finds it moved on.

    Each in a transaction, as the services run them: what the transition wrote (its log, its
    event) goes away with the refused save.
    """
    premier = Dossier.objects.get(pk=dossier_depose.pk)
    second = Dossier.objects.get(pk=dossier_depose.pk)
    with transaction.atomic():
        premier.declarer_irrecevable(by=agent_sp_douai, description="Hors champ.")
        premier.save()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.declarer_recevable(by=agent_sp_douai)
        second.save()
    dossier_depose.refresh_from_db()
    assert dossier_depose.etat == E.IRRECEVABLE
    assert list(Evenement.objects.values_list("type", flat=True)) == [
        "dossier.declarer_irrecevable"
    ]


def test_deux_fils_en_meme_temps_une_seule_transition(
    dossier_depose, agent_sp_douai, groupe_mobilite
):
    depart = threading.Barrier(2)
    resultats = []

    def agir():
        try:
            depart.wait()
            services.dossier_declarer_recevable(
                dossier=dossier_depose, par=agent_sp_douai, groupe_technique=groupe_mobilite
            )
            resultats.append("fait")
        except (ConcurrentTransition, TransitionNotAllowed):
            resultats.append("deja")
        finally:
            connection.close()

    fils = [threading.Thread(target=agir) for _ in range(2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=30)
    assert sorted(resultats) == ["deja", "fait"]
    assert StateLog.objects.for_(dossier_depose).count() == 1
    assert Routage.objects.filter(dossier=dossier_depose).count() == 1
