"""The act's PDF, read back: what makes it an « accord de financement »."""

import io

import pytest
from pypdf import PdfReader

from cper.models import Notification
from execution.enums import EtatActe
from execution.tasks import produire_acte

pytestmark = pytest.mark.django_db


def texte(acte) -> str:
    with acte.fichier.open("rb") as flux:
        lecteur = PdfReader(io.BytesIO(flux.read()))
        texte = " ".join(p.extract_text() for p in lecteur.pages)
    # Amounts are printed with narrow no-break spaces: read them as plain spaces.
    return " ".join(texte.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_l_acte_notifie_porte_montant_taux_delais_et_recours(acte_etat, porteur, mailoutbox):
    assert produire_acte(acte_etat.pk) is True
    assert produire_acte(acte_etat.pk) is False  # once built for this state, never twice
    acte_etat.refresh_from_db()
    assert acte_etat.fichier_etat == EtatActe.NOTIFIE
    contenu = texte(acte_etat)
    assert "Arrêté attributif de subvention n° 2025-042" in contenu
    assert "100 000,00 €" in contenu and "40 000,00 €" in contenu
    assert "40 %" in contenu
    assert f"{acte_etat.date_limite_commencement:%Y}" in contenu
    assert "décret n° 2018-514" in contenu
    assert "12 000,00 €" in contenu  # the avance's cap, 30 %
    assert "80 %" in contenu
    for mot in ("Caducité", "Reversement", "tribunal administratif de Lille", "deux mois"):
        assert mot in contenu
    # The porteur receives their own act.
    assert Notification.objects.filter(user=porteur, cle__startswith="acte-notifie").exists()
    assert any("arrêté attributif" in m.subject for m in mailoutbox)


def test_la_reconciliation_retrouve_le_pdf_perdu(acte_etat):
    from cper.effets import reconcilier
    from cper.models import EffetDiffere

    # The outbox row was lost (an outage before the commit hook ran, say).
    EffetDiffere.objects.filter(tache="execution.tasks.produire_acte").delete()
    reconcilier()
    assert EffetDiffere.objects.filter(cle=f"acte:{acte_etat.pk}:notifie").exists()
