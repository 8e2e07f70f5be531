"""Warm what Django loads lazily, once, before gunicorn forks its workers (`--preload`).

Without it each worker pays on its first request for the URL conf and its views' imports, the
translation catalogues, the templates' compilation and the template tags: 0.4 s on this
machine, several seconds on a busy one. Done in the master, the work is shared by every worker
(copy-on-write). No database connection may survive into the forks: they are closed here.
Last, what is loaded is frozen out of the garbage collector's reach (`ramasse_miettes`).
"""

import gc
import io
import logging
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)

# Public pages rendered once through the whole stack (middleware, context processors, DSFR).
PAGES_PUBLIQUES = ["/", "/comptes/connexion/"]


def _gabarits() -> int:
    """Compile every template of the project's folders into the cached loader."""
    n = 0
    for dossier in settings.TEMPLATES[0]["DIRS"]:
        for chemin in Path(dossier).rglob("*"):
            if chemin.suffix not in (".html", ".txt"):
                continue
            try:
                get_template(str(chemin.relative_to(dossier)))
                n += 1
            except (TemplateDoesNotExist, TemplateSyntaxError):
                logger.warning("Gabarit non préchargé : %s", chemin)
    return n


def _pages(application) -> None:
    hote = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".").replace("*", "localhost")
    for chemin in PAGES_PUBLIQUES:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": chemin,
            "SERVER_NAME": hote,
            "SERVER_PORT": "443",
            "HTTP_HOST": hote,
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(),
            "HTTP_X_FORWARDED_PROTO": "https",
        }
        for _ in application(environ, lambda statut, entetes, exc_info=None: None):
            pass


# Allocations between two passes of the collector over the youngest objects (Python's
# default: 700). A page allocates tens of thousands of objects that reference counting frees;
# at 700 the collector ran dozens of times per page, over every object still alive.
SEUIL_RAMASSE_MIETTES = 50_000


def ramasse_miettes() -> None:
    """The objects loaded so far (modules, URL conf, compiled templates: long-lived) moved out
    of the collector's reach (`gc.freeze`, as Python's documentation advises before a fork:
    the workers also keep sharing their memory pages), and the youngest generation collected
    every `SEUIL_RAMASSE_MIETTES` allocations. At 100,000 dossiers the collector took
    0.5–0.8 ms of the heaviest pages (6–8 ms) and nothing of a bare one."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(SEUIL_RAMASSE_MIETTES, *gc.get_threshold()[1:])


def rechauffer(application) -> None:
    """Best effort: a failure here is logged and never keeps the server from starting."""
    try:
        get_resolver().url_patterns  # noqa: B018 - imports every urls and views module
        get_resolver()._populate()
        with translation.override(settings.LANGUAGE_CODE):
            _gabarits()
            _pages(application)
    except Exception:
        logger.exception("Préchauffage incomplet")
    finally:
        connections.close_all()
        ramasse_miettes()
