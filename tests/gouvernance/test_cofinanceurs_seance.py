"""The co-financers' optional avis are read on the séance's agenda, beside État and Région."""

from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from cper.referentiel.enums import CategorieFinanceur
from instruction.enums import SensAvis
from instruction.models import AvisCofinanceur
from tests.factories import FinanceurFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_l_avis_du_departement_est_a_l_ordre_du_jour(
    client, secretariat, seance_convoquee, dossier_instruit
):
    mel = FinanceurFactory(
        code="mel", nom="Métropole européenne de Lille", categorie=CategorieFinanceur.METROPOLE
    )
    AvisCofinanceur.objects.create(
        dossier=dossier_instruit,
        financeur=mel,
        sens=SensAvis.FAVORABLE_SOUS_RESERVE,
        motivation="Sous réserve du tracé.",
        montant=Decimal(15000),
        donne_par=UserFactory(),
    )
    client.force_login(secretariat)
    page = " ".join(
        unescape(client.get(reverse("gouvernance:seance", args=[seance_convoquee.pk])).text).split()
    )
    assert "Avis — Métropole européenne de Lille (cofinanceur)" in page
    assert (
        "<strong>Favorable sous réserve</strong> : Sous réserve du tracé. "
        "— montant envisagé 15 000,00 €" in page
    )
