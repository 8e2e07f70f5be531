"""ClamAV through clamd's Unix socket (settings.CLAMD_SOCKET)."""

import logging
from dataclasses import dataclass

from clamav_client.clamd import ClamdError, ClamdUnixSocket
from django.conf import settings

logger = logging.getLogger(__name__)


class AntivirusIndisponible(Exception):
    """clamd did not answer: the file cannot be declared clean for now."""


@dataclass(frozen=True)
class Analyse:
    infecte: bool
    signature: str = ""


def _client() -> ClamdUnixSocket:
    return ClamdUnixSocket(path=str(settings.CLAMD_SOCKET), timeout=settings.CLAMD_DELAI)


def disponible() -> bool:
    """True when clamd answers PING (read by the health check)."""
    try:
        return _client().ping() == "PONG"
    except (ClamdError, OSError):
        return False


def analyser(flux) -> Analyse:
    """Stream the bytes to clamd (INSTREAM). Raises AntivirusIndisponible when it cannot say."""
    flux.seek(0)
    try:
        resultats = _client().instream(flux)
    except (ClamdError, OSError) as erreur:
        logger.warning("Antivirus injoignable (%s) : %s", settings.CLAMD_SOCKET, erreur)
        raise AntivirusIndisponible(str(erreur)) from erreur
    finally:
        flux.seek(0)
    if not resultats:
        raise AntivirusIndisponible("réponse vide de clamd")
    statut, signature = next(iter(resultats.values()))
    if statut == "FOUND":
        return Analyse(infecte=True, signature=signature or "inconnue")
    if statut == "OK":
        return Analyse(infecte=False)
    # ERROR (size limit, unreadable stream): not a verdict, so not clean either.
    raise AntivirusIndisponible(f"clamd : {statut} {signature or ''}".strip())
