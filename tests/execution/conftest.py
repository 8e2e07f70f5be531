# ruff: noqa: F811 - the fixtures imported from tests/gouvernance are parameters here
"""A dossier programmed for 40 000 € (État) and 30 000 € (Région) on 100 000 € of eligible
expense (HT, VAT recovered): rates of 40 % and 30 %. The État's agent is the agent of the
Douai sous-préfecture, the Région's the agent of the Conseil régional's guichet."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from execution import services
from execution.enums import TypePieceExecution as P
from execution.models import ParametresFinanceur
from tests.factories import LigneDepenseFactory
from tests.factories.dossiers import PDF_MINIMAL
from tests.gouvernance.conftest import (  # noqa: F401 - fixtures
    creer_instruit,
    financeurs,
    pilotage,
    secretariat,
    volet,
)
from tests.programmation import programmer

MONTANTS = {"etat": Decimal("40000.00"), "region": Decimal("30000.00")}


def pdf(nom="piece.pdf"):
    return SimpleUploadedFile(nom, PDF_MINIMAL, content_type="application/pdf")


def creer_programme(*, structure, volet, financeurs, secretariat, depose_le=None, **kwargs):
    dossier = creer_instruit(structure=structure, volet=volet, financeurs=financeurs, **kwargs)
    if depose_le is not None:
        type(dossier).objects.filter(pk=dossier.pk).update(depose_le=depose_le)
    LigneDepenseFactory(
        dossier=dossier, montant_ht=Decimal("100000.00"), montant_ttc=Decimal("120000.00")
    )
    programmer(
        dossier,
        par=secretariat,
        montants={financeurs[code]: montant for code, montant in MONTANTS.items()},
    )
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def dossier_programme(structure, volet, financeurs, secretariat, porteur):
    return creer_programme(
        structure=structure,
        volet=volet,
        financeurs=financeurs,
        secretariat=secretariat,
        cree_par=porteur,
        depose_le=timezone.now() - datetime.timedelta(days=400),
    )


@pytest.fixture
def gestionnaire_etat(agent_sp_douai, financeurs):
    agent_sp_douai.groups.add(ParametresFinanceur.objects.de(financeurs["etat"]).groupe)
    return agent_sp_douai


@pytest.fixture
def gestionnaire_region(agent_region, financeurs):
    agent_region.groups.add(ParametresFinanceur.objects.de(financeurs["region"]).groupe)
    return agent_region


def il_y_a(jours: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=jours)


def acte_notifie(dossier, financeur, agent, *, notifie_il_y_a=300, **kwargs):
    """Establish, sign and notify the financeur's act."""
    acte = services.acte_etablir(dossier=dossier, financeur=financeur, par=agent, **kwargs)
    acte = services.acte_signer(
        acte=acte,
        par=agent,
        signe_le=il_y_a(notifie_il_y_a + 5),
        scan=pdf("acte-signe.pdf"),
        numero="2025-042",
        reference_engagement="2102345678",
    )
    return services.acte_notifier(acte=acte, par=agent, notifie_le=il_y_a(notifie_il_y_a))


@pytest.fixture
def acte_etat(dossier_programme, financeurs, gestionnaire_etat):
    return acte_notifie(dossier_programme, financeurs["etat"], gestionnaire_etat)


@pytest.fixture
def dossier_en_cours(dossier_programme, acte_etat, porteur):
    services.commencement_declarer(
        dossier=dossier_programme,
        par=porteur,
        date=il_y_a(200),
        description="Ordre de service des travaux",
        justificatif=pdf("ordre-de-service.pdf"),
    )
    dossier_programme.refresh_from_db()
    return dossier_programme


PIECES_SOLDE = [(P.ETAT_RECAPITULATIF, "etat.pdf"), (P.PV_RECEPTION, "pv.pdf")]
PIECES_ACOMPTE = [(P.ETAT_RECAPITULATIF, "etat.pdf")]


def pieces(liste):
    return [(type_, pdf(nom)) for type_, nom in liste]
