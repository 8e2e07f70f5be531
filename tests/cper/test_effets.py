"""The outbox itself: recorded with the change, once per key, retried with backoff, run once."""

import datetime

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from cper import effets
from cper.enums import EtatEffet
from cper.models import EffetDiffere

pytestmark = pytest.mark.django_db

APPELS: list[tuple] = []
ECHECS_RESTANTS = {"n": 0}
TACHE = "tests.cper.test_effets.tache_de_test"


def tache_de_test(*arguments):
    """Stands for a Celery task: fails while ECHECS_RESTANTS says so, records each run."""
    if ECHECS_RESTANTS["n"]:
        ECHECS_RESTANTS["n"] -= 1
        raise ConnectionError("serveur de courriel injoignable")
    APPELS.append(arguments)


@pytest.fixture(autouse=True)
def _remise_a_zero():
    APPELS.clear()
    ECHECS_RESTANTS["n"] = 0


def test_l_effet_n_existe_que_si_la_transaction_est_validee():
    with pytest.raises(RuntimeError), transaction.atomic():
        effets.differer(TACHE, 1, cle="annule")
        raise RuntimeError("la transaction de l'utilisateur échoue")
    assert not EffetDiffere.objects.exists()


def test_une_meme_cle_n_enregistre_qu_un_effet_execute_une_fois():
    premier = effets.differer(TACHE, 1, cle="recepisse:1")
    second = effets.differer(TACHE, 1, cle="recepisse:1")
    assert premier.pk == second.pk
    assert effets.executer(premier.pk) == EtatEffet.FAIT
    assert effets.executer(premier.pk) == "rien à faire"
    assert effets.relancer() == 0
    assert APPELS == [(1,)]


def test_un_nom_de_tache_inconnu_echoue_dans_le_service():
    with pytest.raises(ImportError):
        effets.differer("dossiers.tasks.n_existe_pas", 1)


def test_un_echec_est_reessaye_apres_un_delai_croissant_puis_plus_jamais_une_fois_fait():
    ECHECS_RESTANTS["n"] = 2
    debut = timezone.now()
    effet = effets.differer(TACHE, 7)
    with time_machine.travel(debut, tick=False):
        assert effets.executer(effet.pk) == EtatEffet.A_FAIRE
    effet.refresh_from_db()
    assert effet.tentatives == 1
    assert "serveur de courriel injoignable" in effet.derniere_erreur
    assert effet.prochain_essai == debut + datetime.timedelta(minutes=1)

    # Not due yet: the beat job leaves it alone.
    assert effets.relancer(maintenant=debut + datetime.timedelta(seconds=30)) == 0
    # Due: handed over (run in-process here) and failing again, now waits two minutes.
    with time_machine.travel(debut + datetime.timedelta(minutes=1), tick=False):
        assert effets.relancer() == 1
    effet.refresh_from_db()
    assert (effet.tentatives, effet.etat) == (2, EtatEffet.A_FAIRE)
    assert effet.prochain_essai == debut + datetime.timedelta(minutes=3)

    with time_machine.travel(debut + datetime.timedelta(minutes=3), tick=False):
        assert effets.relancer() == 1
    effet.refresh_from_db()
    assert effet.etat == EtatEffet.FAIT
    assert APPELS == [(7,)]
    with time_machine.travel(debut + datetime.timedelta(hours=1), tick=False):
        assert effets.relancer() == 0
        assert effets.executer(effet.pk) == "rien à faire"
    assert APPELS == [(7,)]


def test_le_delai_double_jusqu_a_six_heures_et_l_effet_est_abandonne_apres_douze_essais():
    assert [effets.delai_apres(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert effets.delai_apres(20) == datetime.timedelta(hours=6)
    ECHECS_RESTANTS["n"] = 100
    effet = effets.differer(TACHE, 1)
    for _ in range(effets.TENTATIVES_MAX):
        EffetDiffere.objects.filter(pk=effet.pk).update(prochain_essai=timezone.now())
        effets.executer(effet.pk)
    effet.refresh_from_db()
    assert (effet.etat, effet.tentatives) == (EtatEffet.ECHEC, effets.TENTATIVES_MAX)
    assert effets.executer(effet.pk) == "rien à faire"


def test_la_tache_en_echec_ne_laisse_rien_de_ce_qu_elle_avait_ecrit(porteur):
    def ecrit_puis_echoue():
        porteur.first_name = "Modifié"
        porteur.save()
        raise ValueError("échec après écriture")

    effet = effets.differer(TACHE, 1)
    EffetDiffere.objects.filter(pk=effet.pk).update(tache="tests.cper.test_effets.ECRIT")
    globals()["ECRIT"] = ecrit_puis_echoue
    assert effets.executer(effet.pk) == EtatEffet.A_FAIRE
    porteur.refresh_from_db()
    assert porteur.first_name != "Modifié"
