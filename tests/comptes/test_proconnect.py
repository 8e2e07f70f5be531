"""ProConnect logins against a real OpenID Connect provider running locally (its own process).

cper is driven with Django's test client, the provider with an HTTP client: the person signs
in at the provider and consents, the provider sends them back with a code, cper exchanges it
for tokens over HTTP and checks them. The Chromium journey is in tests/browser/.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cper.comptes.enums import Role
from tests.factories import UserFactory
from tests.fournisseur_oidc.fixtures import PERSONNES, chez_le_fournisseur

pytestmark = pytest.mark.django_db


def _par_proconnect(client, identifiant: str, *, suivant: str = ""):
    """The click on « S'identifier avec ProConnect », the provider's pages, the way back."""
    depart = client.get(
        reverse("comptes:proconnect_connexion"), {"next": suivant} if suivant else {}
    )
    assert depart.status_code == 302
    retour = chez_le_fournisseur(depart.url, identifiant)
    assert retour.startswith("http://testserver/comptes/proconnect/retour/?")
    return client.get(retour.removeprefix("http://testserver"))


def _email(identifiant: str) -> str:
    return PERSONNES[identifiant][0]


def _messages(reponse) -> list[str]:
    return [str(m) for m in get_messages(reponse.wsgi_request)]


def test_sans_configuration_pas_de_bouton_ni_de_porte(client):
    page = client.get(reverse("comptes:connexion"))
    assert "ProConnect" not in page.text
    assert client.get(reverse("comptes:proconnect_connexion")).status_code == 404


def test_la_page_de_connexion_propose_proconnect(client, proconnect):
    page = client.get(reverse("comptes:connexion"))
    assert "S’identifier avec" in page.text and "fr-connect__brand" in page.text
    assert "Qu’est-ce que ProConnect ?" in page.text


def test_un_agent_connu_se_connecte_et_son_identite_est_rattachee(client, proconnect):
    agent = UserFactory(email=_email("agent").upper(), roles=[Role.AGENT_GUICHET])
    reponse = _par_proconnect(client, "agent")
    assert reponse.status_code == 302
    assert reponse.url == reverse("accueil")
    assert client.get(reverse("comptes:compte")).context["user"] == agent
    agent.refresh_from_db()
    assert agent.proconnect_sub == proconnect.subs["agent"]
    # Nothing of the provider's claims became a name, a role or a group.
    assert agent.last_name != "Fournisseur"
    assert set(agent.groups.values_list("name", flat=True)) == {Role.AGENT_GUICHET}


def test_une_personne_inconnue_est_refusee_avec_un_message_clair(client, proconnect):
    reponse = _par_proconnect(client, "inconnu")
    assert reponse.url == reverse("comptes:connexion")
    (message,) = _messages(reponse)
    assert "Aucun compte n'est ouvert pour l'adresse personne.inconnue@exemple.fr" in message
    assert "administrateurs" in message
    assert not client.get(reverse("comptes:compte")).wsgi_request.user.is_authenticated
    # No account was created for them.
    from cper.comptes.models import User

    assert not User.objects.filter(email__iexact=_email("inconnu")).exists()


def test_un_compte_desactive_est_refuse(client, proconnect):
    UserFactory(email=_email("inactif"), roles=[Role.INSTRUCTEUR], is_active=False)
    reponse = _par_proconnect(client, "inactif")
    assert reponse.url == reverse("comptes:connexion")
    assert "désactivé" in _messages(reponse)[0]


def test_un_porteur_est_renvoye_vers_son_mot_de_passe(client, proconnect):
    UserFactory(email=_email("porteur"), roles=[Role.PORTEUR])
    reponse = _par_proconnect(client, "porteur")
    assert reponse.url == reverse("comptes:connexion")
    (message,) = _messages(reponse)
    assert "ProConnect est réservé aux agents" in message
    assert "mot de passe" in message
    page = client.get(reverse("comptes:connexion"))
    assert page.status_code == 200 and not page.wsgi_request.user.is_authenticated


def test_une_autre_identite_proconnect_ne_prend_pas_le_compte(client, proconnect):
    """The account of this address is tied to another ProConnect identity (another `sub`):
    an address changed at the provider does not open it."""
    rattache = UserFactory(email=_email("usurpateur"), roles=[Role.INSTRUCTEUR])
    rattache.proconnect_sub = "sub-de-la-vraie-personne"
    rattache.save()
    reponse = _par_proconnect(client, "usurpateur")
    assert reponse.url == reverse("comptes:connexion")
    assert "rattaché à une autre identité ProConnect" in _messages(reponse)[0]
    rattache.refresh_from_db()
    assert rattache.proconnect_sub == "sub-de-la-vraie-personne"


def test_l_administration_detache_une_identite_changee(client, proconnect, administrateur):
    agent = UserFactory(email=_email("agent"), roles=[Role.AGENT_GUICHET])
    agent.proconnect_sub = "ancienne-identite"
    agent.save()
    assert _par_proconnect(client, "agent").url == reverse("comptes:connexion")
    admin = type(client)()
    admin.force_login(administrateur)
    admin.post(
        reverse("admin:comptes_user_changelist"),
        {"action": "detacher_proconnect", "_selected_action": [agent.pk]},
    )
    assert _par_proconnect(client, "agent").url == reverse("accueil")
    agent.refresh_from_db()
    assert agent.proconnect_sub == proconnect.subs["agent"]


def test_une_identite_deja_rattachee_n_ouvre_pas_un_second_compte(client, proconnect):
    """The provider's person already opened one account; their address now names another."""
    premier = UserFactory(email="ancienne.adresse@exemple.fr", roles=[Role.INSTRUCTEUR])
    premier.proconnect_sub = proconnect.subs["agent"]
    premier.save()
    UserFactory(email=_email("agent"), roles=[Role.AGENT_GUICHET])
    reponse = _par_proconnect(client, "agent")
    assert reponse.url == reverse("comptes:connexion")
    assert "autre identité ProConnect" in _messages(reponse)[0]


def test_un_administrateur_donne_encore_son_code_apres_proconnect(client, proconnect):
    UserFactory(email=_email("administrateur"), roles=[Role.ADMINISTRATEUR], is_staff=True)
    reponse = _par_proconnect(client, "administrateur", suivant="/admin/")
    assert reponse.url == "/admin/"
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin.url.startswith(reverse("comptes:second_facteur_activer"))


def test_le_second_facteur_du_fournisseur_compte_pour_la_session(client, proconnect):
    """The provider asserted a second factor (`amr` holds `mfa`): no code asked here."""
    UserFactory(
        email=_email("administrateur_mfa"),
        roles=[Role.ADMINISTRATEUR],
        is_staff=True,
        is_superuser=True,
    )
    reponse = _par_proconnect(client, "administrateur_mfa", suivant="/admin/")
    assert reponse.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_un_etat_inconnu_est_refuse(client, proconnect):
    client.get(reverse("comptes:proconnect_connexion"))
    reponse = client.get(reverse("comptes:proconnect_retour"), {"code": "x", "state": "forge"})
    assert reponse.status_code == 400
    assert not reponse.wsgi_request.user.is_authenticated


def test_un_code_forge_ramene_a_la_connexion_avec_un_message(client, proconnect):
    depart = client.get(reverse("comptes:proconnect_connexion"))
    etat = parse_qs(urlsplit(depart.url).query)["state"][0]
    reponse = client.get(reverse("comptes:proconnect_retour"), {"code": "forge", "state": etat})
    assert reponse.url == reverse("comptes:connexion")
    assert "n'a pas abouti" in _messages(reponse)[0]


def test_la_deconnexion_passe_par_la_fin_de_session_du_fournisseur(client, proconnect):
    UserFactory(email=_email("agent"), roles=[Role.AGENT_GUICHET])
    _par_proconnect(client, "agent")
    reponse = client.post(reverse("comptes:deconnexion"))
    assert reponse.url.startswith(f"{proconnect.emetteur}/logout/?id_token_hint=")
    assert (
        "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Fcomptes%2Fproconnect%2Fdeconnecte%2F"
        in reponse.url
    )
    assert not client.get(reverse("comptes:connexion")).wsgi_request.user.is_authenticated


def test_une_connexion_par_mot_de_passe_se_deconnecte_chez_nous_seulement(client, proconnect):
    agent = UserFactory(email="agent.mot.de.passe@exemple.fr", roles=[Role.AGENT_GUICHET])
    client.force_login(agent)
    reponse = client.post(reverse("comptes:deconnexion"))
    assert reponse.url == reverse("accueil")
