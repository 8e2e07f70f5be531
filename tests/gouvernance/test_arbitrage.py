"""An arbitration asked by the groupe technique is on the agenda; the decision settles it."""

from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from gouvernance.services import seances as services
from instruction.models import DemandeArbitrage
from tests.factories import UserFactory

from .conftest import point_de
from .test_cloture import _texte_pdf

pytestmark = pytest.mark.django_db


def test_l_arbitrage_figure_a_l_ordre_du_jour(
    client,
    secretariat,
    seance_convoquee,
    dossier_instruit,
    django_capture_on_commit_callbacks,
):
    demande = DemandeArbitrage.objects.create(
        dossier=dossier_instruit,
        motif="L'État propose 35 000 €, la Région 30 000 €.",
        demandee_par=UserFactory(first_name="Ines", last_name="Instructrice"),
    )
    client.force_login(secretariat)
    url = reverse("gouvernance:seance", args=[seance_convoquee.pk])
    page = " ".join(unescape(client.get(url).text).split())
    assert "Arbitrage demandé</strong> par le groupe technique le" in page
    assert "(Ines Instructrice) : « L'État propose 35 000 €, la Région 30 000 €. »" in page
    # Both sides propose amounts more than 10 % apart on each line.
    assert "Montants divergents" in page
    assert "État — État 35 000,00 €, Région 30 000,00 €" in page

    services.decision_prendre(
        point=point_de(seance_convoquee, dossier_instruit),
        par=secretariat,
        sens="programme",
        montants={
            dossier_instruit.financements.get(financeur__code="etat").financeur_id: Decimal(32000)
        },
    )
    demande.refresh_from_db()
    assert demande.tranchee_le is not None
    assert "L'État propose 35 000 €" in unescape(client.get(url).text)
    services.decision_prendre(
        point=seance_convoquee.points.get(ordre=2), par=secretariat, sens="ajourne", motif="Non."
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("gouvernance:clore", args=[seance_convoquee.pk]))
    seance_convoquee.refresh_from_db()
    texte = _texte_pdf(seance_convoquee.releve.read())
    assert "Arbitrage demandé par le groupe technique : « L'État propose 35 000 €" in texte


def test_un_arbitrage_d_une_seance_passee_ne_revient_pas(
    client, secretariat, seance_convoquee, dossier_instruit
):
    from django.utils import timezone

    DemandeArbitrage.objects.create(
        dossier=dossier_instruit,
        motif="Tranché l'an dernier.",
        demandee_par=secretariat,
        tranchee_le=timezone.now(),
    )
    client.force_login(secretariat)
    page = unescape(client.get(reverse("gouvernance:seance", args=[seance_convoquee.pk])).text)
    assert "Tranché l'an dernier." not in page
