"""Login lock-out: per (address, IP) pair, a much higher threshold per IP, and the client's IP
read from the proxy's header only when the request comes from a trusted proxy."""

import ipaddress

import pytest
from django.test import RequestFactory, override_settings

from cper.reseau import ip_du_client
from tests.factories import MOT_DE_PASSE

URL = "/comptes/connexion/"
pytestmark = pytest.mark.django_db


def echouer(client, email, n, **meta):
    for _ in range(n):
        client.post(URL, {"username": email, "password": "faux"}, **meta)


def se_connecter(client, email, **meta):
    return client.post(URL, {"username": email, "password": MOT_DE_PASSE}, **meta)


def test_les_echecs_d_un_compte_ne_verrouillent_jamais_un_autre_compte_de_la_meme_adresse(
    client, porteur, autre_porteur
):
    """The attack: behind one address (or the proxy), five wrong passwords on any account
    locked every account for thirty minutes."""
    echouer(client, porteur.email, 10)
    assert se_connecter(client, autre_porteur.email).status_code == 302


def test_la_paire_compte_et_adresse_se_verrouille(client, porteur):
    echouer(client, porteur.email.upper(), 5)  # the case of the address does not matter
    reponse = se_connecter(client, porteur.email)
    assert reponse.status_code == 429
    assert "Compte temporairement verrouillé" in reponse.content.decode()
    # The same account from another address is not locked.
    assert se_connecter(client, porteur.email, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_les_echecs_sont_enregistres_avec_l_adresse_saisie(client, porteur):
    from axes.models import AccessAttempt

    echouer(client, "Porteur@Exemple.fr", 1)
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["porteur@exemple.fr"]


@override_settings(AXES_LIMITE_PAR_IP=12)
def test_une_adresse_qui_essaie_beaucoup_de_comptes_se_verrouille(client, porteur):
    for i in range(12):
        echouer(client, f"inconnu{i}@exemple.fr", 1)
    assert se_connecter(client, porteur.email).status_code == 429
    assert se_connecter(client, porteur.email, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_un_x_forwarded_for_venu_d_une_adresse_non_fiable_est_ignore(client, porteur):
    # Rotating a forged header does not escape the pair's lock-out.
    for i in range(5):
        client.post(
            URL,
            {"username": porteur.email, "password": "faux"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    assert (
        se_connecter(client, porteur.email, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429
    )


@override_settings(PROXIES_DE_CONFIANCE=["10.0.0.0/8"])
def test_le_x_forwarded_for_d_un_proxy_de_confiance_est_lu(client, porteur):
    proxy = {"REMOTE_ADDR": "10.1.2.3"}
    echouer(client, porteur.email, 5, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert (
        se_connecter(client, porteur.email, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code
        == 429
    )
    # Another client behind the same proxy is another address: not locked.
    assert (
        se_connecter(client, porteur.email, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("remote", "xff", "attendue"),
    [
        ("192.0.2.1", "203.0.113.5", "192.0.2.1"),  # not a proxy: the header is ignored
        ("10.0.0.1", "203.0.113.5", "203.0.113.5"),
        ("10.0.0.1", "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # left part written by the client
        ("10.0.0.1", "203.0.113.5, 10.0.0.9", "203.0.113.5"),  # two trusted hops
        ("10.0.0.1", "n'importe quoi", "10.0.0.1"),
        ("10.0.0.1", "", "10.0.0.1"),
        ("pas-une-ip", "203.0.113.5", str(ipaddress.IPv4Address(0))),  # unspecified
    ],
)
@override_settings(PROXIES_DE_CONFIANCE=["10.0.0.0/8"])
def test_ip_du_client(remote, xff, attendue):
    requete = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=xff)
    assert ip_du_client(requete) == attendue
