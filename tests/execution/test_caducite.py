"""Deadlines with frozen time: warnings 60 days ahead, prorogation, caducité proposed by the
beat job and confirmed by an agent, the unpaid money back on the envelope."""

import datetime
from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cper.models import Notification
from dossiers.enums import EtatDossier as E
from execution import services
from execution.enums import (
    Echeance,
    EtatCaducite,
    EtatProrogation,
    EtatReversement,
    TypeVersement,
)
from execution.models import OrdreReversement, PropositionCaducite, Prorogation
from execution.tasks import surveiller_echeances
from gouvernance.selectors.maquette import maquette

pytestmark = pytest.mark.django_db

MIDI = datetime.time(12, tzinfo=datetime.UTC)


def le(jour: datetime.date):
    """Frozen at noon UTC on that day."""
    return time_machine.travel(datetime.datetime.combine(jour, MIDI), tick=False)


def beat(capture):
    """The beat job, its notices carried out after its commit as the worker would."""
    with capture(execute=True):
        return surveiller_echeances()


def notices(user):
    return list(Notification.objects.filter(user=user).values_list("texte", flat=True))


def _cellule_etat(dossier, financeurs):
    m = maquette()
    ligne = next(ligne for ligne in m.lignes if ligne.volet == dossier.volet)
    return ligne.cellules[m.financeurs.index(financeurs["etat"])]


@pytest.fixture
def limite(acte_etat):
    """The État's act was notified 300 days ago: start within 24 months."""
    return acte_etat.date_limite_commencement


def test_l_acte_fixe_les_deux_echeances(acte_etat):
    notifie = acte_etat.notifie_le
    assert acte_etat.date_limite_commencement == notifie.replace(year=notifie.year + 2)
    assert acte_etat.date_limite_achevement == notifie.replace(year=notifie.year + 4)


def test_avertis_60_jours_avant_le_commencement_une_seule_fois(
    acte_etat, limite, porteur, gestionnaire_etat, django_capture_on_commit_callbacks
):
    with le(limite - datetime.timedelta(days=61)):
        assert beat(django_capture_on_commit_callbacks)["avertissements"] == 0
    assert notices(porteur) == []
    with le(limite - datetime.timedelta(days=60)):
        beat(django_capture_on_commit_callbacks)
    sujet = f"Dossier {acte_etat.dossier.numero} : échéance de commencement le {limite:%d/%m/%Y}"
    assert sujet in notices(porteur)
    assert sujet in notices(gestionnaire_etat)
    # The next mornings say nothing new.
    with le(limite - datetime.timedelta(days=59)):
        beat(django_capture_on_commit_callbacks)
    assert notices(porteur).count(sujet) == 1


def test_le_delai_passe_la_caducite_est_proposee_puis_confirmee(
    client,
    acte_etat,
    limite,
    porteur,
    gestionnaire_etat,
    financeurs,
    django_capture_on_commit_callbacks,
):
    dossier = acte_etat.dossier
    assert _cellule_etat(dossier, financeurs).programme == Decimal("40000.00")
    with le(limite):
        beat(django_capture_on_commit_callbacks)  # the last day still counts
    assert not PropositionCaducite.objects.exists()
    with le(limite + datetime.timedelta(days=1)):
        assert beat(django_capture_on_commit_callbacks)["propositions"] == 1
        assert beat(django_capture_on_commit_callbacks)["propositions"] == 0  # once
    proposition = PropositionCaducite.objects.get()
    assert proposition.echeance == Echeance.COMMENCEMENT
    assert f"Dossier {dossier.numero} : caducité proposée (commencement non tenu)" in notices(
        gestionnaire_etat
    )
    # Proposed, not decided: the dossier is still attributed.
    dossier.refresh_from_db()
    assert dossier.etat == E.ATTRIBUE

    client.force_login(gestionnaire_etat)
    page = unescape(client.get(reverse("execution:dossier", args=[dossier.pk])).text)
    assert "Date limite de commencement dépassée" in page
    assert "Confirmer la caducité" in page
    url = reverse("execution:caducite_confirmer", args=[dossier.pk, proposition.pk])
    with le(limite + datetime.timedelta(days=3)), django_capture_on_commit_callbacks(execute=True):
        client.force_login(gestionnaire_etat)  # a session of that day
        reponse = client.post(url, {"motif": ""}, follow=True)
    assert "Dossier déclaré caduc" in unescape(reponse.text)
    dossier.refresh_from_db()
    assert dossier.etat == E.CADUC
    assert f"Dossier {dossier.numero} : subvention déclarée caduque" in notices(porteur)
    # Nothing was paid: the 40 000 € go back to the État's envelope.
    cellule = _cellule_etat(dossier, financeurs)
    assert cellule.programme == Decimal("0.00")
    assert cellule.libere == Decimal("40000.00")
    # A second click: one transition, one clear message.
    with le(limite + datetime.timedelta(days=3)):
        client.force_login(gestionnaire_etat)
        reponse = client.post(url, {"motif": ""}, follow=True)
    assert "Action déjà effectuée" in unescape(reponse.text)


def test_une_prorogation_accordee_repousse_l_echeance(
    client, acte_etat, limite, porteur, gestionnaire_etat, django_capture_on_commit_callbacks
):
    dossier = acte_etat.dossier
    nouvelle = limite + datetime.timedelta(days=180)
    url = reverse("execution:demander_prorogation", args=[dossier.pk, acte_etat.pk])
    with le(limite - datetime.timedelta(days=30)), django_capture_on_commit_callbacks(execute=True):
        client.force_login(porteur)  # a session of that day
        reponse = client.post(
            url,
            {
                "echeance": Echeance.COMMENCEMENT,
                "nouvelle_date": nouvelle.isoformat(),
                "motif": "Appel d'offres infructueux, relancé.",
            },
            follow=True,
        )
    assert "Demande de prorogation transmise" in unescape(reponse.text)
    assert f"Dossier {dossier.numero} : prorogation demandée (commencement)" in notices(
        gestionnaire_etat
    )
    prorogation = Prorogation.objects.get()
    # Pending: the passed deadline is not proposed for caducité.
    with le(limite + datetime.timedelta(days=1)):
        assert beat(django_capture_on_commit_callbacks)["propositions"] == 0

    client.force_login(gestionnaire_etat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("execution:prorogation_decider", args=[dossier.pk, prorogation.pk]),
            {"decision": "accorder", "motif": ""},
        )
    prorogation.refresh_from_db()
    acte_etat.refresh_from_db()
    assert prorogation.etat == EtatProrogation.ACCORDEE
    assert acte_etat.date_limite_commencement == nouvelle
    assert f"Dossier {dossier.numero} : prorogation accordée" in notices(porteur)
    with le(limite + datetime.timedelta(days=2)):
        assert beat(django_capture_on_commit_callbacks) == {"avertissements": 0, "propositions": 0}
    with le(nouvelle - datetime.timedelta(days=60)):
        assert beat(django_capture_on_commit_callbacks) == {"avertissements": 1, "propositions": 0}
    # The new date is warned about in its turn.
    assert f"Dossier {dossier.numero} : échéance de commencement le {nouvelle:%d/%m/%Y}" in notices(
        porteur
    )


def test_un_refus_exige_un_motif_et_laisse_la_date(acte_etat, limite, porteur, gestionnaire_etat):
    prorogation = services.prorogation_demander(
        acte=acte_etat,
        par=porteur,
        echeance=Echeance.COMMENCEMENT,
        nouvelle_date=limite + datetime.timedelta(days=30),
        motif="Retard",
    )
    with pytest.raises(services.RegleNonRespectee, match="motif du refus"):
        services.prorogation_decider(prorogation=prorogation, par=gestionnaire_etat, accorder=False)
    services.prorogation_decider(
        prorogation=prorogation, par=gestionnaire_etat, accorder=False, motif="Délai suffisant."
    )
    acte_etat.refresh_from_db()
    assert acte_etat.date_limite_commencement == limite


@pytest.mark.parametrize(
    ("jours", "motif", "erreur"),
    [
        (0, "Retard", "postérieure à la date limite actuelle"),
        (-10, "Retard", "postérieure à la date limite actuelle"),
        (3000, "Retard", "après la date limite d'achèvement"),
        (30, "   ", "motif"),
    ],
)
def test_une_demande_de_prorogation_incoherente_est_refusee_en_francais(
    client, acte_etat, limite, porteur, jours, motif, erreur
):
    client.force_login(porteur)
    url = reverse("execution:demander_prorogation", args=[acte_etat.dossier.pk, acte_etat.pk])
    reponse = client.post(
        url,
        {
            "echeance": Echeance.COMMENCEMENT,
            "nouvelle_date": (limite + datetime.timedelta(days=jours)).isoformat(),
            "motif": motif,
        },
    )
    assert reponse.status_code == 200
    assert erreur in unescape(reponse.text)
    assert not Prorogation.objects.exists()


def test_l_agent_d_un_autre_financeur_ne_confirme_pas(
    client, acte_etat, limite, gestionnaire_region, django_capture_on_commit_callbacks
):
    with le(limite + datetime.timedelta(days=1)):
        beat(django_capture_on_commit_callbacks)
    proposition = PropositionCaducite.objects.get()
    with pytest.raises(PermissionDenied):
        services.caducite_confirmer(proposition=proposition, par=gestionnaire_region)
    proposition.refresh_from_db()
    assert proposition.etat == EtatCaducite.PROPOSEE


def test_l_achevement_depasse_avec_une_avance_versee(
    dossier_en_cours,
    acte_etat,
    porteur,
    gestionnaire_etat,
    financeurs,
    django_capture_on_commit_callbacks,
):
    """Started, an avance of 12 000 € paid, never completed: caduc; the avance is ordered back
    and until it is recovered only the unpaid 28 000 € return to the envelope."""
    demande = services.demande_versement_deposer(
        acte=acte_etat, par=porteur, type=TypeVersement.AVANCE, montant=Decimal("12000.00")
    )
    services.demande_versement_accepter(demande=demande, par=gestionnaire_etat)
    services.versement_mandater(
        demande=demande, par=gestionnaire_etat, mandate_le=timezone.localdate()
    )
    # The maquette's execution figures before the caducité.
    cellule = _cellule_etat(dossier_en_cours, financeurs)
    assert (cellule.programme, cellule.engage, cellule.mandate) == (
        Decimal("40000.00"),
        Decimal("40000.00"),
        Decimal("12000.00"),
    )
    assert cellule.reste_a_payer == Decimal("28000.00")
    assert cellule.taux_execution == Decimal("30.0")
    limite = acte_etat.date_limite_achevement
    with le(limite + datetime.timedelta(days=1)):
        beat(django_capture_on_commit_callbacks)
        proposition = PropositionCaducite.objects.get(echeance=Echeance.ACHEVEMENT)
        ordres = services.caducite_confirmer(proposition=proposition, par=gestionnaire_etat)
        assert [o.montant for o in ordres] == [Decimal("12000.00")]
        cellule = _cellule_etat(dossier_en_cours, financeurs)
        assert cellule.programme == Decimal("12000.00")
        assert cellule.libere == Decimal("28000.00")
        assert cellule.reste_a_payer == Decimal("0.00")  # nothing more will be paid
        services.reversement_recouvrer(
            ordre=ordres[0], par=gestionnaire_etat, recouvre_le=ordres[0].emis_le
        )
    assert OrdreReversement.objects.get().etat == EtatReversement.RECOUVRE
    cellule = _cellule_etat(dossier_en_cours, financeurs)
    assert cellule.programme == Decimal("0.00")
    assert cellule.libere == Decimal("40000.00")
