"""The state machine of DESIGN.md §3 on the model: targets, the return of completer, constraints."""

import pytest
from django.db import IntegrityError
from django_fsm import TransitionNotAllowed
from django_fsm_log.models import StateLog

from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier
from tests.factories import DossierFactory


# Drives the model (or the table) directly, around the services that keep the aggregates.
@pytest.mark.agregats_libres
@pytest.mark.parametrize("origine", [E.DEPOSE, E.EN_INSTRUCTION])
def test_completer_ramene_le_dossier_ou_il_etait(db, origine, agent_sp_douai):
    dossier = DossierFactory(avec_depot=True, etat=origine)
    dossier.demander_complements(by=agent_sp_douai, description="Pièces manquantes")
    dossier.save()
    assert dossier.etat == E.INCOMPLET
    assert dossier.etat_avant_complements == origine
    dossier.completer(by=agent_sp_douai)
    dossier.save()
    dossier.refresh_from_db()
    assert dossier.etat == origine
    assert dossier.etat_avant_complements == ""
    assert list(
        StateLog.objects.for_(dossier).order_by("pk").values_list("source_state", "state")
    ) == [(origine, E.INCOMPLET), (E.INCOMPLET, origine)]
    assert StateLog.objects.for_(dossier).first().description == "Pièces manquantes"


def test_une_transition_depuis_un_mauvais_etat_est_refusee(db):
    dossier = DossierFactory(en_instruction=True)
    with pytest.raises(TransitionNotAllowed):
        dossier.declarer_recevable()


def test_un_dossier_incomplet_sans_etat_d_origine_est_refuse_par_la_base(db):
    dossier = DossierFactory(depose=True)
    with pytest.raises(IntegrityError):
        Dossier.objects.filter(pk=dossier.pk).update(etat=E.INCOMPLET)


def test_le_trait_incomplet_respecte_les_contraintes(db):
    assert DossierFactory(incomplet=True).etat_avant_complements == E.DEPOSE


def test_l_adhesion_a_un_groupe_technique_suit_le_groupe_django(db):
    from tests.factories import UserFactory
    from tests.factories.instruction import GroupeTechniqueFactory, MembreGroupeFactory

    groupe = GroupeTechniqueFactory()
    premier, second = UserFactory(), UserFactory()
    membre = MembreGroupeFactory(groupe_technique=groupe, user=premier)
    assert premier.groups.filter(pk=groupe.groupe_id).exists()
    membre.user = second
    membre.save()
    assert not premier.groups.filter(pk=groupe.groupe_id).exists()
    assert second.groups.filter(pk=groupe.groupe_id).exists()
    membre.delete()
    assert not second.groups.filter(pk=groupe.groupe_id).exists()
