"""The plan comparé's tag writes the include's markup, value for value."""

import re
from decimal import Decimal

import pytest
from django.template import engines

LIGNES = [
    {
        "nom": "État <BOP 112>",
        "demande": Decimal("40000.00"),
        "etat": Decimal("35000.00"),
        "region": None,
        "programme": Decimal("30000.00"),
    },
    {"nom": "Région & co", "demande": None, "etat": None, "region": Decimal(0), "programme": None},
]
TOTAUX = {"demande": Decimal("40000.00"), "etat": Decimal("35000.00"), "region": Decimal(0)}


def _html(source, **contexte):
    rendu = engines["django"].from_string(source).render(contexte)
    return re.sub(r"\s*([<>])\s*", r"\1", rendu).strip()


@pytest.mark.parametrize("lignes", [LIGNES, []])
@pytest.mark.parametrize("programme", [True, False])
@pytest.mark.parametrize("legende_masquee", [True, False])
@pytest.mark.parametrize("totaux", [TOTAUX, None])
def test_comme_l_include(lignes, programme, legende_masquee, totaux):
    contexte = {
        "lignes": lignes,
        "legende": "Montants du dossier <25-001>",
        "legende_masquee": legende_masquee,
        "programme": programme,
        "totaux": totaux,
    }
    include = _html('{% include "instruction/includes/_plan_compare.html" %}', **contexte)
    tag = _html(
        "{% load plan_compare_tags %}{% plan_compare lignes legende legende_masquee=legende_masquee"
        " programme=programme totaux=totaux %}",
        **contexte,
    )
    assert tag == include
    assert "&lt;BOP 112&gt;" in tag or not lignes
