"""Throttling per token (or per account for a signed-in browser), counted in the database cache.

The `limites` cache keeps counting when Redis is down (cper/limites.py says why).
"""

from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle


class ParJeton(SimpleRateThrottle):
    scope = "jeton"
    cache = caches["limites"]

    def get_cache_key(self, request, view):
        if request.auth is not None and hasattr(request.auth, "pk"):
            ident = f"j{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = "i" + self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def wait(self):
        duree = super().wait()
        return None if duree is None else max(duree, 1)


class EcrituresParJeton(ParJeton):
    """A lower rate for writes, on top of the general one."""

    scope = "jeton_ecriture"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)
