"""The funnel and the processing delays, on dossiers whose history has known dates."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django_fsm_log.models import StateLog

from dossiers import agregats
from gouvernance.selectors import tableaux
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
T0 = datetime.datetime(2016, 1, 4, 10, tzinfo=PARIS)


def _historique(etat, *etapes):
    """A dossier filed at T0 whose transitions happen the given days after T0."""
    dossier = DossierFactory(avec_depot=True, etat=etat, depose_le=T0)
    StateLog.objects.create(
        content_object=dossier,
        transition="deposer",
        source_state="brouillon",
        state="depose",
        timestamp=T0,
    )
    for transition, cible, jours in etapes:
        StateLog.objects.create(
            content_object=dossier,
            transition=transition,
            source_state="",
            state=cible,
            timestamp=T0 + datetime.timedelta(days=jours),
        )
    agregats.recalculer_dossier(dossier.pk)  # as every service moving a dossier does
    return dossier


@pytest.fixture
def dossiers():
    a = _historique(
        "programme",
        ("declarer_recevable", "en_instruction", 10),
        ("conclure_instruction", "instruit", 40),
        ("programmer", "programme", 45),
    )
    b = _historique(
        "rejete",
        ("declarer_recevable", "en_instruction", 20),
        ("conclure_instruction", "instruit", 70),
        ("rejeter", "rejete", 85),
    )
    c = _historique("irrecevable", ("declarer_irrecevable", "irrecevable", 30))
    # Declared recevable, then withdrawn: still counts as having passed that stage.
    d = _historique("retire", ("declarer_recevable", "en_instruction", 5), ("retirer", "retire", 8))
    DossierFactory()  # a draft: never counted
    return a, b, c, d


def test_entonnoir(dossiers):
    entonnoir = tableaux.entonnoir()
    assert entonnoir.deposes == 4
    assert [(libelle, n) for libelle, n, _ in entonnoir.etapes] == [
        ("Déposés", 4),
        ("Déclarés recevables", 3),
        ("Instruits", 2),
        ("Programmés", 1),
        ("Attribués (acte notifié)", 0),
        ("Commencés", 0),
        ("Soldés", 0),
        ("Clôturés", 0),
    ]
    assert [(libelle, n) for libelle, n, _ in entonnoir.sorties] == [
        ("Sortie : devenus caducs", 0),
        ("Sortie : abandonnés par le porteur", 0),
    ]
    assert entonnoir.etapes[1][2] == Decimal("75.0")
    par_etat = dict(entonnoir.etats)
    assert par_etat["Programmé"] == 1 and par_etat["Rejeté"] == 1
    assert par_etat["Irrecevable"] == 1 and par_etat["Retiré"] == 1
    assert "Brouillon" not in par_etat


def test_delais_mediane_et_90e_centile(dossiers):
    delais = {d.libelle: d for d in tableaux.delais()}
    recevabilite = delais["Dépôt → recevabilité"]
    # 10, 20, 30 and 5 days: median 15, p90 = 20 + 0.7 × 10 = 27.
    assert recevabilite.dossiers == 4
    assert recevabilite.mediane == Decimal("15.0")
    assert recevabilite.p90 == Decimal("27.0")
    instruction = delais["Recevabilité → conclusion de l'instruction"]
    assert (instruction.dossiers, instruction.mediane, instruction.p90) == (
        2,
        Decimal("40.0"),
        Decimal("48.0"),
    )
    decision = delais["Conclusion → décision"]
    assert (decision.mediane, decision.p90) == (Decimal("10.0"), Decimal("14.0"))
    total = delais["Dépôt → décision (total)"]
    assert (total.mediane, total.p90) == (Decimal("65.0"), Decimal("81.0"))


def test_sans_dossier_les_delais_sont_vides(db):
    assert all(d.dossiers == 0 and d.mediane is None for d in tableaux.delais())
