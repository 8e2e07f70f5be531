"""Production: fails closed. Every secret comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL, SECRET_KEY, env

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "La variable d'environnement SECRET_KEY est obligatoire en production."
    )
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "La variable d'environnement SECRET_KEY est trop faible : au moins 50 caractères "
        "aléatoires sont exigés."
    )

DEBUG = env.bool("DEBUG", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The probes call over plain HTTP inside the stack: liveness and readiness are not redirected.
SECURE_REDIRECT_EXEMPT = [r"^sante/$", r"^sante/vivant/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

# ProConnect: all of the client id, its secret and the provider, or none; over HTTPS only.
_proconnect = {
    "PROCONNECT_CLIENT_ID": PROCONNECT_CLIENT_ID,  # noqa: F405
    "PROCONNECT_CLIENT_SECRET": PROCONNECT_CLIENT_SECRET,  # noqa: F405
    "PROCONNECT_DOMAINE ou PROCONNECT_EMETTEUR": PROCONNECT_EMETTEUR,  # noqa: F405
}
if any(_proconnect.values()) and not all(_proconnect.values()):
    manquantes = ", ".join(nom for nom, valeur in _proconnect.items() if not valeur)
    raise ImproperlyConfigured(f"ProConnect est configuré à moitié : il manque {manquantes}.")
if all(_proconnect.values()):
    for _url in (
        PROCONNECT_EMETTEUR,  # noqa: F405
        OIDC_OP_AUTHORIZATION_ENDPOINT,  # noqa: F405
        OIDC_OP_TOKEN_ENDPOINT,  # noqa: F405
        OIDC_OP_USER_ENDPOINT,  # noqa: F405
        OIDC_OP_JWKS_ENDPOINT,  # noqa: F405
        PROCONNECT_URL_FIN_SESSION,  # noqa: F405
    ):
        if not _url.startswith("https://"):
            raise ImproperlyConfigured(f"Les adresses de ProConnect doivent être en https : {_url}")

# Stateless web nodes: the cache and the sessions live in Redis, shared by every node, and a
# request may land on any of them. Sessions are `cached_db`: read from Redis (no query), kept
# in PostgreSQL, so that a Redis outage signs nobody out (cper/cache.py answers as a miss).
# The rate limits' counters and django-axes stay in the database: they must hold when Redis
# is down.
CACHE_URL = env.str("CACHE_URL", default=REDIS_URL)
CACHES = {
    **CACHES,
    "default": {
        "BACKEND": "cper.cache.RedisSansPanne",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "cper",
    },
    "sessions": {
        "BACKEND": "cper.cache.RedisSansPanne",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "cper-sessions",
        "OPTIONS": {"DUREE_MAX": 600},
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"
