"""A Redis cache that Redis being down never turns into an error (production's cache, sessions).

Every operation that fails on Redis is logged and answers as a cache miss (nothing found,
nothing stored); for a few seconds after a failure Redis is not even tried, so that a down
Redis costs each request nothing. `OPTIONS["DUREE_MAX"]` caps how long any entry lives: for
sessions (`cached_db`, whose truth is the database), an entry a failed delete left behind
during an outage lives at most that long.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
PAUSE_APRES_ECHEC = 5.0  # seconds


class RedisSansPanne(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.duree_max = options.pop("DUREE_MAX", None)
        # A down Redis must answer fast: short timeouts unless told otherwise.
        options.setdefault("socket_connect_timeout", 0.2)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, {**params, "OPTIONS": options})
        self._indisponible_jusqu_a = 0.0

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        duree = super().get_backend_timeout(timeout)
        if self.duree_max is None:
            return duree
        return self.duree_max if duree is None else min(duree, self.duree_max)

    def _essayer(self, operation, repli, *args, **kwargs):
        if time.monotonic() < self._indisponible_jusqu_a:
            return repli
        try:
            return operation(*args, **kwargs)
        except RedisError as erreur:
            self._indisponible_jusqu_a = time.monotonic() + PAUSE_APRES_ECHEC
            logger.warning("Cache Redis indisponible (%s) : réponse sans cache", erreur)
            return repli

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._essayer(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._essayer(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._essayer(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._essayer(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._essayer(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._essayer(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._essayer(super().has_key, False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._essayer(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._essayer(super().delete_many, None, keys, version)

    def clear(self):
        return self._essayer(super().clear, False)
