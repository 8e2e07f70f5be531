"""An incomplete dossier past its complements deadline is closed by its guichet, with a motive."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django_fsm_log.models import StateLog

from cper.models import Notification
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier
from instruction import services
from instruction.tasks import relancer_complements
from tests.factories.instruction import DemandeComplementsFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
ECHEANCE = datetime.date(2016, 3, 20)


def _a(jour):
    return time_machine.travel(datetime.datetime.combine(jour, datetime.time(9, 0), PARIS))


@pytest.fixture
def demande_en_retard(structure, guichet_douai, porteur):
    demande = DemandeComplementsFactory(
        dossier__structure=structure,
        dossier__guichet=guichet_douai,
        dossier__cree_par=porteur,
        echeance=ECHEANCE,
    )
    return demande


def test_l_agent_classe_sans_suite_apres_l_echeance_et_le_porteur_est_informe(
    client, agent_sp_douai, porteur, demande_en_retard, django_capture_on_commit_callbacks
):
    dossier = demande_en_retard.dossier
    client.force_login(agent_sp_douai)
    url = reverse("instruction:clore", args=[dossier.pk])
    with _a(ECHEANCE + datetime.timedelta(days=1)):
        page = client.get(reverse("instruction:dossier", args=[dossier.pk])).text
        assert "Clore le dossier (échéance dépassée)" in page
        with django_capture_on_commit_callbacks(execute=True):
            reponse = client.post(
                url,
                {"issue": "classement", "motif": "Délibération jamais transmise."},
                follow=True,
            )
    assert "Le dossier est clos" in reponse.text
    dossier.refresh_from_db()
    assert dossier.etat == E.CLASSE_SANS_SUITE
    assert dossier.etat_avant_complements == ""
    demande_en_retard.refresh_from_db()
    assert demande_en_retard.close_le is not None
    page = client.get(reverse("instruction:dossier", args=[dossier.pk])).text
    assert "Restée sans réponse : dossier clos le" in page
    log = StateLog.objects.for_(dossier).get(transition="classer_sans_suite")
    assert log.by == agent_sp_douai and log.description == "Délibération jamais transmise."
    courriel = next(m for m in mail.outbox if m.to == [porteur.email])
    assert "classé sans suite" in courriel.subject
    assert Notification.objects.filter(user=porteur, texte__contains="classé sans suite").exists()


def test_irrecevable_apres_complements_quand_la_recevabilite_etait_en_suspens(
    agent_sp_douai, demande_en_retard
):
    with _a(ECHEANCE + datetime.timedelta(days=3)):
        dossier = services.dossier_clore_incomplet(
            dossier=demande_en_retard.dossier,
            par=agent_sp_douai,
            issue="irrecevable",
            motif="Pièces essentielles manquantes.",
        )
    assert dossier.etat == E.IRRECEVABLE


def test_pas_d_irrecevabilite_pour_un_dossier_deja_recevable(
    client, agent_sp_douai, structure, guichet_douai
):
    demande = DemandeComplementsFactory(
        dossier__structure=structure,
        dossier__guichet=guichet_douai,
        dossier__etat_avant_complements=E.EN_INSTRUCTION,
        etat_origine=E.EN_INSTRUCTION,
        echeance=ECHEANCE,
    )
    client.force_login(agent_sp_douai)
    with _a(ECHEANCE + datetime.timedelta(days=1)):
        reponse = client.post(
            reverse("instruction:clore", args=[demande.dossier.pk]),
            {"issue": "irrecevable", "motif": "Trop tard."},
        )
    assert reponse.status_code == 200
    assert "Classez-le sans suite" in reponse.text
    assert Dossier.objects.get(pk=demande.dossier.pk).etat == E.INCOMPLET


def test_avant_l_echeance_le_dossier_ne_peut_etre_clos(client, agent_sp_douai, demande_en_retard):
    client.force_login(agent_sp_douai)
    with _a(ECHEANCE):
        page = client.get(reverse("instruction:dossier", args=[demande_en_retard.dossier.pk]))
        assert "Clore le dossier" not in page.text
        reponse = client.post(
            reverse("instruction:clore", args=[demande_en_retard.dossier.pk]),
            {"issue": "classement", "motif": "Trop tôt."},
        )
    assert reponse.status_code == 200
    assert "jusqu&#x27;au 20/03/2016" in reponse.text
    assert Dossier.objects.get(pk=demande_en_retard.dossier.pk).etat == E.INCOMPLET


def test_le_motif_est_obligatoire(client, agent_sp_douai, demande_en_retard):
    client.force_login(agent_sp_douai)
    with _a(ECHEANCE + datetime.timedelta(days=1)):
        reponse = client.post(
            reverse("instruction:clore", args=[demande_en_retard.dossier.pk]),
            {"issue": "classement", "motif": "   "},
        )
    assert reponse.status_code == 200
    assert Dossier.objects.get(pk=demande_en_retard.dossier.pk).etat == E.INCOMPLET


def test_deux_agents_une_seule_cloture_sans_erreur(client, agent_sp_douai, demande_en_retard):
    """The second click finds the dossier closed: « Action déjà effectuée », never a 500."""
    client.force_login(agent_sp_douai)
    url = reverse("instruction:clore", args=[demande_en_retard.dossier.pk])
    donnees = {"issue": "classement", "motif": "Rien reçu."}
    with _a(ECHEANCE + datetime.timedelta(days=1)):
        client.post(url, donnees)
        reponse = client.post(url, donnees, follow=True)
    assert reponse.status_code == 200
    assert "Action déjà effectuée" in reponse.text
    dossier = demande_en_retard.dossier
    assert StateLog.objects.for_(dossier).filter(transition="classer_sans_suite").count() == 1


def test_l_agent_d_un_autre_guichet_recoit_404(client, agent_region, demande_en_retard):
    client.force_login(agent_region)
    with _a(ECHEANCE + datetime.timedelta(days=1)):
        reponse = client.post(
            reverse("instruction:clore", args=[demande_en_retard.dossier.pk]),
            {"issue": "classement", "motif": "Pas mon guichet."},
        )
    assert reponse.status_code == 404


def test_declarer_irrecevable_ne_contourne_pas_l_echeance(agent_sp_douai, demande_en_retard):
    from django_fsm import TransitionNotAllowed

    with _a(ECHEANCE), pytest.raises(TransitionNotAllowed):
        services.dossier_declarer_irrecevable(
            dossier=demande_en_retard.dossier, par=agent_sp_douai, motif="Raccourci."
        )


def test_la_tache_quotidienne_propose_la_cloture_au_guichet_une_fois(
    agent_sp_douai, demande_en_retard
):
    with _a(ECHEANCE):
        relancer_complements()
    assert not any(agent_sp_douai.email in m.to for m in mail.outbox)
    with _a(ECHEANCE + datetime.timedelta(days=1)):
        relancer_complements()
        relancer_complements()
    propositions = [m for m in mail.outbox if m.to == [agent_sp_douai.email]]
    assert len(propositions) == 1
    assert "dossier à clore" in propositions[0].subject
    assert reverse("instruction:clore", args=[demande_en_retard.dossier.pk]) in (
        propositions[0].body
    )
