# ruff: noqa: E501 - one line per URL, however long
"""Every URL of the URL conf × every persona: the GET answer expected, on the objects of the world.

The list of URLs is read from the URL conf itself: a new URL pattern without its line below
fails the suite. One line per URL name:

    "namespace:name": ("arguments", "answers"),

- arguments: `kwarg=objet` takes the primary key of an object of tests/monde.py (`pk=depose`),
  `kwarg=:texte` a literal value (`section=:identite`);
- answers: one HTTP status per persona, in the order of the header below (`PERSONAS`);
  `200/503` when either is right (the health page answers 503 while a service is down).

The admin site is covered by one rule: staff only (every admin page without arguments answers
200 to the administrator and sends anybody else to the admin's login).
Every answer to a signed-in persona also carries `Cache-Control: private, no-store`.
"""

import logging
import warnings

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.deprecation import RemovedInDjango60Warning

from tests.monde import PERSONAS
from tests.second_facteur import ClientCper

pytestmark = pytest.mark.django_db

# fmt: off
# porteur, autre_porteur, agent_sp_douai, agent_region, instructeur_etat, instructeur_region,
# membre_pilotage, membre_concertation_opale, administrateur, inconnu, anonyme
MATRICE = {
    "accueil": ("", "302 302 302 302 302 302 302 302 302 200 200"),
    "accessibilite": ("", "200 200 200 200 200 200 200 200 200 200 200"),
    "mentions_legales": ("", "200 200 200 200 200 200 200 200 200 200 200"),
    "donnees_personnelles": ("", "200 200 200 200 200 200 200 200 200 200 200"),
    "sante": ("", "200/503 200/503 200/503 200/503 200/503 200/503 200/503 200/503 200/503 200/503 200/503"),
    "sante_vivant": ("", "200 200 200 200 200 200 200 200 200 200 200"),
    "comptes:connexion": ("", "302 302 302 302 302 302 302 302 302 302 200"),
    "comptes:deconnexion": ("", "405 405 405 405 405 405 405 405 405 405 302"),
    "comptes:proconnect_connexion": ("", "404 404 404 404 404 404 404 404 404 404 404"),
    "comptes:proconnect_retour": ("", "404 404 404 404 404 404 404 404 404 404 404"),
    "comptes:proconnect_deconnecte": ("", "302 302 302 302 302 302 302 302 302 302 302"),
    "comptes:compte": ("", "200 200 200 200 200 200 200 200 200 200 302"),
    "comptes:second_facteur": ("", "302 302 302 302 302 302 302 302 302 302 302"),
    "comptes:second_facteur_activer": ("", "302 302 302 302 302 302 302 302 302 302 302"),
    "comptes:codes_secours": ("", "405 405 405 405 405 405 405 405 405 405 302"),
    "comptes:inscription": ("", "302 302 302 302 302 302 302 302 302 302 200"),
    "comptes:inscription_envoyee": ("", "200 200 200 200 200 200 200 200 200 200 200"),
    "comptes:confirmer_inscription": ("jeton=:jeton-invalide", "400 400 400 400 400 400 400 400 400 400 400"),
    "comptes:mot_de_passe_oubli": ("", "200 200 200 200 200 200 200 200 200 200 200"),
    "comptes:mot_de_passe_oubli_envoye": ("", "200 200 200 200 200 200 200 200 200 200 200"),
    "comptes:nouveau_mot_de_passe": ("uidb64=:AA token=:x-y", "200 200 200 200 200 200 200 200 200 200 200"),
    "comptes:nouveau_mot_de_passe_enregistre": ("", "200 200 200 200 200 200 200 200 200 200 200"),
    "comptes:changer_mot_de_passe": ("", "200 200 200 200 200 200 200 200 200 200 302"),
    "comptes:mot_de_passe_change": ("", "200 200 200 200 200 200 200 200 200 200 302"),
    "execution:porteur": ("pk=en_cours", "200 404 403 403 403 403 403 403 403 403 302"),
    "execution:commencer": ("pk=en_cours", "200 404 403 403 403 403 403 403 403 403 302"),
    "execution:demander_versement": ("pk=en_cours acte_pk=acte", "200 404 403 403 403 403 403 403 403 403 302"),
    "execution:completer_demande": ("pk=en_cours demande_pk=demande_versement", "200 404 403 403 403 403 403 403 403 403 302"),
    "execution:abandonner": ("pk=en_cours", "200 404 403 403 403 403 403 403 403 403 302"),
    "execution:demander_prorogation": ("pk=en_cours acte_pk=acte", "200 404 403 403 403 403 403 403 403 403 302"),
    "execution:acte_telecharger": ("pk=en_cours acte_pk=acte", "200 404 200 404 404 404 404 404 404 404 302"),
    "execution:piece_telecharger": ("pk=en_cours piece_pk=piece_execution", "200 404 200 404 404 404 404 404 404 404 302"),
    "execution:versements": ("", "403 403 200 403 403 403 403 403 403 403 302"),
    "execution:versements_mandater": ("", "405 405 405 405 405 405 405 405 405 405 302"),
    "execution:dossier": ("pk=en_cours", "404 404 200 404 404 404 404 404 404 404 302"),
    "execution:acte_etablir": ("pk=en_cours financeur_pk=financeur_etat", "404 404 200 404 404 404 404 404 404 404 302"),
    "execution:acte_signer": ("pk=en_cours acte_pk=acte", "404 404 200 404 404 404 404 404 404 404 302"),
    "execution:acte_notifier": ("pk=en_cours acte_pk=acte", "404 404 200 404 404 404 404 404 404 404 302"),
    "execution:demande_traiter": ("pk=en_cours demande_pk=demande_versement", "404 404 200 404 404 404 404 404 404 404 302"),
    "execution:versement_mandater": ("pk=en_cours demande_pk=demande_versement", "404 404 200 404 404 404 404 404 404 404 302"),
    "execution:reversement_recouvrer": ("pk=en_cours ordre_pk=reversement", "404 404 200 404 404 404 404 404 404 404 302"),
    "execution:cloturer": ("pk=en_cours", "404 404 200 404 404 404 404 404 404 404 302"),
    "execution:acte_avenant": ("pk=en_cours acte_pk=acte", "404 404 200 404 404 404 404 404 404 404 302"),
    "execution:version_telecharger": ("pk=en_cours acte_pk=acte version_pk=version_acte", "200 404 200 404 404 404 404 404 404 404 302"),
    "execution:prorogation_decider": ("pk=en_cours prorogation_pk=prorogation", "404 404 200 404 404 404 404 404 404 404 302"),
    "execution:caducite_confirmer": ("pk=en_cours proposition_pk=proposition_caducite", "404 404 200 404 404 404 404 404 404 404 302"),
    "execution:caducite_ecarter": ("pk=en_cours proposition_pk=proposition_caducite", "404 404 200 404 404 404 404 404 404 404 302"),
    "dossiers:index": ("", "200 200 403 403 403 403 403 403 403 403 302"),
    "dossiers:structures": ("", "200 200 403 403 403 403 403 403 403 403 302"),
    "dossiers:structure_creer": ("", "200 200 403 403 403 403 403 403 403 403 302"),
    "dossiers:structure": ("pk=structure", "200 404 404 404 404 404 404 404 404 404 302"),
    "dossiers:structure_modifier": ("pk=structure", "200 404 404 404 404 404 404 404 404 404 302"),
    "dossiers:structure_inviter": ("pk=structure", "200 404 404 404 404 404 404 404 404 404 302"),
    "dossiers:structure_retirer_membre": ("pk=structure membre_pk=collegue", "200 404 404 404 404 404 404 404 404 404 302"),
    "dossiers:structure_rejoindre": ("", "404 404 403 403 403 403 403 403 403 403 302"),
    "dossiers:structure_decider_adhesion": ("pk=structure demande_pk=demande_adhesion", "405 405 405 405 405 405 405 405 405 405 302"),
    "dossiers:invitation_accepter": ("jeton=jeton_invitation", "200 200 200 200 200 200 200 200 200 200 200"),
    "dossiers:pieces": ("pk=brouillon", "200 404 404 404 404 404 404 404 404 404 302"),
    "dossiers:piece_telecharger": ("pk=brouillon piece_pk=piece", "200 404 404 404 404 404 404 404 404 404 302"),
    "dossiers:piece_remplacer": ("pk=brouillon piece_pk=piece", "200 404 404 404 404 404 404 404 404 404 302"),
    "dossiers:piece_supprimer": ("pk=brouillon piece_pk=piece", "200 404 404 404 404 404 404 404 404 404 302"),
    "dossiers:creer": ("", "200 200 403 403 403 403 403 403 403 403 302"),
    "dossiers:modifier": ("pk=brouillon section=:identite", "200 404 404 404 404 404 404 404 404 404 302"),
    "dossiers:communes_suggestions": ("pk=brouillon", "200 404 404 404 404 404 404 404 404 404 302"),
    "dossiers:commune_ajouter": ("pk=brouillon", "405 405 405 405 405 405 405 405 405 405 302"),
    "dossiers:commune_retirer": ("pk=brouillon commune_pk=commune", "405 405 405 405 405 405 405 405 405 405 302"),
    "dossiers:totaux": ("pk=brouillon", "405 405 405 405 405 405 405 405 405 405 302"),
    "dossiers:detail": ("pk=depose", "200 404 200 404 404 404 404 404 404 404 302"),
    "dossiers:deposer": ("pk=brouillon", "200 404 404 404 404 404 404 404 404 404 302"),
    "dossiers:recepisse": ("pk=depose", "200 404 200 404 404 404 404 404 404 404 302"),
    "dossiers:retirer": ("pk=depose", "200 404 404 404 404 404 404 404 404 404 302"),
    "instruction:index": ("", "403 403 200 200 200 200 403 403 403 403 302"),
    "instruction:guichet": ("", "403 403 200 200 403 403 403 403 403 403 302"),
    "instruction:guichet_lecture": ("", "403 403 200 200 403 403 403 403 403 403 302"),
    "instruction:recevables_en_lot": ("", "403 403 405 405 403 403 403 403 403 403 302"),
    "instruction:guichet_export": ("format_=:csv", "403 403 200 200 403 403 403 403 403 403 302"),
    "instruction:enregistrer_papier": ("", "403 403 200 200 403 403 403 403 403 403 302"),
    "instruction:groupes": ("", "403 403 403 403 200 200 403 403 403 403 302"),
    "instruction:groupes_export": ("format_=:ods", "403 403 403 403 200 200 403 403 403 403 302"),
    "instruction:affecter": ("pk=en_instruction", "403 403 200 404 200 200 403 403 403 403 302"),
    "instruction:dossier": ("pk=en_instruction", "403 403 200 404 200 200 403 403 403 403 302"),
    "instruction:declarer_recevable": ("pk=depose", "403 403 200 404 403 403 403 403 403 403 302"),
    "instruction:rerouter": ("pk=en_instruction", "403 403 200 404 403 403 403 403 403 403 302"),
    "instruction:declarer_irrecevable": ("pk=depose", "403 403 200 404 403 403 403 403 403 403 302"),
    "instruction:clore": ("pk=incomplet", "403 403 200 404 403 403 403 403 403 403 302"),
    "instruction:transferer": ("pk=depose", "403 403 200 404 403 403 403 403 403 403 302"),
    "instruction:demander_complements": ("pk=depose", "403 403 200 404 404 404 403 403 403 403 302"),
    "instruction:verifier_structure": ("pk=depose", "403 403 405 405 403 403 403 403 403 403 302"),
    "instruction:adhesions": ("pk=depose", "403 403 200 404 403 403 403 403 403 403 302"),
    "instruction:avis": ("pk=en_instruction", "403 403 403 403 200 200 403 403 403 403 302"),
    "instruction:historique_avis": ("pk=en_instruction", "403 403 200 404 200 200 403 403 403 403 302"),
    "instruction:arbitrage": ("pk=en_instruction", "403 403 403 403 200 200 403 403 403 403 302"),
    "instruction:cofinancement": ("", "403 403 403 403 200 200 403 403 403 403 302"),
    "instruction:avis_cofinanceur": ("pk=en_instruction", "403 403 403 403 404 404 403 403 403 403 302"),
    "instruction:conclure_instruction": ("pk=en_instruction", "403 403 403 403 200 200 403 403 403 403 302"),
    "instruction:annoter": ("pk=en_instruction", "403 403 405 405 405 405 403 403 403 403 302"),
    "instruction:ecrire_agent": ("pk=en_instruction", "403 403 405 405 405 405 403 403 403 403 302"),
    "instruction:rapport": ("pk=instruit", "403 403 200 404 200 200 200 403 403 403 302"),
    "instruction:piece_jointe": ("pk=piece_jointe", "200 404 200 404 200 200 404 404 404 404 302"),
    "instruction:courrier": ("pk=courrier", "200 404 200 404 404 404 404 404 404 404 302"),
    "instruction:porteur_dossier": ("pk=en_instruction", "200 404 403 403 403 403 403 403 403 403 302"),
    "instruction:completer": ("pk=incomplet", "405 405 403 403 403 403 403 403 403 403 302"),
    "instruction:ecrire_porteur": ("pk=en_instruction", "405 405 403 403 403 403 403 403 403 403 302"),
    "notifications": ("", "200 200 200 200 200 200 200 200 200 200 302"),
    "gouvernance:index": ("", "403 403 403 403 403 403 302 302 403 403 302"),
    "gouvernance:pilotage": ("", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:enveloppes": ("", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:pilotage_export": ("tableau=:volets format_=:csv", "403 403 403 403 403 403 405 403 403 403 302"),
    "gouvernance:export": ("pk=export", "403 403 403 403 403 403 200 404 403 403 302"),
    "gouvernance:export_fichier": ("pk=export", "403 403 403 403 403 403 200 404 403 403 302"),
    "gouvernance:territoire": ("", "403 403 403 403 403 403 403 200 403 403 302"),
    "gouvernance:territoire_export": ("tableau=:dossiers format_=:csv", "403 403 403 403 403 403 403 405 403 403 302"),
    "gouvernance:territoire_dossier": ("pk=depose", "403 403 403 403 403 403 403 200 403 403 302"),
    "gouvernance:concertation_seances": ("", "403 403 403 403 403 403 403 200 403 403 302"),
    "gouvernance:concertation_nouvelle_seance": ("", "403 403 403 403 403 403 403 403 403 403 302"),
    "gouvernance:concertation_seance": ("pk=seance_concertation", "403 403 403 403 403 403 403 200 403 403 302"),
    "gouvernance:concertation_clore": ("pk=seance_concertation", "403 403 403 403 403 403 403 405 403 403 302"),
    "gouvernance:seances": ("", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:nouvelle_seance": ("", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:seance": ("pk=seance", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:convoquer": ("pk=seance", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:decider": ("pk=seance point_pk=point", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:programmer_restants": ("pk=seance", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:clore": ("pk=seance", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:releve": ("pk=seance_close", "200 404 200 404 200 200 200 404 404 404 302"),
    "gouvernance:simulation": ("pk=seance", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:presences": ("pk=seance", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:membres": ("type_=:concertation", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:membre_ajouter": ("type_=:pilotage", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:membre_retirer": ("pk=mandat_concertation", "403 403 403 403 403 403 200 403 403 403 302"),
    "gouvernance:interets": ("", "403 403 403 403 403 403 200 200 403 403 302"),
    "gouvernance:interet_retirer": ("pk=:1", "403 403 403 403 403 403 405 405 403 403 302"),
    "donnees_ouvertes:index": ("", "200 200 200 200 200 200 200 200 200 200 200"),
    "api:jeton_creer": ("", "200 200 200 200 200 200 200 200 200 200 302"),
    "api:jeton_revoquer": ("pk=jeton", "405 405 405 405 405 405 405 405 405 405 302"),
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
    "donnees_ouvertes:fichier": ("nom=:projets-programmes.csv", "200 200 200 200 200 200 200 200 200 200 200"),
}
# fmt: on


def _noms_d_url(resolver=None, espace=""):
    """Every named URL of the project, admin apart: (name, has arguments)."""
    for motif in (resolver or get_resolver()).url_patterns:
        if isinstance(motif, URLResolver):
            if motif.app_name == "admin":
                continue
            sous_espace = f"{espace}{motif.namespace}:" if motif.namespace else espace
            yield from _noms_d_url(motif, sous_espace)
        elif isinstance(motif, URLPattern) and motif.name:
            yield f"{espace}{motif.name}"


def _url(monde, nom: str, arguments: str) -> str:
    kwargs = {}
    for argument in arguments.split():
        cle, valeur = argument.split("=", 1)
        if valeur.startswith(":"):
            kwargs[cle] = valeur[1:]
        else:
            objet = monde[valeur]
            kwargs[cle] = getattr(objet, "pk", objet)
    return reverse(nom, kwargs=kwargs)


def _client(monde, persona: str) -> ClientCper:
    client = ClientCper()
    if persona != "anonyme":
        client.force_login(monde.utilisateurs[persona])
    return client


def test_chaque_url_a_sa_ligne_dans_la_matrice():
    manquantes = sorted(set(_noms_d_url()) - set(MATRICE))
    assert not manquantes, (
        "URL sans ligne dans la matrice d'accès (tests/test_matrice_acces.py) : "
        + ", ".join(manquantes)
    )
    en_trop = sorted(set(MATRICE) - set(_noms_d_url()))
    assert not en_trop, f"Lignes de la matrice sans URL : {', '.join(en_trop)}"


@pytest.fixture
def sans_journal_des_refus(monkeypatch):
    """825 requests: the log line and traceback of each 403/404 would double the test's time.

    The health page's worker check waits a second for a worker that a test run does not have.
    """
    monkeypatch.setattr("cper.views._etat_worker", lambda: "ok (1)")
    journal = logging.getLogger("django.request")
    niveau = journal.level
    journal.setLevel(logging.CRITICAL)
    yield
    journal.setLevel(niveau)


def test_chaque_persona_obtient_la_reponse_prevue(monde, sans_journal_des_refus):
    ecarts, non_privees = [], []
    for persona in PERSONAS:
        client = _client(monde, persona)
        for nom, (arguments, reponses) in MATRICE.items():
            attendu = reponses.split()[PERSONAS.index(persona)]
            url = _url(monde, nom, arguments)
            reponse = client.get(url)
            if str(reponse.status_code) not in attendu.split("/"):
                ecarts.append(f"{nom} {persona}: {reponse.status_code} au lieu de {attendu}")
            if persona != "anonyme" and "no-store" not in reponse.get("Cache-Control", ""):
                non_privees.append(f"{nom} {persona}")
            if getattr(reponse, "streaming", False):
                b"".join(reponse.streaming_content)  # read to the end, as a browser does
    assert not ecarts, "\n".join(ecarts)
    assert not non_privees, "Sans Cache-Control no-store : " + ", ".join(non_privees)


def _pages_admin(resolver=None, prefixe="/admin/"):
    """The admin's pages that take no argument: index, app indexes, changelists, add forms."""
    racine = resolver or next(
        m
        for m in get_resolver().url_patterns
        if isinstance(m, URLResolver) and m.app_name == "admin"
    )
    for motif in racine.url_patterns:
        route = str(motif.pattern)
        if isinstance(motif, URLResolver):
            if "<" not in route:
                yield from _pages_admin(motif, prefixe + route)
        elif "<" not in route and "(?P" not in route and motif.name:
            yield prefixe + route.lstrip("^").rstrip("$")


@pytest.mark.parametrize("persona", ["porteur", "membre_pilotage", "inconnu", "anonyme"])
def test_le_site_d_administration_est_reserve_au_personnel(monde, persona, sans_journal_des_refus):
    client = _client(monde, persona)
    for page in _pages_admin():
        if page.endswith("logout/") or page.endswith("login/"):
            continue
        reponse = client.get(page)
        assert reponse.status_code == 302, page
        assert reponse.url.startswith(("/admin/login/", "/comptes/connexion/")), page


def test_l_administrateur_ouvre_chaque_page_du_site_d_administration(monde):
    client = _client(monde, "administrateur")
    pages = [p for p in _pages_admin() if not p.endswith(("logout/", "login/"))]
    assert len(pages) > 10
    with warnings.catch_warnings():
        # A third-party model's URLField warns about Django 6's default scheme on its add form.
        warnings.simplefilter("ignore", RemovedInDjango60Warning)
        # 403: an admin that offers no add form; 405: POST-only steps (an import confirmed).
        ecarts = [
            f"{p}: {r}" for p in pages if (r := client.get(p).status_code) not in (200, 403, 405)
        ]
    assert not ecarts, ecarts
    assert client.get("/admin/").status_code == 200
