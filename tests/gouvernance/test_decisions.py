"""Decisions in séance: each sens fires its transition, amounts capped, motives, conflicts."""

from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django_fsm_log.models import StateLog

from dossiers.enums import EtatDossier as E
from gouvernance.enums import SensDecision
from gouvernance.models import Decision, MontantProgramme
from gouvernance.services import seances as services

from .conftest import point_de


def _url(seance, dossier):
    return reverse("gouvernance:decider", args=[seance.pk, point_de(seance, dossier).pk])


def test_la_page_de_seance_montre_ce_qu_il_faut_pour_decider(
    client, secretariat, seance_convoquee, dossier_instruit
):
    from tests.factories.gouvernance import ObservationFactory

    ObservationFactory(dossier=dossier_instruit, texte="Projet attendu par le Douaisis.")
    client.force_login(secretariat)
    html = unescape(client.get(reverse("gouvernance:seance", args=[seance_convoquee.pk])).text)
    assert f"Décider sur le dossier {dossier_instruit.numero}" in html
    assert "Favorable sous réserve" in html
    assert "« Projet attendu par le Douaisis. »" in html
    assert "40\u202f000,00\u00a0€" in html  # requested from the État
    assert "Douai" in html
    assert "Mobilité multimodale" in html


def test_le_formulaire_propose_le_plus_bas_des_deux_avis(
    client, secretariat, seance_convoquee, dossier_instruit
):
    client.force_login(secretariat)
    html = unescape(client.get(_url(seance_convoquee, dossier_instruit)).text)
    assert "Montant programmé — État (€)" in html
    assert "Montant programmé — Conseil régional (€)" in html
    assert 'value="30000.00"' in html
    assert 'value="25000.00"' in html
    for libelle in ("Programmé", "Ajourné", "Rejeté", "Motif", "Enregistrer la décision"):
        assert libelle in html


def test_programmer(client, secretariat, seance_convoquee, dossier_instruit, financeurs):
    client.force_login(secretariat)
    reponse = client.post(
        _url(seance_convoquee, dossier_instruit),
        {
            "sens": "programme",
            f"montant_{financeurs['etat'].pk}": "30000",
            f"montant_{financeurs['region'].pk}": "20000.50",
        },
    )
    assert reponse.status_code == 302
    dossier_instruit.refresh_from_db()
    assert dossier_instruit.etat == E.PROGRAMME
    decision = Decision.objects.get()
    assert decision.sens == SensDecision.PROGRAMME
    assert decision.decidee_par == secretariat
    assert dict(decision.montants.values_list("financeur__code", "montant")) == {
        "etat": Decimal("30000.00"),
        "region": Decimal("20000.50"),
    }
    entree = StateLog.objects.for_(dossier_instruit).get()
    assert (entree.transition, entree.by) == ("programmer", secretariat)


@pytest.mark.parametrize(
    ("sens", "transition", "etat"),
    [("ajourne", "ajourner", E.EN_INSTRUCTION), ("rejete", "rejeter", E.REJETE)],
)
def test_ajourner_ou_rejeter_avec_motif(
    client, secretariat, seance_convoquee, dossier_instruit, sens, transition, etat
):
    client.force_login(secretariat)
    client.post(
        _url(seance_convoquee, dossier_instruit),
        {"sens": sens, "motif": "Le plan de financement n'est pas bouclé."},
    )
    dossier_instruit.refresh_from_db()
    assert dossier_instruit.etat == etat
    assert not MontantProgramme.objects.exists()
    entree = StateLog.objects.for_(dossier_instruit).get()
    assert entree.transition == transition
    assert entree.description == "Le plan de financement n'est pas bouclé."


@pytest.mark.parametrize("sens", ["ajourne", "rejete"])
def test_le_motif_est_obligatoire(client, secretariat, seance_convoquee, dossier_instruit, sens):
    client.force_login(secretariat)
    reponse = client.post(_url(seance_convoquee, dossier_instruit), {"sens": sens, "motif": " "})
    assert reponse.status_code == 200
    assert "Le motif est obligatoire pour un ajournement ou un rejet." in unescape(reponse.text)
    dossier_instruit.refresh_from_db()
    assert dossier_instruit.etat == E.INSTRUIT
    assert not Decision.objects.exists()


def test_un_montant_au_dessus_du_demande_est_refuse(
    client, secretariat, seance_convoquee, dossier_instruit, financeurs
):
    client.force_login(secretariat)
    reponse = client.post(
        _url(seance_convoquee, dossier_instruit),
        {
            "sens": "programme",
            f"montant_{financeurs['etat'].pk}": "40000.01",
            f"montant_{financeurs['region'].pk}": "25000",
        },
    )
    assert reponse.status_code == 200
    assert (
        "Le montant programmé ne peut pas dépasser le montant demandé (40\u202f000,00\u00a0€)."
        in unescape(reponse.text)
    )
    dossier_instruit.refresh_from_db()
    assert dossier_instruit.etat == E.INSTRUIT
    assert not Decision.objects.exists()
    assert not StateLog.objects.exists()


def test_le_service_refuse_aussi_un_montant_trop_eleve(
    secretariat, seance_convoquee, dossier_instruit, financeurs
):
    with pytest.raises(services.ValidationError):
        services.decision_prendre(
            point=point_de(seance_convoquee, dossier_instruit),
            par=secretariat,
            sens="programme",
            montants={financeurs["region"].pk: Decimal("30000.01")},
        )
    assert not Decision.objects.exists()


def test_conflit_d_interets(client, secretariat, seance_convoquee, dossier_instruit, structure):
    """The secretary is also a member of the commune that carries the dossier."""
    from dossiers.models import MembreStructure

    MembreStructure.objects.create(structure=structure, user=secretariat)
    client.force_login(secretariat)
    page = unescape(client.get(reverse("gouvernance:seance", args=[seance_convoquee.pk])).text)
    assert "Conflit d'intérêts" in page
    assert f"Décider sur le dossier {dossier_instruit.numero}" not in page
    reponse = client.post(
        _url(seance_convoquee, dossier_instruit), {"sens": "rejete", "motif": "Hors sujet."}
    )
    assert reponse.status_code == 302
    suivante = unescape(client.get(reponse.url).text)
    assert "Conflit d'intérêts : vous êtes membre de la structure" in suivante
    dossier_instruit.refresh_from_db()
    assert dossier_instruit.etat == E.INSTRUIT
    assert not Decision.objects.exists()
    with pytest.raises(services.ConflitInterets):
        services.decision_prendre(
            point=point_de(seance_convoquee, dossier_instruit),
            par=secretariat,
            sens="rejete",
            motif="Hors sujet.",
        )


def test_un_membre_sans_secretariat_ne_decide_pas(
    client, membre, seance_convoquee, dossier_instruit
):
    client.force_login(membre)
    page = unescape(client.get(reverse("gouvernance:seance", args=[seance_convoquee.pk])).text)
    assert "Décider sur le dossier" not in page
    url = _url(seance_convoquee, dossier_instruit)
    assert client.get(url).status_code == 403
    assert client.post(url, {"sens": "rejete", "motif": "Non."}).status_code == 403
    with pytest.raises(services.PermissionDenied):
        services.decision_prendre(
            point=point_de(seance_convoquee, dossier_instruit),
            par=membre,
            sens="rejete",
            motif="Non.",
        )
    dossier_instruit.refresh_from_db()
    assert dossier_instruit.etat == E.INSTRUIT


def test_pas_de_decision_en_preparation(secretariat, seance, dossier_instruit):
    from gouvernance.models import PointOrdreDuJour

    point = PointOrdreDuJour.objects.create(seance=seance, dossier=dossier_instruit, ordre=1)
    with pytest.raises(services.TransitionNotAllowed):
        services.decision_prendre(point=point, par=secretariat, sens="rejete", motif="Non.")


def test_une_seconde_decision_dit_action_deja_effectuee(
    client, secretariat, seance_convoquee, dossier_instruit
):
    client.force_login(secretariat)
    url = _url(seance_convoquee, dossier_instruit)
    client.post(url, {"sens": "rejete", "motif": "Non éligible."})
    reponse = client.post(url, {"sens": "ajourne", "motif": "À revoir."}, follow=True)
    assert "Action déjà effectuée" in unescape(reponse.text)
    assert Decision.objects.get().sens == SensDecision.REJETE


def test_programmer_tous_les_points_restants(
    client, secretariat, seance_convoquee, dossier_instruit, autre_dossier_instruit
):
    client.force_login(secretariat)
    client.post(_url(seance_convoquee, dossier_instruit), {"sens": "rejete", "motif": "Non."})
    url = reverse("gouvernance:programmer_restants", args=[seance_convoquee.pk])
    page = client.get(seance_url := reverse("gouvernance:seance", args=[seance_convoquee.pk]))
    assert "Programmer tous les points restants aux montants proposés" in unescape(page.text)
    assert "Programmer les points restants" in unescape(client.get(url).text)
    reponse = client.post(url, follow=True)
    assert "1 dossier(s) programmé(s) aux montants proposés." in unescape(reponse.text)
    autre_dossier_instruit.refresh_from_db()
    assert autre_dossier_instruit.etat == E.PROGRAMME
    decision = Decision.objects.get(point__dossier=autre_dossier_instruit)
    assert dict(decision.montants.values_list("financeur__code", "montant")) == {
        "etat": Decimal("30000.00"),
        "region": Decimal("25000.00"),
    }
    dossier_instruit.refresh_from_db()
    assert dossier_instruit.etat == E.REJETE  # already decided, untouched
    assert "Clore la séance" in unescape(client.get(seance_url).text)


def test_le_lot_laisse_les_points_en_conflit(
    secretariat, seance_convoquee, dossier_instruit, autre_dossier_instruit, structure
):
    from dossiers.models import MembreStructure

    MembreStructure.objects.create(structure=structure, user=secretariat)
    faits, laisses = services.decisions_programmer_restants(
        seance=seance_convoquee, par=secretariat
    )
    assert (faits, laisses) == (1, [dossier_instruit.numero])
    dossier_instruit.refresh_from_db()
    assert dossier_instruit.etat == E.INSTRUIT
