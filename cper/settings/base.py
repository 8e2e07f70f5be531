"""Settings shared by every environment; values come from the environment (django-environ)."""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin site requires the second factor (cper/comptes/admin_site.py).
    "cper.comptes.apps.AdministrationConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Trigram index operator classes (OpClass in an index), used by the lists' text search.
    "django.contrib.postgres",
    "dsfr",
    "widget_tweaks",  # django-dsfr's checkbox and radio templates load it
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "django_fsm_log",
    "django_celery_beat",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "cper",
    "cper.televersement",
    "cper.comptes",
    "cper.referentiel",
    "dossiers",
    "instruction",
    "gouvernance",
    "execution",
    "api",
    "donnees_ouvertes",
    # Demo data and the benchmark: the top floor.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cper.comptes.middleware.OTPMiddleware",
    "cper.middleware.PagesPriveesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the login check: a signed-in person who owes a second factor sees only its pages.
    "cper.comptes.middleware.SecondFacteurMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cper.urls"
WSGI_APPLICATION = "cper.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cper.context_processors.site",
                "cper.context_processors.notifications",
            ],
        },
    },
]

BASE_PRINCIPALE = env.str("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/cper")
DATABASES = {
    "default": env.db_url_config(BASE_PRINCIPALE),
    # A read replica (PostgreSQL standby) for the dashboards, exports and API (cper/lecture.py);
    # without one, the primary itself.
    "replica": env.db_url_config(env.str("DATABASE_REPLICA_URL", default=BASE_PRINCIPALE)),
}
for _base in DATABASES.values():
    _base["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    _base["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles the dashboards' aggregate queries for seconds to save
    # milliseconds (3 s of a 4.4 s query at 20 000 dossiers): interactive pages are better off.
    _base.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Parameters bound by the server, so that psycopg prepares a statement after its second
    # run on a connection: PostgreSQL then plans the pages' queries once (a dossier's scoped
    # fetch: 2.1 ms of planning for 0.4 ms of execution) instead of at every request.
    # Empty: no prepared statement (behind a pooler in transaction mode).
    _seuil = env.str("DB_PREPARE_THRESHOLD", default="2")
    _base["OPTIONS"].update(
        server_side_binding=True, prepare_threshold=int(_seuil) if _seuil else None
    )
DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["cper.lecture.Routeur"]
LECTURE_REPLIQUE = env.bool("LECTURE_REPLIQUE", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "comptes.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # ProConnect (OpenID Connect) for agents; answers nothing while it is not configured.
    "cper.comptes.proconnect.ProConnectBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "comptes:connexion"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "accueil"

# ProConnect (OpenID Connect, mozilla-django-oidc) for agents: on only when the client id, its
# secret and the provider's domain are set. Endpoints default to ProConnect's own paths under
# https://<PROCONNECT_DOMAINE>/api/v2 (its discovery document lists the same ones).
PROCONNECT_CLIENT_ID = env.str("PROCONNECT_CLIENT_ID", default="")
PROCONNECT_CLIENT_SECRET = env.str("PROCONNECT_CLIENT_SECRET", default="")
PROCONNECT_DOMAINE = env.str("PROCONNECT_DOMAINE", default="")
_PROCONNECT_API = f"https://{PROCONNECT_DOMAINE}/api/v2" if PROCONNECT_DOMAINE else ""
PROCONNECT_EMETTEUR = env.str("PROCONNECT_EMETTEUR", default=_PROCONNECT_API)
OIDC_RP_CLIENT_ID = PROCONNECT_CLIENT_ID
OIDC_RP_CLIENT_SECRET = PROCONNECT_CLIENT_SECRET
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str(
    "PROCONNECT_URL_AUTORISATION", default=_PROCONNECT_API and _PROCONNECT_API + "/authorize"
)
OIDC_OP_TOKEN_ENDPOINT = env.str(
    "PROCONNECT_URL_JETON", default=_PROCONNECT_API and _PROCONNECT_API + "/token"
)
OIDC_OP_USER_ENDPOINT = env.str(
    "PROCONNECT_URL_UTILISATEUR", default=_PROCONNECT_API and _PROCONNECT_API + "/userinfo"
)
OIDC_OP_JWKS_ENDPOINT = env.str(
    "PROCONNECT_URL_CLES", default=_PROCONNECT_API and _PROCONNECT_API + "/jwks"
)
PROCONNECT_URL_FIN_SESSION = env.str(
    "PROCONNECT_URL_FIN_SESSION", default=_PROCONNECT_API and _PROCONNECT_API + "/session/end"
)
# The login button and the logout form lead there: the CSP's form-action must allow it.
ORIGINES_PROCONNECT = sorted(
    {
        f"{url.scheme}://{url.netloc}"
        for url in map(urlsplit, (OIDC_OP_AUTHORIZATION_ENDPOINT, PROCONNECT_URL_FIN_SESSION))
        if url.netloc
    }
)
OIDC_RP_SIGN_ALGO = env.str("PROCONNECT_ALGORITHME", default="RS256")
OIDC_RP_SCOPES = "openid email given_name usual_name"
# The id_token says how the person authenticated (`amr`): see cper/comptes/second_facteur.py.
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"claims": '{"id_token":{"amr":{"essential":true}}}'}
OIDC_CREATE_USER = False  # accounts are opened by administrators, never by the provider
OIDC_STORE_ID_TOKEN = True  # sent back as id_token_hint at logout
OIDC_TIMEOUT = env.float("PROCONNECT_DELAI", default=10.0)
OIDC_AUTHENTICATION_CALLBACK_URL = "comptes:proconnect_retour"
OIDC_OP_LOGOUT_URL_METHOD = "cper.comptes.proconnect.url_fin_de_session"

# Second factor (django-otp): TOTP application and one-time recovery codes.
OTP_TOTP_ISSUER = "CPER Nord–Pas-de-Calais"
# The admin never shows a TOTP secret nor a QR code of someone else's device.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
CODES_DE_SECOURS = 10

# The reverse proxies whose X-Forwarded-For is believed (CIDRs, comma-separated); none by default.
PROXIES_DE_CONFIANCE = env.list("PROXIES_DE_CONFIANCE", default=[])

# django-axes: an (address, IP) pair locks after AXES_FAILURE_LIMIT failures, an IP alone only
# after AXES_LIMITE_PAR_IP (cper/comptes/verrouillage.py), so nobody can lock everyone out.
AXES_HANDLER = "cper.comptes.verrouillage.VerrouillageParCompteEtAdresse"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LIMITE_PAR_IP = env.int("AXES_LIMITE_PAR_IP", default=50)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HEURES", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# The login form posts the address as `username` (USERNAME_FIELD is `email`).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "cper.comptes.verrouillage.identifiant_connexion"
AXES_CLIENT_IP_CALLABLE = "cper.reseau.ip_du_client"
AXES_LOCKOUT_TEMPLATE = "comptes/verrouille.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Rate limits (cper/limites.py): (maximum, window in seconds) per client IP and per account (the
# signed-in user, or the address a visitor's form names). Counters live in a database table,
# so that they keep working when Redis is down.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limites": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cper_limites",
        # The default (300 entries, a third culled beyond) would let someone spraying many
        # addresses wipe the counters of others; expired rows are removed when culling.
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    },
}
HEURE, JOUR = 3600, 24 * 3600
LIMITES = {
    "inscription": {"ip": (20, HEURE), "compte": (5, HEURE)},
    "mot_de_passe_oubli": {"ip": (20, HEURE), "compte": (5, HEURE)},
    "invitation": {"ip": (60, HEURE), "compte": (30, HEURE)},
    "fichier": {"ip": (200, HEURE), "compte": (100, HEURE)},
    "export": {"ip": (60, HEURE), "compte": (30, HEURE)},
    # Codes of the second factor, on top of django-otp's growing delay after each wrong code.
    "second_facteur": {"ip": (100, HEURE), "compte": (10, 15 * 60)},
}
# At most this many invitations per structure and per day, whoever sends them.
INVITATIONS_PAR_JOUR_ET_STRUCTURE = env.int("INVITATIONS_PAR_JOUR_ET_STRUCTURE", default=20)

LANGUAGE_CODE = "fr"
# Django's French wording where an installed app's catalog (djangorestframework's) words the
# same message differently: locale/ outranks every app.
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are private: they live outside the static tree and are only
# served by views that check permissions. There is no MEDIA_URL on purpose.
MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "prive")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
TAILLE_MAX_PIECE = env.int("TAILLE_MAX_PIECE", default=20 * 1024 * 1024)
# What an office document (a ZIP container) may hold once decompressed.
TAILLE_MAX_DECOMPRESSEE = env.int("TAILLE_MAX_DECOMPRESSEE", default=100 * 1024 * 1024)
# clamd's Unix socket: every upload is scanned there before it is stored.
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default=str(BASE_DIR / "var" / "clamav" / "clamd.sock"))
CLAMD_DELAI = env.int("CLAMD_DELAI", default=30)

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="CPER Nord–Pas-de-Calais <ne-pas-repondre@cper.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must fail fast when Redis is down: the side effect is already in the outbox
# (cper.effets) and the beat job hands it over again, so a web request never waits for the broker.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 0.5}
# Queues by weight: PDFs and exports go to `lourd`, consumed by workers of their own, so that a
# séance's relevé or a big export never delays an e-mail or a notification (default queue).
# The outbox (cper.effets) routes its rows by these same routes.
CELERY_TASK_DEFAULT_QUEUE = "celery"
FILE_LOURDE = "lourd"
TACHES_LOURDES = [
    "dossiers.tasks.emettre_recepisse",  # the récépissé's PDF
    "instruction.tasks.generer_rapport_instruction",
    "instruction.tasks.generer_courrier",  # the guichet's letters to the porteur
    "gouvernance.tasks.convoquer",  # the agenda's PDF, then the convocations
    "gouvernance.tasks.cloturer",  # the relevé de décisions
    "gouvernance.tasks.produire_export",  # CSV and XLSX of the dashboards
    "execution.tasks.produire_acte",  # the act's PDF, then the porteur's notice
]
CELERY_TASK_ROUTES = {tache: {"queue": FILE_LOURDE} for tache in TACHES_LOURDES}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Files stored while the antivirus was unreachable are scanned again.
    "televersement-analyser-quarantaine": {
        "task": "cper.televersement.tasks.analyser_quarantaine",
        "schedule": crontab(minute="*/5"),
    },
    # The outbox: hand over again the side effects a broker or worker outage left undone.
    "cper-relancer-effets": {
        "task": "cper.tasks.relancer_effets",
        "schedule": 60.0,
    },
    # Reminders to porteurs of requests for complements (J-7 and on the day).
    "instruction-relancer-complements": {
        "task": "instruction.tasks.relancer_complements",
        "schedule": crontab(hour=8, minute=0),
    },
    # Acts' deadlines: warnings 60 days ahead, caducité proposed to the agents once passed.
    "execution-surveiller-echeances": {
        "task": "execution.tasks.surveiller_echeances",
        "schedule": crontab(hour=7, minute=30),
    },
    # Dashboard exports are kept seven days, then their files are deleted.
    "gouvernance-supprimer-exports": {
        "task": "gouvernance.tasks.supprimer_exports_anciens",
        "schedule": crontab(hour=3, minute=30),
    },
    # Webhooks: hand over again the deliveries whose next attempt is due.
    "api-relancer-livraisons": {
        "task": "api.tasks.relancer_livraisons",
        "schedule": 60.0,
    },
    # Open data: the files of the programmed projects, rewritten every night.
    "donnees-ouvertes-publier": {
        "task": "donnees_ouvertes.tasks.publier",
        "schedule": crontab(hour=4, minute=15),
    },
}

# Content-Security-Policy: scripts only from our origin and with the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *ORIGINES_PROCONNECT],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# django-dsfr marks the content it is given as safe unless told otherwise: messages and table
# cells quote what users typed. Intentional markup is built with format_html.
DSFR_CONTENT_IS_SAFE = False

# Wording of the State block and the service, shown in the header and in documents.
# Empty: the State's brand block of the day, from cper.appellations (PDFs use their own date's).
BLOC_MARQUE = env.str("BLOC_MARQUE", default="")
NOM_SERVICE = env.str("NOM_SERVICE", default="CPER Nord–Pas-de-Calais")
SOUS_TITRE_SERVICE = env.str("SOUS_TITRE_SERVICE", default="Contrat de plan État-région 2015-2020")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The legal pages: who hosts the service, and where people write about accessibility and
# personal data (the operator sets the real ones; the defaults are the publisher's own).
HEBERGEUR = env.str(
    "HEBERGEUR",
    default=(
        "Préfecture de la région Hauts-de-France, secrétariat général pour les affaires "
        "régionales, 12-14 rue Jean sans Peur, 59039 Lille Cedex (serveurs de l'éditeur, en "
        "France)"
    ),
)
CONTACT_ACCESSIBILITE = env.str(
    "CONTACT_ACCESSIBILITE", default="accessibilite.cper@hauts-de-france.gouv.fr"
)
CONTACT_DPO = env.str("CONTACT_DPO", default="dpd@hauts-de-france.gouv.fr")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports each rendering step at INFO; only its problems matter.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Lifetime of the links sent by e-mail (seconds): sign-up confirmation, invitation to a structure.
DUREE_LIEN_INSCRIPTION = env.int("DUREE_LIEN_INSCRIPTION", default=3 * 24 * 3600)
DUREE_INVITATION = env.int("DUREE_INVITATION", default=14 * 24 * 3600)

# Séances: the share of the voting members (présidence and members, not the secretariat) who
# must be present for the séance to decide; half by default (« la moitié au moins »).
QUORUM_SEANCE = env.float("QUORUM_SEANCE", default=0.5)
# Avis: two proposed amounts for one financeur diverge when they are apart by more than this
# share of the larger one (percent).
AVIS_ECART_MONTANTS_POURCENT = env.float("AVIS_ECART_MONTANTS_POURCENT", default=10.0)

# Health: /sante/vivant/ is public and cheap; /sante/ (database, Redis, worker, clamd) answers
# only its token (header "Authorization: Bearer …" or "X-Sante-Jeton") or the internal networks,
# and computes its answer at most once every few seconds.
SANTE_JETON = env.str("SANTE_JETON", default="")
RESEAUX_INTERNES = env.list("RESEAUX_INTERNES", default=["127.0.0.1/32", "::1/128"])
SANTE_CACHE_SECONDES = env.float("SANTE_CACHE_SECONDES", default=5.0)

# Webhooks (api/): each delivery signed (Standard Webhooks), retried after 1, 2, 4… minutes.
# In production only https, and never a private, loopback or link-local address (SSRF).
WEBHOOKS_HTTPS_SEULEMENT = env.bool("WEBHOOKS_HTTPS_SEULEMENT", default=True)
WEBHOOKS_ADRESSES_PRIVEES = env.bool("WEBHOOKS_ADRESSES_PRIVEES", default=False)
# Seconds to connect, then to wait for each part of the answer.
WEBHOOKS_DELAI = env.float("WEBHOOKS_DELAI", default=5.0)
# Attempts of one delivery before it is abandoned; failures in a row before a subscription is
# disabled (about a day with the backoff) and its owner told.
WEBHOOKS_TENTATIVES_MAX = env.int("WEBHOOKS_TENTATIVES_MAX", default=12)
WEBHOOKS_ECHECS_AVANT_DESACTIVATION = env.int("WEBHOOKS_ECHECS_AVANT_DESACTIVATION", default=12)

# Open data: the public directory the nightly job writes to, served at /donnees-ouvertes/.
DONNEES_OUVERTES_ROOT = env.path(
    "DONNEES_OUVERTES_ROOT", default=BASE_DIR / "var" / "donnees-ouvertes"
)

# REST API (api/v1/): personal tokens (Bearer) or the site's session, one JSON error shape,
# cursor pagination, throttling per token (counted in the default cache, see api/v1/limites.py).
API_JETONS_MAX = env.int("API_JETONS_MAX", default=10)  # valid tokens per person
API_JETON_DUREE_MAX_JOURS = env.int("API_JETON_DUREE_MAX_JOURS", default=365)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.v1.authentification.JetonAuthentication",
        # A signed-in browser (the documentation's « Try it out »); CSRF applies to writes.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.v1.pagination.Curseur",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.v1.limites.ParJeton",
        "api.v1.limites.EcrituresParJeton",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "jeton": env.str("API_LIMITE", default="600/min"),
        "jeton_ecriture": env.str("API_LIMITE_ECRITURES", default="60/min"),
    },
    "EXCEPTION_HANDLER": "api.v1.erreurs.gerer_exception",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API du CPER Nord–Pas-de-Calais",
    "DESCRIPTION": (
        "Les dossiers, leur plan de financement, leur historique, les avis, les décisions et la "
        "maquette du contrat, dans le périmètre de la personne qui détient le jeton : exactement "
        "ce qu'elle voit à l'écran. Jeton personnel à créer depuis « Mon compte », à envoyer "
        "dans l'en-tête `Authorization: Bearer <jeton>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No deep links: Swagger UI puts them inside each operation's button (nested interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {"EtatDossierEnum": "dossiers.enums.EtatDossier"},
}
