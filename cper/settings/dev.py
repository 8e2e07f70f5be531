"""Local use (`make run`): DEBUG only if asked for, a throw-away secret key."""

from .base import *  # noqa: F403
from .base import STORAGES, env

SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)

# Static files are served straight from the apps: no collectstatic (and its compression of
# every DSFR asset) on each `make run`. Production keeps the compressed, hashed manifest.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG  # noqa: F405

# Local receivers (a script on this machine) may get webhooks over plain http.
WEBHOOKS_HTTPS_SEULEMENT = env.bool("WEBHOOKS_HTTPS_SEULEMENT", default=False)
WEBHOOKS_ADRESSES_PRIVEES = env.bool("WEBHOOKS_ADRESSES_PRIVEES", default=True)
