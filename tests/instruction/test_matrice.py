"""Every transition × every persona of DESIGN.md §10: allowed, or refused (403/404), never a 500.

Who may fire each transition:
- declarer_recevable, declarer_irrecevable: agents of the guichet where the dossier was filed;
- demander_complements: agents of that guichet from `depose`, instructors of the dossier's
  groupe technique from `en_instruction`;
- completer: members of the porteur's structure;
- avis (not a transition) and conclure_instruction: instructors of the dossier's groupe technique;
- ajourner, programmer, rejeter: members of the instance de pilotage (fired from gouvernance).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_fsm import has_transition_perm

from dossiers.enums import EtatDossier as E
from instruction import suivi
from instruction.enums import Cote
from tests.factories import DossierFactory
from tests.factories.instruction import (
    AvisFactory,
    DemandeComplementsFactory,
    router,
)

PERSONAS = [
    "porteur",
    "autre_porteur",
    "agent_sp_douai",
    "agent_region",
    "instructeur_etat",
    "instructeur_region",
    "membre_pilotage",
    "membre_concertation_opale",
    "administrateur",
    "inconnu",
]


def _echeance():
    return (timezone.localdate() + datetime.timedelta(days=10)).isoformat()


# transition: (state of the dossier, URL name, POST data, state after, personas allowed)
TRANSITIONS = {
    "declarer_recevable": (
        E.DEPOSE, "declarer_recevable", lambda g: {"groupe_technique": g.pk},
        E.EN_INSTRUCTION, {"agent_sp_douai"},
    ),
    "declarer_irrecevable": (
        E.DEPOSE, "declarer_irrecevable", lambda g: {"motif": "Hors champ."},
        E.IRRECEVABLE, {"agent_sp_douai"},
    ),
    "demander_complements_au_guichet": (
        E.DEPOSE, "demander_complements",
        lambda g: {"motif": "Pièce manquante.", "echeance": _echeance()},
        E.INCOMPLET, {"agent_sp_douai"},
    ),
    "demander_complements_en_instruction": (
        E.EN_INSTRUCTION, "demander_complements",
        lambda g: {"motif": "Précisez le coût.", "echeance": _echeance()},
        E.INCOMPLET, {"instructeur_etat", "instructeur_region"},
    ),
    "completer": (
        E.INCOMPLET, "completer", lambda g: {"reponse": "Voici."}, E.DEPOSE, {"porteur"},
    ),
    "conclure_instruction": (
        E.EN_INSTRUCTION, "conclure_instruction", lambda g: {}, E.INSTRUIT,
        {"instructeur_etat", "instructeur_region"},
    ),
}  # fmt: skip


@pytest.fixture
def dossier_a(structure, guichet_douai, groupe_mobilite, agent_sp_douai):
    def fabriquer(etat):
        dossier = DossierFactory(
            avec_depot=True,
            etat=etat,
            etat_avant_complements=E.DEPOSE if etat == E.INCOMPLET else "",
            structure=structure,
            guichet=guichet_douai,
        )
        if etat == E.INCOMPLET:
            DemandeComplementsFactory(dossier=dossier)
        if etat in (E.EN_INSTRUCTION, E.INSTRUIT):
            router(dossier, groupe_mobilite, par=agent_sp_douai)
            AvisFactory(dossier=dossier, cote=Cote.ETAT)
            AvisFactory(dossier=dossier, cote=Cote.REGION)
        return dossier

    return fabriquer


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("transition", list(TRANSITIONS))
def test_transition_par_persona(client, request, dossier_a, groupe_mobilite, transition, persona):
    etat, nom_url, donnees, apres, autorises = TRANSITIONS[transition]
    dossier = dossier_a(etat)
    client.force_login(request.getfixturevalue(persona))
    reponse = client.post(
        reverse(f"instruction:{nom_url}", args=[dossier.pk]), donnees(groupe_mobilite)
    )
    dossier.refresh_from_db()
    if persona in autorises:
        assert reponse.status_code == 302
        assert dossier.etat == apres
    else:
        assert reponse.status_code in (403, 404)
        assert dossier.etat == etat


@pytest.mark.parametrize("persona", PERSONAS)
def test_avis_par_persona(client, request, dossier_a, persona):
    dossier = dossier_a(E.EN_INSTRUCTION)
    dossier.avis.all().delete()
    suivi.tenir(dossier.pk)  # the kept state follows the avis removed by hand
    client.force_login(request.getfixturevalue(persona))
    reponse = client.post(
        reverse("instruction:avis", args=[dossier.pk]),
        {"sens": "favorable", "motivation": "Bien."},
    )
    if persona in {"instructeur_etat", "instructeur_region"}:
        assert reponse.status_code == 302
        assert dossier.avis.get().cote == ("etat" if persona == "instructeur_etat" else "region")
    else:
        assert reponse.status_code in (403, 404)
        assert not dossier.avis.exists()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("transition", ["ajourner", "programmer", "rejeter"])
def test_decisions_de_pilotage_par_persona(request, dossier_a, transition, persona):
    dossier = dossier_a(E.INSTRUIT)
    user = request.getfixturevalue(persona)
    assert has_transition_perm(getattr(dossier, transition), user) == (persona == "membre_pilotage")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "etat", [E.DEPOSE, E.INCOMPLET, E.EN_INSTRUCTION, E.INSTRUIT, E.IRRECEVABLE]
)
def test_page_agent_du_dossier_par_persona(client, request, dossier_a, etat, persona):
    dossier = dossier_a(etat)
    client.force_login(request.getfixturevalue(persona))
    reponse = client.get(reverse("instruction:dossier", args=[dossier.pk]))
    voient = {"agent_sp_douai"}
    if etat in (E.EN_INSTRUCTION, E.INSTRUIT):
        voient |= {"instructeur_etat", "instructeur_region"}
    if persona in voient:
        assert reponse.status_code == 200
    else:
        assert reponse.status_code in (403, 404)


@pytest.mark.parametrize("transition", list(TRANSITIONS))
def test_depuis_un_mauvais_etat_jamais_de_500(
    client, request, dossier_a, groupe_mobilite, transition
):
    etat, nom_url, donnees, _, autorises = TRANSITIONS[transition]
    # A dossier already past the transition's source state.
    dossier = dossier_a(E.INSTRUIT if etat != E.INSTRUIT else E.DEPOSE)
    client.force_login(request.getfixturevalue(sorted(autorises)[0]))
    reponse = client.post(
        reverse(f"instruction:{nom_url}", args=[dossier.pk]), donnees(groupe_mobilite), follow=True
    )
    assert reponse.status_code in (200, 404)
    if reponse.status_code == 200:
        assert "Action déjà effectuée" in reponse.text
