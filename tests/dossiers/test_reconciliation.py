"""The beat job catches up a recently filed dossier left without récépissé, once; not old ones."""

import datetime

import pytest
from django.utils import timezone

from cper import effets
from cper.enums import EtatEffet
from cper.models import EffetDiffere
from dossiers.models import Recepisse
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def test_un_dossier_depose_sans_recepisse_ni_effet_le_recoit_une_fois(
    structure, porteur, guichet_douai, agent_sp_douai, mailoutbox
):
    recent = DossierFactory(depose=True, structure=structure, guichet=guichet_douai)
    ancien = DossierFactory(
        depose=True,
        structure=structure,
        guichet=guichet_douai,
        depose_le=timezone.now() - datetime.timedelta(days=400),
    )

    effets.relancer()
    effets.relancer()

    assert Recepisse.objects.filter(dossier=recent).count() == 1
    assert not Recepisse.objects.filter(dossier=ancien).exists()
    sujets = sorted(m.subject for m in mailoutbox)
    assert sujets == sorted(
        [
            f"Récépissé de dépôt du dossier {recent.numero}",
            f"Nouveau dossier déposé : {recent.numero}",
        ]
    )
    assert porteur.email in next(m for m in mailoutbox if "Récépissé" in m.subject).to
    assert set(EffetDiffere.objects.values_list("etat", flat=True)) == {EtatEffet.FAIT}
