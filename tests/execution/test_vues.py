"""The execution's screens as people use them: refusals next to the form, never a 500."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dossiers.models import Dossier
from execution import services
from execution.enums import EtatDemande, TypeVersement
from execution.models import DemandeVersement
from tests.execution.conftest import il_y_a

pytestmark = pytest.mark.django_db


def test_une_avance_au_dela_du_plafond_est_refusee_a_cote_du_formulaire(
    client, dossier_en_cours, acte_etat, porteur
):
    client.force_login(porteur)
    url = reverse("execution:demander_versement", args=[dossier_en_cours.pk, acte_etat.pk])
    reponse = client.post(url, {"type": TypeVersement.AVANCE, "montant": "12 000,01"})
    assert reponse.status_code == 200
    assert "ne peut pas dépasser 30 %" in reponse.text
    assert not DemandeVersement.objects.exists()
    reponse = client.post(url, {"type": TypeVersement.AVANCE, "montant": "1e309"})
    assert reponse.status_code == 200
    assert not DemandeVersement.objects.exists()


def test_mandater_une_selection_puis_encore_dit_deja_effectue(
    client, dossier_en_cours, acte_etat, porteur, gestionnaire_etat
):
    demande = services.demande_versement_deposer(
        acte=acte_etat, par=porteur, type=TypeVersement.AVANCE, montant=Decimal("5000.00")
    )
    services.demande_versement_accepter(demande=demande, par=gestionnaire_etat)
    client.force_login(gestionnaire_etat)
    page = client.get(reverse("execution:versements"))
    assert f'value="{demande.pk}"' in page.text
    donnees = {"demandes": [demande.pk], "mandate_le": il_y_a(0).isoformat()}
    reponse = client.post(reverse("execution:versements_mandater"), donnees, follow=True)
    assert "1 versement(s) mandaté(s)" in reponse.text
    demande.refresh_from_db()
    assert demande.etat == EtatDemande.MANDATEE
    assert demande.montant_mandate == Decimal("5000.00")
    # The same post again: nothing more is paid.
    reponse = client.post(reverse("execution:versements_mandater"), donnees, follow=True)
    assert "Choisissez des demandes acceptées" in reponse.text
    url = reverse("execution:versement_mandater", args=[dossier_en_cours.pk, demande.pk])
    reponse = client.post(url, {"mandate_le": il_y_a(0).isoformat()}, follow=True)
    assert "Action déjà effectuée" in reponse.text


def test_l_historique_des_decisions_sur_la_page_de_l_agent(
    client, dossier_programme, acte_etat, agent_sp_douai
):
    # Filed at the agent's guichet: the guichet's agents see it.
    guichet = agent_sp_douai.groups.filter(guichet__isnull=False).first().guichet
    Dossier.objects.filter(pk=dossier_programme.pk).update(guichet=guichet)
    client.force_login(agent_sp_douai)
    reponse = client.get(reverse("execution:dossier", args=[dossier_programme.pk]))
    assert "Historique des décisions" in reponse.text
    assert "Programmé" in reponse.text
    assert "Arrêté attributif de subvention" in reponse.text
