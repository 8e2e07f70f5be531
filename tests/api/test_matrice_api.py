"""Every endpoint of the API × every persona, signed by a personal token: the answer expected.

As in tests/test_matrice_acces.py, the list of endpoints is read from the URL conf: a new
endpoint without its line below fails the suite. Then each persona's list of dossiers is
exactly the scope of their screens, and a dossier outside it answers 404 like one that does not
exist.
"""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from api.services.jetons import jeton_creer
from instruction.services import dossier_declarer_recevable
from tests.monde import PERSONAS

pytestmark = pytest.mark.django_db

# fmt: off
# porteur, autre_porteur, agent_sp_douai, agent_region, instructeur_etat, instructeur_region,
# membre_pilotage, membre_concertation_opale, administrateur, inconnu, sans jeton
MATRICE_API = {
    "api_v1:dossiers": ("", "200 200 200 200 200 200 200 200 200 200 401"),
    "api_v1:dossier": ("pk=depose", "200 404 200 404 404 404 200 200 404 404 401"),
    "api_v1:historique": ("pk=depose", "200 404 200 404 404 404 200 404 404 404 401"),
    "api_v1:avis": ("pk=en_instruction", "403 403 200 404 200 200 403 403 403 403 401"),
    "api_v1:decisions": ("pk=programme", "200 404 200 404 200 200 200 404 404 404 401"),
    "api_v1:actes": ("pk=en_cours", "200 404 200 404 403 403 403 404 404 404 401"),
    "api_v1:versements": ("", "403 403 200 403 403 403 403 403 403 403 401"),
    "api_v1:mandater": ("pk=demande_versement", "405 405 405 405 405 405 405 405 405 405 401"),
    "api_v1:maquette": ("", "403 403 403 403 403 403 200 403 403 403 401"),
    "api_v1:schema": ("", "200 200 200 200 200 200 200 200 200 200 200"),
    "api_v1:documentation": ("", "200 200 200 200 200 200 200 200 200 200 200"),
}
# fmt: on

# What each persona's list holds: the dossiers of tests/monde.py their screens show them.
DEPOSES = {"depose", "en_instruction", "incomplet", "instruit", "programme", "en_cours"}
PERIMETRES = {
    "porteur": {"brouillon", *DEPOSES},
    "autre_porteur": {"autre"},
    "agent_sp_douai": DEPOSES,  # « autre » was filed at another guichet
    "agent_region": set(),
    "instructeur_etat": {"en_instruction", "instruit", "programme", "en_cours"},
    "instructeur_region": {"en_instruction", "instruit", "programme", "en_cours"},
    "membre_pilotage": {*DEPOSES, "autre"},
    "membre_concertation_opale": DEPOSES,
    "administrateur": set(),
    "inconnu": set(),
}
NOMS_DOSSIERS = ["brouillon", *sorted(DEPOSES), "autre"]


def _endpoints(resolver=None, espace=""):
    for motif in (resolver or get_resolver()).url_patterns:
        if hasattr(motif, "url_patterns"):
            sous_espace = f"{espace}{motif.namespace}:" if motif.namespace else espace
            yield from _endpoints(motif, sous_espace)
        elif getattr(motif, "name", None):
            nom = f"{espace}{motif.name}"
            if nom.startswith("api_v1:"):
                yield nom


def clients_par_jeton(monde) -> dict[str, Client]:
    """One client per persona, each sending only that persona's token (no session)."""
    clients = {}
    for persona in PERSONAS:
        if persona == "anonyme":
            clients[persona] = Client()
            continue
        _jeton, secret = jeton_creer(
            par=monde.utilisateurs[persona], nom="Script de test", duree_jours=30
        )
        clients[persona] = Client(headers={"Authorization": f"Bearer {secret}"})
    return clients


def test_chaque_point_d_acces_a_sa_ligne():
    manquants = sorted(set(_endpoints()) - set(MATRICE_API))
    assert not manquants, "Point d'accès sans ligne dans MATRICE_API : " + ", ".join(manquants)
    assert not set(MATRICE_API) - set(_endpoints())


def test_chaque_persona_obtient_la_reponse_prevue(monde):
    clients = clients_par_jeton(monde)
    ecarts = []
    for persona, client in clients.items():
        for nom, (arguments, reponses) in MATRICE_API.items():
            attendu = reponses.split()[PERSONAS.index(persona)]
            kwargs = {}
            for argument in arguments.split():
                cle, objet = argument.split("=")
                kwargs[cle] = monde[objet].pk
            reponse = client.get(reverse(nom, kwargs=kwargs))
            if str(reponse.status_code) != attendu:
                ecarts.append(f"{nom} {persona}: {reponse.status_code} au lieu de {attendu}")
            elif reponse.status_code >= 400:
                # One JSON shape, in French, for every error.
                erreur = reponse.json()["erreur"]
                assert erreur["statut"] == reponse.status_code
                assert erreur["message"]
            assert "no-store" in reponse["Cache-Control"], nom
    assert not ecarts, "\n".join(ecarts)


def _liste(client) -> list[dict]:
    resultats, url = [], reverse("api_v1:dossiers")
    while url:
        page = client.get(url).json()
        resultats += page["resultats"]
        url = page["suivant"]
    return resultats


def test_chaque_liste_est_exactement_le_perimetre_des_ecrans(monde):
    clients = clients_par_jeton(monde)
    noms = {monde[nom].pk: nom for nom in NOMS_DOSSIERS}
    for persona, attendus in PERIMETRES.items():
        recus = {noms.get(d["id"], d["id"]) for d in _liste(clients[persona])}
        assert recus == attendus, persona
        # Every dossier of the list opens; every other one answers 404.
        for nom in NOMS_DOSSIERS:
            statut = clients[persona].get(reverse("api_v1:dossier", args=[monde[nom].pk]))
            assert statut.status_code == (200 if nom in attendus else 404), (persona, nom)


def test_la_concertation_ne_recoit_que_les_champs_publics(monde):
    client = clients_par_jeton(monde)["membre_concertation_opale"]
    dossier = client.get(reverse("api_v1:dossier", args=[monde["depose"].pk])).json()
    assert set(dossier) == {
        "id",
        "numero",
        "intitule",
        "etat",
        "etat_libelle",
        "volet",
        "structure",
        "depose_le",
        "communes",
        "montant_demande",
        "montant_programme",
    }
    assert dossier["structure"] == monde["structure"].raison_sociale
    assert "siret" not in str(_liste(client)) and "representant" not in str(_liste(client))


def test_le_porteur_ne_lit_pas_le_nom_des_agents_dans_l_historique(monde):
    agent = monde.utilisateurs["agent_sp_douai"]
    dossier_declarer_recevable(dossier=monde["depose"], par=agent, groupe_technique=monde["groupe"])
    clients = clients_par_jeton(monde)
    url = reverse("api_v1:historique", args=[monde["depose"].pk])
    pour_le_porteur = clients["porteur"].get(url).json()
    assert [e["titre"] for e in pour_le_porteur][-1] == "Dossier déclaré recevable"
    assert pour_le_porteur[-1]["par"] == "l'administration"
    assert pour_le_porteur[-1]["commentaire"] == ""  # the routing note is for agents
    pour_l_agent = clients["agent_sp_douai"].get(url).json()
    assert pour_l_agent[-1]["par"] == agent.get_full_name()
    assert pour_l_agent[-1]["commentaire"].startswith("Routé vers")
