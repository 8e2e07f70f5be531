"""What-if: the envelopes as they would stand after the séance; nothing is decided."""

from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from dossiers.enums import EtatDossier as E
from gouvernance.enums import SensDecision
from gouvernance.models import Decision, MontantSimule, PointOrdreDuJour
from gouvernance.selectors.simulation import simuler
from tests.factories import EnveloppeFactory, FinanceurFactory, LigneFinancementFactory
from tests.factories.gouvernance import (
    DecisionFactory,
    MontantProgrammeFactory,
    PointOrdreDuJourFactory,
    SeanceFactory,
)

from .conftest import creer_instruit


@pytest.fixture
def enveloppes(volet, financeurs):
    return {
        "etat": EnveloppeFactory(volet=volet, financeur=financeurs["etat"], montant=100000),
        "region": EnveloppeFactory(volet=volet, financeur=financeurs["region"], montant=50000),
    }


@pytest.fixture
def deja_programme(pilotage, secretariat, autre_structure, volet, financeurs):
    """An earlier séance programmed 30 000 € (État) and 25 000 € (Région) on the same volet,
    and rejected another dossier (its stray amount must not count)."""
    ancienne = SeanceFactory(instance=pilotage, creee_par=secretariat)
    for sens, montants in (
        (SensDecision.PROGRAMME, {"etat": 30000, "region": 25000}),
        (SensDecision.REJETE, {"etat": 999}),
    ):
        dossier = creer_instruit(structure=autre_structure, volet=volet, financeurs=financeurs)
        point = PointOrdreDuJourFactory(seance=ancienne, dossier=dossier)
        decision = DecisionFactory(
            point=point, sens=sens, motif="" if sens == "programme" else "Non."
        )
        for code, montant in montants.items():
            MontantProgrammeFactory(decision=decision, financeur=financeurs[code], montant=montant)


def test_les_chiffres_s_additionnent_et_le_depassement_est_signale(
    client, secretariat, seance, dossier_instruit, financeurs, enveloppes, deja_programme
):
    point = PointOrdreDuJour.objects.create(seance=seance, dossier=dossier_instruit, ordre=1)
    autofinancement = FinanceurFactory(autofinancement=True)
    LigneFinancementFactory(dossier=dossier_instruit, financeur=autofinancement)
    client.force_login(secretariat)
    url = reverse("gouvernance:simulation", args=[seance.pk])
    html = unescape(client.get(url).text)
    assert f"{dossier_instruit.numero} — {dossier_instruit.intitule}" in html
    assert "État (€)" in html
    # Only signatories have envelopes: nothing to simulate for the porteur's own money.
    assert f'name="simule_{point.pk}_{autofinancement.pk}"' not in html
    reponse = client.post(
        url,
        {
            f"simule_{point.pk}_{financeurs['etat'].pk}": "40000",
            f"simule_{point.pk}_{financeurs['region'].pk}": "30000",
        },
    )
    assert reponse.status_code == 302
    assert MontantSimule.objects.count() == 2
    par_financeur = {e.financeur.code: e for e in simuler(seance)}
    etat, region = par_financeur["etat"], par_financeur["region"]
    assert (etat.montant, etat.programme, etat.simule, etat.total_apres, etat.restant) == (
        Decimal("100000.00"),
        Decimal("30000.00"),
        Decimal("40000.00"),
        Decimal("70000.00"),
        Decimal("30000.00"),
    )
    assert (region.programme, region.simule, region.total_apres, region.restant) == (
        Decimal("25000.00"),
        Decimal("30000.00"),
        Decimal("55000.00"),
        Decimal("-5000.00"),
    )
    html = unescape(client.get(url).text)
    assert "1 enveloppe dépassée après la séance" in html
    assert "Dépassement" in html
    assert "-5\u202f000,00\u00a0€" in html
    # Nothing is decided.
    dossier_instruit.refresh_from_db()
    assert dossier_instruit.etat == E.INSTRUIT
    assert not Decision.objects.filter(point=point).exists()


def test_un_point_decide_ne_compte_plus_comme_simule(
    secretariat, seance_convoquee, dossier_instruit, financeurs, enveloppes
):
    from gouvernance.services import seances as services

    from .conftest import point_de

    point = point_de(seance_convoquee, dossier_instruit)
    MontantSimule.objects.create(point=point, financeur=financeurs["etat"], montant=40000)
    services.decision_prendre(
        point=point, par=secretariat, sens="programme", montants={financeurs["etat"].pk: 35000}
    )
    etat = next(e for e in simuler(seance_convoquee) if e.financeur.code == "etat")
    assert (etat.programme, etat.simule, etat.restant) == (
        Decimal("35000.00"),
        Decimal("0.00"),
        Decimal("65000.00"),
    )


def test_un_membre_ne_simule_pas(client, membre, seance):
    client.force_login(membre)
    assert client.get(reverse("gouvernance:simulation", args=[seance.pk])).status_code == 403
