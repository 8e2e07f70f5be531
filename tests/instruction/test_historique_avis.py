"""Avis keep their history, divergence is flagged on the amounts too, arbitration is asked."""

from html import unescape

import pytest
from django.test import override_settings
from django.urls import reverse

from instruction.enums import SensAvis
from instruction.models import DemandeArbitrage, HistoriqueAvis
from tests.factories import FinanceurFactory, LigneFinancementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(dossier_en_instruction):
    etat = FinanceurFactory()
    region = FinanceurFactory(region=True)
    LigneFinancementFactory(dossier=dossier_en_instruction, financeur=etat, montant_demande=40000)
    LigneFinancementFactory(dossier=dossier_en_instruction, financeur=region, montant_demande=30000)
    return etat, region


def _donner(client, dossier, sens, montants, motivation="Projet utile."):
    donnees = {"sens": sens, "motivation": motivation}
    donnees.update({f"montant_{f.pk}": m for f, m in montants.items()})
    return client.post(reverse("instruction:avis", args=[dossier.pk]), donnees)


def test_chaque_modification_d_un_avis_est_gardee(
    client, instructeur_etat, dossier_en_instruction, plan
):
    etat, _ = plan
    client.force_login(instructeur_etat)
    _donner(client, dossier_en_instruction, SensAvis.FAVORABLE, {etat: "35000"})
    _donner(
        client,
        dossier_en_instruction,
        SensAvis.FAVORABLE_SOUS_RESERVE,
        {etat: "30000"},
        motivation="Sous réserve de l'étude de trafic.",
    )
    assert HistoriqueAvis.objects.count() == 2
    page = unescape(
        client.get(reverse("instruction:historique_avis", args=[dossier_en_instruction.pk])).text
    )
    assert "Avis donné : Favorable" in page
    assert "Sens : Favorable → Favorable sous réserve" in page
    assert "Motivation modifiée" in page
    assert "Montant proposé — État : 35\u202f000,00\u00a0€ → 30\u202f000,00\u00a0€" in page
    assert instructeur_etat.get_full_name() in page
    # The avis form shows its own side's edits.
    page = unescape(client.get(reverse("instruction:avis", args=[dossier_en_instruction.pk])).text)
    assert "Sens : Favorable → Favorable sous réserve" in page


def test_les_montants_divergents_sont_signales(
    client, instructeur_etat, instructeur_region, dossier_en_instruction, plan
):
    etat, region = plan
    client.force_login(instructeur_etat)
    _donner(client, dossier_en_instruction, SensAvis.FAVORABLE, {etat: "40000", region: "30000"})
    client.force_login(instructeur_region)
    # Same direction, État amount 25 % lower: apart by more than the 10 % threshold.
    _donner(client, dossier_en_instruction, SensAvis.FAVORABLE, {etat: "30000", region: "29000"})
    page = unescape(
        client.get(reverse("instruction:dossier", args=[dossier_en_instruction.pk])).text
    )
    assert "Montants divergents" in page and "Avis divergents" not in page
    url = reverse("instruction:historique_avis", args=[dossier_en_instruction.pk])
    page = " ".join(unescape(client.get(url).text).split())
    assert "(écart de plus de 10 % entre les propositions)" in page
    assert "État — État 40 000,00 €, Région 30 000,00 €." in page
    assert "Conseil régional —" not in page  # 30 000 and 29 000 are within 10 %
    with override_settings(AVIS_ECART_MONTANTS_POURCENT=30):
        page = unescape(client.get(url).text)
    assert "Les avis ne divergent ni sur le sens ni sur les montants." in page


def test_le_groupe_demande_un_arbitrage(
    client, instructeur_etat, instructeur_region, dossier_en_instruction, plan
):
    etat, region = plan
    client.force_login(instructeur_etat)
    url = reverse("instruction:arbitrage", args=[dossier_en_instruction.pk])
    # Nothing to arbitrate while the avis agree.
    _donner(client, dossier_en_instruction, SensAvis.FAVORABLE, {etat: "30000"})
    reponse = client.post(url, {"motif": "Trancher."})
    assert "ne divergent pas : il n'y a rien à arbitrer" in unescape(reponse.text)
    client.force_login(instructeur_region)
    _donner(client, dossier_en_instruction, SensAvis.DEFAVORABLE, {region: "0"})
    page = unescape(
        client.get(reverse("instruction:historique_avis", args=[dossier_en_instruction.pk])).text
    )
    assert "Demander un arbitrage à l'instance de pilotage" in page
    reponse = client.post(
        url, {"motif": "La Région juge le coût excessif, l'État non."}, follow=True
    )
    page = unescape(reponse.text)
    assert "L'arbitrage est demandé au secrétariat de l'instance de pilotage" in page
    assert "« La Région juge le coût excessif, l'État non. »" in page
    assert "en attente de la séance" in page
    assert "Demander un arbitrage à l'instance de pilotage" not in page
    reponse = client.post(url, {"motif": "Encore."}, follow=True)
    assert "Action déjà effectuée" in unescape(reponse.text)
    assert DemandeArbitrage.objects.count() == 1


def test_un_instructeur_d_un_autre_groupe_ne_demande_rien(
    client, dossier_en_instruction, autre_groupe
):
    from cper.comptes.enums import Role
    from instruction.enums import Cote
    from tests.factories import UserFactory
    from tests.factories.instruction import MembreGroupeFactory

    autre = UserFactory(roles=[Role.INSTRUCTEUR])
    MembreGroupeFactory(groupe_technique=autre_groupe, user=autre, cote=Cote.ETAT)
    client.force_login(autre)
    url = reverse("instruction:arbitrage", args=[dossier_en_instruction.pk])
    assert client.post(url, {"motif": "x"}).status_code == 404
    assert (
        client.get(
            reverse("instruction:historique_avis", args=[dossier_en_instruction.pk])
        ).status_code
        == 404
    )


@pytest.mark.parametrize("n", [2, 20])
def test_page_de_l_historique(
    client, django_assert_num_queries, instructeur_etat, dossier_en_instruction, plan, n
):
    from instruction import services

    etat, _ = plan
    for i in range(n):
        services.avis_donner(
            dossier=dossier_en_instruction,
            par=instructeur_etat,
            sens=SensAvis.FAVORABLE,
            motivation=f"Version {i}",
            montants={etat.pk: 30000 + i},
        )
    client.force_login(instructeur_etat)
    url = reverse("instruction:historique_avis", args=[dossier_en_instruction.pk])
    client.get(url)
    # 1 session, 2 user, 3 roles, 4 the dossier in scope, 5 the plan comparé, 6 the two avis
    # (direction), 7 arbitration requests, 8 the groupe in charge and 9 the user's side in it,
    # 10 the edits with who made them.
    with django_assert_num_queries(10):
        reponse = client.get(url)
    assert reponse.text.count("Motivation modifiée") == n - 1
