"""The client's address, as the lock-out and the rate limits must see it.

Behind the production reverse proxy every request comes from the proxy's address; the client's
own address is then in `X-Forwarded-For`. That header is written by whoever sends the request,
so it is read only when the request really comes from a proxy listed in
`PROXIES_DE_CONFIANCE` (CIDRs); otherwise a client could pick the address it is counted under.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _reseaux(cidrs: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def _adresse(texte: str):
    try:
        return ipaddress.ip_address(texte.strip())
    except ValueError:
        return None


def est_proxy_de_confiance(adresse) -> bool:
    return adresse is not None and any(
        adresse in reseau for reseau in _reseaux(tuple(settings.PROXIES_DE_CONFIANCE))
    )


def ip_du_client(request) -> str:
    """The client's IP address: REMOTE_ADDR, or, when that is a trusted proxy, the right-most
    address of X-Forwarded-For that is not itself a trusted proxy (the ones further left were
    written by the client and prove nothing)."""
    distante = _adresse(request.META.get("REMOTE_ADDR", "")) or ipaddress.IPv4Address(0)
    if not est_proxy_de_confiance(distante):
        return str(distante)
    chaine = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for texte in reversed(chaine.split(",")):
        adresse = _adresse(texte)
        if adresse is None:
            break  # a malformed hop: stop at the last address we can vouch for
        if not est_proxy_de_confiance(adresse):
            return str(adresse)
        distante = adresse
    return str(distante)
