"""Rate limits on what costs us or others something: sign-ups, reset e-mails, invitations,
uploads and exports. Counted per client IP (cper.reseau) and per account, in fixed windows.

The counters live in the `limites` cache, a database table (`createcachetable`): it keeps
counting when Redis is down, and a limiter that cannot count lets the request through (fails
open) rather than turning a fault into an error page.
"""

import hashlib
import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render

from .reseau import ip_du_client

logger = logging.getLogger(__name__)


def _compter(cle: str, duree: int) -> int:
    """Add one to the counter of the current window; 0 when the store cannot be reached."""
    fenetre = int(time.time() // duree)
    cle = f"{cle}:{duree}:{fenetre}"
    cache = caches["limites"]
    try:
        if cache.add(cle, 1, timeout=duree):
            return 1
        try:
            return cache.incr(cle)
        except ValueError:  # expired between add and incr
            cache.set(cle, 1, timeout=duree)
            return 1
    except Exception:
        logger.warning("Limiteur indisponible : la requête passe sans être comptée", exc_info=True)
        return 0


def _empreinte(valeur: str) -> str:
    return hashlib.sha256(valeur.encode()).hexdigest()[:32]


def identifiant_du_compte(request) -> str | None:
    """The signed-in account, or for a visitor the address the form names (sign-up, reset)."""
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    email = request.POST.get("email", "")
    if isinstance(email, str) and email.strip():
        return "e" + _empreinte(email.strip().lower())
    return None


def depasse(request, portee: str) -> bool:
    """Count this request for `portee` and say whether a limit is now exceeded."""
    regles = settings.LIMITES[portee]
    cles = {"ip": "i" + _empreinte(ip_du_client(request))}
    compte = identifiant_du_compte(request)
    if compte is not None:
        cles["compte"] = compte
    depassement = False
    for quoi, cle in cles.items():
        if quoi not in regles:
            continue
        maximum, duree = regles[quoi]
        if _compter(f"limite:{portee}:{quoi}:{cle}", duree) > maximum:
            depassement = True
    if depassement:
        logger.warning("Limite « %s » dépassée", portee)
    return depassement


def trop_de_requetes(request, portee: str):
    """The 429 page: what happened, in French, and when to try again."""
    duree = max(duree for _, duree in settings.LIMITES[portee].values())
    minutes = max(1, duree // 60)
    reponse = render(
        request,
        "429.html",
        {"title": "Trop de demandes", "minutes": minutes, "heures": minutes // 60},
        status=429,
    )
    reponse["Retry-After"] = str(duree)
    return reponse


def limiter(portee: str, *, methodes=("POST",)):
    """Refuse with a 429 page the requests of `portee` beyond its limits (settings.LIMITES)."""

    def decorateur(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methodes and depasse(request, portee):
                return trop_de_requetes(request, portee)
            return view(request, *args, **kwargs)

        return wrapper

    return decorateur
