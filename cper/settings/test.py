"""Test settings: the real PostgreSQL and Redis, fast hashing, mails kept in memory."""

import os

from .base import *  # noqa: F403
from .base import STORAGES, env

SECRET_KEY = "test-only-not-secret-" + "x" * 40
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A test's worker process may write its mails to files instead (EMAIL_FILE_PATH), to count them.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND_TESTS", default="django.core.mail.backends.locmem.EmailBackend"
)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default="") or None
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Reads stay on the primary: a test's data live in its transaction, which the replica's
# connection cannot see (the routing has tests of its own, on committed data).
LECTURE_REPLIQUE = False
# Tasks run in-process right after commit; one test goes through a real worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
# Each test process sends to a queue of its own, which only its own test worker consumes:
# no other worker on the same broker (a developer's `make run`, another run) takes its tasks.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_FILE_TESTS", default=f"cper-tests-{os.getpid()}")
# Heavy tasks too: the test worker consumes that one queue only.
CELERY_TASK_ROUTES = {}
AXES_FAILURE_LIMIT = 5
# Static files straight from the apps, no collectstatic needed (browser tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Each readiness call checks afresh; the cache has a test of its own.
SANTE_CACHE_SECONDES = 0
# Webhooks go to receivers the tests start on this machine, over plain http.
WEBHOOKS_HTTPS_SEULEMENT = False
WEBHOOKS_ADRESSES_PRIVEES = True
WEBHOOKS_DELAI = 2.0

# A variable a project template names but the context lacks fails the test that renders it
# (third-party templates — django-dsfr, the admin — keep Django's silent empty string).
from cper.gabarits import VariableInconnue  # noqa: E402

TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = VariableInconnue()  # noqa: F405
