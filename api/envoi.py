"""Sending one webhook: the receiving address checked, the body signed, one short HTTP POST.

Signature: the Standard Webhooks specification (`standardwebhooks` package), headers
`webhook-id` (the event's, the same on every retry), `webhook-timestamp` and
`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.

The receiving address is a request the server makes on an administrator's behalf (SSRF): in
production only https, and never to a private, loopback, link-local or reserved address. The
name is resolved once, every address checked, and the connection made to the checked address
(a DNS answer that changes between the check and the connection changes nothing). Redirects
are not followed, timeouts are short, and only the beginning of the answer is read.
"""

import datetime
import http.client
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from standardwebhooks import Webhook

EXTRAIT = 500  # bytes of the answer kept, to understand a refusal
AGENT = "cper-webhooks/1"


class AdresseRefusee(ValidationError):
    """The receiving address may not be called."""


@dataclass
class Reponse:
    statut: int | None
    duree_ms: int
    extrait: str = ""
    erreur: str = ""

    @property
    def reussie(self) -> bool:
        return self.statut is not None and 200 <= self.statut < 300


def _adresse_permise(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def verifier_url(url: str) -> tuple[str, int, list[str]]:
    """(host name, port, addresses to connect to) of a receiving address, or AdresseRefusee."""
    morceaux = urlsplit(url)
    schemas = ("https",) if settings.WEBHOOKS_HTTPS_SEULEMENT else ("https", "http")
    if morceaux.scheme not in schemas:
        raise AdresseRefusee("L'adresse de réception doit commencer par https://.")
    if morceaux.username or morceaux.password:
        raise AdresseRefusee("L'adresse de réception ne doit pas contenir d'identifiants.")
    try:
        port = morceaux.port or (443 if morceaux.scheme == "https" else 80)
    except ValueError:
        raise AdresseRefusee("Le port de l'adresse de réception n'est pas valide.") from None
    hote = morceaux.hostname
    if not hote:
        raise AdresseRefusee("L'adresse de réception n'a pas de nom d'hôte.")
    try:
        reponses = socket.getaddrinfo(hote, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise AdresseRefusee(f"Le nom d'hôte « {hote} » est introuvable.") from None
    adresses = list(dict.fromkeys(r[4][0] for r in reponses))
    if not settings.WEBHOOKS_ADRESSES_PRIVEES and not all(
        _adresse_permise(ipaddress.ip_address(a.split("%")[0])) for a in adresses
    ):
        raise AdresseRefusee(
            "L'adresse de réception désigne un réseau privé, local ou réservé : elle est refusée."
        )
    return hote, port, adresses


def _connecter(adresses: list[str], port: int, delai: float) -> socket.socket:
    """A socket to the first of the checked addresses that answers."""
    erreur = None
    for adresse in adresses:
        try:
            return socket.create_connection((adresse, port), delai)
        except OSError as exc:
            erreur = exc
    raise erreur


class _Connexion(http.client.HTTPConnection):
    """An HTTP connection to addresses already checked, whatever the name resolves to now."""

    def __init__(self, hote, port, adresses, delai):
        super().__init__(hote, port, timeout=delai)
        self._adresses = adresses

    def connect(self):
        self.sock = _connecter(self._adresses, self.port, self.timeout)


class _ConnexionTLS(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the host name, not the address."""

    def __init__(self, hote, port, adresses, delai):
        super().__init__(hote, port, timeout=delai, context=ssl.create_default_context())
        self._adresses = adresses

    def connect(self):
        brut = _connecter(self._adresses, self.port, self.timeout)
        self.sock = self._context.wrap_socket(brut, server_hostname=self.host)


def corps(evenement) -> bytes:
    """The body of every delivery of an event: the Standard Webhooks envelope, in JSON."""
    enveloppe = {
        "type": evenement.type,
        "timestamp": evenement.created_at.astimezone(datetime.UTC).isoformat(),
        "data": evenement.donnees,
    }
    return json.dumps(enveloppe, ensure_ascii=False, separators=(",", ":")).encode()


def entetes(*, secret: str, identifiant: str, contenu: bytes, moment=None) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt (a fresh timestamp and signature each)."""
    moment = (moment or timezone.now()).astimezone(datetime.UTC)
    return {
        "webhook-id": identifiant,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(identifiant, moment, contenu.decode()),
    }


def envoyer(*, url: str, secret: str, identifiant: str, contenu: bytes) -> Reponse:
    """POST one signed body to `url`; never raises: the answer, or what went wrong."""
    debut = time.monotonic()

    def duree() -> int:
        return int((time.monotonic() - debut) * 1000)

    try:
        hote, port, adresses = verifier_url(url)
    except AdresseRefusee as exc:
        return Reponse(statut=None, duree_ms=duree(), erreur=exc.messages[0])
    morceaux = urlsplit(url)
    chemin = (morceaux.path or "/") + (f"?{morceaux.query}" if morceaux.query else "")
    classe = _ConnexionTLS if morceaux.scheme == "https" else _Connexion
    connexion = classe(hote, port, adresses, settings.WEBHOOKS_DELAI)
    try:
        connexion.request(
            "POST",
            chemin,
            body=contenu,
            headers={
                "Content-Type": "application/json",
                "User-Agent": AGENT,
                **entetes(secret=secret, identifiant=identifiant, contenu=contenu),
            },
        )
        reponse = connexion.getresponse()
        extrait = reponse.read(EXTRAIT).decode("utf-8", errors="replace")
        return Reponse(statut=reponse.status, duree_ms=duree(), extrait=extrait)
    except (OSError, http.client.HTTPException) as exc:
        return Reponse(statut=None, duree_ms=duree(), erreur=f"{exc.__class__.__name__}: {exc}")
    finally:
        connexion.close()
