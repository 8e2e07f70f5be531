"""The money rules of the decrees, on an act of 40 000 € over 100 000 € (40 %)."""

from decimal import Decimal

import pytest

from execution.enums import Regime, TypeVersement
from execution.models import Acte
from execution.services import RegleNonRespectee
from execution.services.versements import calculer

D = Decimal


TRENTE = D("30.00")


def acte(regime=Regime.DECRET_2018, avance=TRENTE):
    return Acte(
        assiette=D("100000.00"),
        montant=D("40000.00"),
        regime=regime,
        taux_avance_max=avance,
        plafond_acomptes=D("80.00"),
    )


@pytest.mark.parametrize(
    ("regime", "taux", "permis", "refuse"),
    [
        (Regime.DECRET_2018, D("30.00"), D("12000.00"), D("12000.01")),
        (Regime.DECRET_1999, D("5.00"), D("2000.00"), D("2000.01")),
    ],
)
def test_l_avance_au_dela_du_plafond_est_refusee(regime, taux, permis, refuse):
    assert calculer(acte(regime, taux), TypeVersement.AVANCE, deja_verse=D(0), montant=permis) == (
        permis,
        D(0),
    )
    with pytest.raises(RegleNonRespectee, match=f"{int(taux)} %"):
        calculer(acte(regime, taux), TypeVersement.AVANCE, deja_verse=D(0), montant=refuse)


@pytest.mark.parametrize(
    ("deja_verse", "depenses", "montant", "refus"),
    [
        # 80 % of 40 000 = 32 000: paid 20 000, 12 000 more is the limit.
        (D("20000.00"), D("90000.00"), D("12000.00"), None),
        (D("20000.00"), D("90000.00"), D("12000.01"), "80 %"),
        (D("30000.00"), D("100000.00"), D("2000.01"), "80 %"),
        # 40 000 of expenses justify 16 000: with 12 000 paid, at most 4 000 more.
        (D("12000.00"), D("40000.00"), D("4000.00"), None),
        (D("12000.00"), D("40000.00"), D("4000.01"), "justifient"),
    ],
)
def test_le_cumul_des_acomptes_au_dela_de_80_pourcent_est_refuse(
    deja_verse, depenses, montant, refus
):
    if refus is None:
        assert calculer(
            acte(), TypeVersement.ACOMPTE, deja_verse=deja_verse, depenses=depenses, montant=montant
        ) == (montant, D(0))
    else:
        with pytest.raises(RegleNonRespectee, match=refus):
            calculer(
                acte(),
                TypeVersement.ACOMPTE,
                deja_verse=deja_verse,
                depenses=depenses,
                montant=montant,
            )


@pytest.mark.parametrize(
    ("deja_verse", "depenses", "solde", "trop_percu"),
    [
        # All spent: 40 000 − 32 000 paid.
        (D("32000.00"), D("100000.00"), D("8000.00"), D(0)),
        # Spent beyond the eligible expense: capped at the subsidy.
        (D("32000.00"), D("150000.00"), D("8000.00"), D(0)),
        # 90 000 spent × 40 % = 36 000.
        (D("32000.00"), D("90000.00"), D("4000.00"), D(0)),
        # 33 333.33 × 40 % = 13 333.33 (to the cent).
        (D("12000.00"), D("33333.33"), D("1333.33"), D(0)),
    ],
)
def test_le_solde_est_proratise_aux_depenses(deja_verse, depenses, solde, trop_percu):
    assert calculer(acte(), TypeVersement.SOLDE, deja_verse=deja_verse, depenses=depenses) == (
        solde,
        trop_percu,
    )


@pytest.mark.parametrize(
    ("deja_verse", "depenses", "trop_percu"),
    [
        (D("32000.00"), D("50000.00"), D("12000.00")),  # 20 000 due, 32 000 paid
        (D("12000.00"), D("0.00"), D("12000.00")),  # nothing done: the avance comes back
        (D("20000.00"), D("49999.99"), D("0.00")),  # 20 000.00 due (rounded): nothing back
    ],
)
def test_le_reversement_est_calcule(deja_verse, depenses, trop_percu):
    montant, trop = calculer(acte(), TypeVersement.SOLDE, deja_verse=deja_verse, depenses=depenses)
    assert montant == D(0) or trop_percu == 0
    assert trop == trop_percu
