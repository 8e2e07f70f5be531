"""Login lock-out (django-axes) that a stranger cannot turn against other users.

Failures are counted per (address, IP) pair: five wrong passwords lock that pair only, so one
account's failures never lock another account, nor the same account from elsewhere. An IP that
tries many accounts is locked at a much higher threshold (`AXES_LIMITE_PAR_IP`), high enough
for a whole office behind one address to keep working.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum


def identifiant_connexion(request, credentials) -> str | None:
    """The address typed in the login form (`username` field), lower-cased as accounts are."""
    valeur = (credentials or {}).get("username")
    if valeur is None and request is not None:
        valeur = request.POST.get("username")
    if not isinstance(valeur, str) or not valeur.strip():
        return None
    return valeur.strip().lower()[:255]


class VerrouillageParCompteEtAdresse(AxesDatabaseHandler):
    """Relies on AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]: the pair
    first, the IP alone second."""

    def get_failures(self, request, credentials=None) -> int:
        par_paire, par_ip = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if par_ip >= settings.AXES_LIMITE_PAR_IP:
            return max(par_paire, get_failure_limit(request, credentials))
        return par_paire
