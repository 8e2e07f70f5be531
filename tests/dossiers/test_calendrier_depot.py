"""The contract's calendar bounds filing: its period, stretched by its extensions."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cper.referentiel.models import ProlongationContrat
from dossiers.enums import EtatDossier as E
from dossiers.services.depot import DepotRefuse, dossier_deposer
from tests.dossiers.complets import dossier_complet
from tests.factories import ContratFactory, VoletFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _le(annee, mois, jour):
    return time_machine.travel(datetime.datetime(annee, mois, jour, 10, tzinfo=PARIS))


@pytest.fixture
def contrat(db):
    """The real calendar: 2015-2020, the mobility volet extended to the end of 2022."""
    contrat = ContratFactory(prolongation_du_monde_de_test=False)
    mobilite = VoletFactory(contrat=contrat, code="mobilite", intitule="Mobilité multimodale")
    ProlongationContrat.objects.create(
        contrat=contrat,
        volet=mobilite,
        jusqu_au=datetime.date(2022, 12, 31),
        objet="Prolongation du volet mobilité",
    )
    return contrat


@pytest.fixture
def mobilite(contrat):
    return VoletFactory(contrat=contrat, code="mobilite")


@pytest.fixture
def numerique(contrat):
    return VoletFactory(contrat=contrat, code="numerique", numero=4, intitule="Numérique")


def test_dans_la_periode_le_depot_est_accepte(porteur, structure, guichet_douai, numerique):
    dossier = dossier_complet(structure=structure, porteur=porteur, volet=numerique)
    with _le(2020, 12, 31):
        dossier = dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
    assert dossier.etat == E.DEPOSE


def test_apres_la_fin_du_contrat_le_depot_est_refuse_en_francais(
    porteur, structure, guichet_douai, numerique
):
    dossier = dossier_complet(structure=structure, porteur=porteur, volet=numerique)
    with _le(2021, 3, 1), pytest.raises(DepotRefuse) as refus:
        dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)
    assert str(refus.value) == (
        "Le dépôt n'est pas ouvert à cette date : le Contrat de plan État-région "
        "Nord–Pas-de-Calais 2015-2020 reçoit les demandes du 1er janvier 2015 au "
        "31 décembre 2020."
    )
    dossier.refresh_from_db()
    assert dossier.etat == E.BROUILLON and dossier.numero is None


def test_le_volet_mobilite_prolonge_reste_ouvert_jusqu_en_2022(
    porteur, structure, guichet_douai, mobilite
):
    with _le(2022, 6, 1):
        depose = dossier_deposer(
            dossier=dossier_complet(structure=structure, porteur=porteur, volet=mobilite),
            par=porteur,
            guichet=guichet_douai,
        )
    assert depose.etat == E.DEPOSE
    with _le(2023, 1, 2), pytest.raises(DepotRefuse) as refus:
        dossier_deposer(
            dossier=dossier_complet(structure=structure, porteur=porteur, volet=mobilite),
            par=porteur,
            guichet=guichet_douai,
        )
    assert "prolongé jusqu'au 31 décembre 2022 pour le volet « Mobilité multimodale »" in str(
        refus.value
    )


def test_avant_le_debut_du_contrat_le_depot_est_refuse(
    porteur, structure, guichet_douai, numerique
):
    dossier = dossier_complet(structure=structure, porteur=porteur, volet=numerique)
    with _le(2014, 12, 31), pytest.raises(DepotRefuse, match="1er janvier 2015"):
        dossier_deposer(dossier=dossier, par=porteur, guichet=guichet_douai)


def test_la_page_de_depot_dit_pourquoi_le_depot_est_refuse(
    client, porteur, structure, guichet_douai, numerique
):
    dossier = dossier_complet(structure=structure, porteur=porteur, volet=numerique)
    client.force_login(porteur)
    with _le(2021, 3, 1):
        reponse = client.post(
            reverse("dossiers:deposer", args=[dossier.pk]),
            {"guichet": guichet_douai.pk, "confirmation": "on"},
            follow=True,
        )
    assert reponse.status_code == 200
    assert "Le dépôt n&#x27;est pas ouvert à cette date" in reponse.text
