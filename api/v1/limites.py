"""Throttling per token (or per account for a signed-in browser).

Counted in the default cache (Redis in production): a few microseconds per request, where the
database-backed `limites` cache of the site's forms would cost six queries per API call. When
Redis is down the production cache answers as a miss, and the API then serves without counting.
"""

from rest_framework.throttling import SimpleRateThrottle


class ParJeton(SimpleRateThrottle):
    scope = "jeton"

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
