"""No input gives a server error: every form of every role, fed hostile values, answers < 500.

The forms are found as a user finds them: each persona opens every page the access matrix
lets them open, and every <form> of those pages (plus the htmx endpoints that are not forms:
live totals, commune suggestions) is submitted once per class of hostile value, the value in
every text field, the other fields left as the page offered them.
"""

import logging
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.urls import resolve, reverse

from tests.second_facteur import ClientCper
from tests.test_matrice_acces import MATRICE, PERSONAS, _url

pytestmark = pytest.mark.django_db

# One value per class of attack; each goes into every text field of a form at once.
HOSTILES = {
    "balisage": '<b hx-get="/x/" hx-trigger="load">x</b><script>alert(1)</script>',
    "formule": '=HYPERLINK("http://exemple.invalid";"x")+cmd|\' /C calc\'!A0',
    "controle": "a\x00b\x01c\x1b[31m\x7fd",
    "bidi_emoji": "\u202eexe.fdp\u202c \u2066x\u2069 😀👩🏽‍💻 \ufeff",
    "long": "é" * 10_000,
    "infini": "1e309",
    "nan": "NaN",
    "moins_zero": "-0",
    "entier_enorme": "9" * 40,
    "sql": "'; DROP TABLE dossiers_dossier; -- \" OR 1=1",
}
# Bytes no valid UTF-8 carries (a lone surrogate, 0xFF) and a NUL, percent-encoded in the body.
OCTETS_INVALIDES = "%ED%A0%80%FF%00x"

TEXTES = {"", "text", "email", "search", "number", "date", "datetime-local", "password", "tel"}
PERSONAS_AVEC_FORMULAIRES = [
    "porteur",
    "agent_sp_douai",
    "instructeur_etat",
    "membre_pilotage",
    "membre_concertation_opale",
    "anonyme",
]
# Pages the matrix does not list with these arguments, where other forms live.
PAGES_EN_PLUS = {
    "porteur": [
        ("dossiers:modifier", "pk=brouillon section=:localisation"),
        ("dossiers:modifier", "pk=brouillon section=:calendrier"),
        ("dossiers:modifier", "pk=brouillon section=:depenses"),
        ("dossiers:modifier", "pk=brouillon section=:financement"),
        ("instruction:porteur_dossier", "pk=incomplet"),
    ],
    "instructeur_etat": [("instruction:demander_complements", "pk=en_instruction")],
}
ACTIONS_EXCLUES = ("/comptes/deconnexion/",)


class _Formulaires(HTMLParser):
    """The forms of a page: action, method, and fields as the page fills them."""

    def __init__(self):
        super().__init__()
        self.formulaires, self._courant, self._select = [], None, None

    def handle_starttag(self, balise, attributs):
        a = dict(attributs)
        if balise == "form":
            self._courant = {
                "action": a.get("action") or "",
                "methode": (a.get("method") or "get").lower(),
                "textes": [],
                "fixes": [],
            }
            self.formulaires.append(self._courant)
        elif self._courant is None or "name" not in a:
            return
        elif balise == "textarea":
            self._courant["textes"].append(a["name"])
        elif balise == "select":
            self._select = a["name"]
        elif balise == "option" and self._select and a.get("value"):
            self._courant["fixes"].append((self._select, a["value"]))
            self._select = None
        elif balise == "input":
            type_ = (a.get("type") or "").lower()
            if type_ in TEXTES:
                self._courant["textes"].append(a["name"])
            elif type_ in ("hidden", "radio", "checkbox") and (
                type_ == "hidden" or "checked" in a or type_ == "checkbox"
            ):
                self._courant["fixes"].append((a["name"], a.get("value") or "on"))

    def handle_endtag(self, balise):
        if balise == "form":
            self._courant = None
        elif balise == "select":
            self._select = None


def _client(monde, persona):
    client = ClientCper()
    if persona != "anonyme":
        client.force_login(monde.utilisateurs[persona])
    return client


def _formulaires(monde, persona, client):
    """{(method, action): form} of every page the persona may open."""
    pages = [
        (nom, arguments)
        for nom, (arguments, reponses) in MATRICE.items()
        if reponses.split()[PERSONAS.index(persona)] == "200"
    ] + PAGES_EN_PLUS.get(persona, [])
    trouves = {}
    for nom, arguments in pages:
        url = _url(monde, nom, arguments)
        reponse = client.get(url)
        if reponse.status_code != 200 or "html" not in reponse.get("Content-Type", ""):
            continue
        lecteur = _Formulaires()
        lecteur.feed(reponse.content.decode())
        for formulaire in lecteur.formulaires:
            action = urlsplit(formulaire["action"]).path or url
            if action.startswith(ACTIONS_EXCLUES) or not formulaire["textes"]:
                continue
            trouves.setdefault((formulaire["methode"], action), formulaire)
    return trouves


def _envoyer(client, methode, action, formulaire, valeur=None, corps=None):
    donnees = list(formulaire["fixes"]) + [(nom, valeur or "") for nom in formulaire["textes"]]
    if corps is not None:
        brut = "&".join(
            [f"{quote(n)}={quote(v)}" for n, v in formulaire["fixes"]]
            + [f"{quote(n)}={corps}" for n in formulaire["textes"]]
        )
        if methode == "get":
            return client.get(f"{action}?{brut}")
        return client.post(action, brut, content_type="application/x-www-form-urlencoded")
    multi = {}
    for nom, v in donnees:
        multi.setdefault(nom, []).append(v)
    return getattr(client, methode)(action, multi)


@pytest.fixture
def sans_journal_des_refus(monkeypatch):
    journal = logging.getLogger("django.request")
    niveau = journal.level
    journal.setLevel(logging.CRITICAL)
    monkeypatch.setattr("cper.views._etat_worker", lambda: "ok (1)")
    yield
    journal.setLevel(niveau)


def test_aucune_saisie_hostile_ne_provoque_d_erreur_serveur(monde, sans_journal_des_refus):
    erreurs, envoyes, vues = [], 0, set()
    for persona in PERSONAS_AVEC_FORMULAIRES:
        client = _client(monde, persona)
        formulaires = _formulaires(monde, persona, client)
        if persona == "porteur":
            brouillon = monde["brouillon"].pk
            formulaires[("post", reverse("dossiers:totaux", args=[brouillon]))] = {
                "textes": ["depenses-0-montant_ht", "depenses-0-montant_ttc", "depenses-0-libelle"],
                "fixes": [("section", "depenses"), ("depenses-TOTAL_FORMS", "1")],
            }
            formulaires[("post", reverse("dossiers:totaux", args=[brouillon]) + "?f")] = {
                "textes": ["financements-0-montant_demande", "financements-0-financeur"],
                "fixes": [("section", "financement"), ("financements-TOTAL_FORMS", "1")],
            }
            formulaires[("get", reverse("dossiers:communes_suggestions", args=[brouillon]))] = {
                "textes": ["q"],
                "fixes": [],
            }
            formulaires[("post", reverse("dossiers:commune_ajouter", args=[brouillon]))] = {
                "textes": ["commune"],
                "fixes": [],
            }
        for (methode, action), formulaire in formulaires.items():
            # The same form of the same view (the password change, the notifications) is
            # submitted once, by the first persona who meets it, to keep the test short.
            vue = (methode, resolve(urlsplit(action).path).view_name, tuple(formulaire["textes"]))
            if vue in vues:
                continue
            vues.add(vue)
            for classe, valeur in [*HOSTILES.items(), ("octets_invalides", None)]:
                if classe == "octets_invalides":
                    reponse = _envoyer(client, methode, action, formulaire, corps=OCTETS_INVALIDES)
                else:
                    reponse = _envoyer(client, methode, action, formulaire, valeur)
                envoyes += 1
                if reponse.status_code >= 500:
                    erreurs.append(f"{persona} {methode.upper()} {action} [{classe}]")
                if getattr(reponse, "streaming", False):
                    b"".join(reponse.streaming_content)
            if persona == "anonyme" and "connexion" in action:
                client = _client(monde, persona)  # a locked-out visitor still gets no 500
    assert envoyes > 250, envoyes
    assert not erreurs, "\n".join(erreurs)
