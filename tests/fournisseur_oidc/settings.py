"""A small OpenID Connect provider (django-oauth-toolkit) standing in for ProConnect in tests.

It runs in a process of its own (gunicorn), on its own SQLite database, with the RS256 key
the test generated; tests/comptes/test_proconnect.py starts it. Nothing of cper is loaded here.
"""

import os
from pathlib import Path

ICI = Path(__file__).resolve().parent

SECRET_KEY = "fournisseur-oidc-de-test-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "tests.fournisseur_oidc",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.fournisseur_oidc.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [ICI / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["FOURNISSEUR_BASE"]}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "en-us"
USE_TZ = True
LOGIN_URL = "/connexion/"
LOGIN_REDIRECT_URL = "/session/"
SESSION_COOKIE_NAME = "fournisseur_session"
CSRF_COOKIE_NAME = "fournisseur_csrf"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": Path(os.environ["FOURNISSEUR_CLE_RSA"]).read_text(),
    "OIDC_ISS_ENDPOINT": os.environ["FOURNISSEUR_EMETTEUR"],
    # ProConnect's flow: authorization code, no PKCE, RP-initiated logout without a prompt.
    "PKCE_REQUIRED": False,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OAUTH2_VALIDATOR_CLASS": "tests.fournisseur_oidc.validateur.Validateur",
    "SCOPES": {
        "openid": "Identité",
        "email": "Adresse électronique",
        "given_name": "Prénom",
        "usual_name": "Nom d'usage",
    },
}
