"""Breakdown by département, arrondissement, EPCI and pôle; a dossier on two territories."""

import pytest

from dossiers import agregats
from gouvernance.selectors import tableaux
from tests.factories import (
    ArrondissementFactory,
    CommuneFactory,
    DepartementFactory,
    EpciFactory,
    PoleMetropolitainFactory,
)

from .scenario_tableaux import contrat, dossier, k, programmer

pytestmark = pytest.mark.django_db


def test_repartition_par_territoire():
    c = contrat()
    nord = DepartementFactory()
    pdc = DepartementFactory(code="62", nom="Pas-de-Calais")
    douai = ArrondissementFactory(code="593", nom="Douai", departement=nord)
    boulogne = ArrondissementFactory(code="621", nom="Boulogne-sur-Mer", departement=pdc)
    boulonnais = EpciFactory(nom="CA du Boulonnais")
    douaisis = EpciFactory(nom="CA Douaisis Agglo")
    PoleMetropolitainFactory(membres=[boulonnais])
    c_douai = CommuneFactory(nom="Douai", arrondissement=douai, epci=douaisis)
    c_boulogne = CommuneFactory(nom="Boulogne-sur-Mer", arrondissement=boulogne, epci=boulonnais)
    c_wimereux = CommuneFactory(nom="Wimereux", arrondissement=boulogne, epci=boulonnais)

    d1 = dossier("en_instruction", c.v1, {c.etat: 100, c.autofinancement: 50})
    d1.communes.set([c_douai, c_boulogne, c_wimereux])  # two départements, two EPCI
    agregats.recalculer_dossier(d1.pk)  # as the dépôt does with the dossier's communes
    d2 = dossier("programme", c.v1, {c.etat: 300, c.region: 100, c.autofinancement: 100})
    d2.communes.set([c_boulogne])
    agregats.recalculer_dossier(d2.pk)
    programmer(d2, {c.etat: 250, c.region: 100})
    dossier("brouillon", c.v1, {c.etat: 999}).communes.set([c_douai])

    repartition = tableaux.repartition_territoriale()
    par_nom = {
        niveau: {t.nom: (t.dossiers, t.demande, t.programme) for t in lignes}
        for niveau, lignes in repartition.items()
    }
    assert par_nom["departement"] == {
        "Nord": (1, k(100), k(0)),
        "Pas-de-Calais": (2, k(100), k(350)),
    }
    assert par_nom["arrondissement"]["Arrondissement de Boulogne-sur-Mer"] == (2, k(100), k(350))
    assert par_nom["arrondissement"]["Arrondissement de Douai"] == (1, k(100), k(0))
    # Counted once per EPCI even with two communes there.
    assert par_nom["epci"]["CA du Boulonnais"] == (2, k(100), k(350))
    assert par_nom["epci"]["CA Douaisis Agglo"] == (1, k(100), k(0))
    assert par_nom["pole"] == {"Pôle métropolitain de la Côte d'Opale": (2, k(100), k(350))}
