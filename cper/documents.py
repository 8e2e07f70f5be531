"""PDF rendering shared by every app: a Django template in, PDF bytes out (WeasyPrint)."""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.db import connections
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from cper.appellations import au

logger = logging.getLogger(__name__)


class RessourceRefusee(ValueError):
    """A PDF asked for something other than one of the project's static files."""


def _chemin_statique(url: str) -> Path | None:
    """The static file a `file:` URL names — `/static/…` or a path inside a static folder."""
    chemin = unquote(urlsplit(url).path)
    if chemin.startswith(settings.STATIC_URL):
        relatif = chemin.removeprefix(settings.STATIC_URL)
    else:
        absolu = Path(chemin).resolve()
        racines = [
            Path(str(r[1] if isinstance(r, tuple) else r)) for r in settings.STATICFILES_DIRS
        ]
        relatif = next(
            (
                str(absolu.relative_to(racine.resolve()))
                for racine in racines
                if absolu.is_relative_to(racine.resolve())
            ),
            None,
        )
    if not relatif:
        return None
    try:
        trouve = finders.find(relatif)
    except SuspiciousFileOperation:
        return None
    return Path(trouve) if trouve else None


class RecuperateurStatique(URLFetcher):
    """WeasyPrint's fetcher for our PDFs: the project's static files by path, nothing else.

    A PDF never opens a network connection (no http, https, ftp: no request forged from the
    server, no tracking of who renders what) nor reads a file outside the static folders (no
    `file:///etc/passwd` slipped in a template or a text). `data:` URLs are allowed: they carry
    their bytes inline, so reading them fetches nothing; what they contain (an SVG that points
    elsewhere) comes back through this same fetcher.
    """

    def __init__(self):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        schema = urlsplit(url).scheme.lower()
        if schema == "data":
            return super().fetch(url, headers)
        chemin = _chemin_statique(url) if schema == "file" else None
        if chemin is None:
            logger.warning("Ressource refusée dans un PDF : %s", url[:200])
            raise RessourceRefusee(f"Ressource refusée : {url[:200]}")
        type_mime = mimetypes.guess_type(chemin.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            chemin.as_uri(), chemin.read_bytes(), headers={"Content-Type": type_mime}
        )


def rendre_pdf(template_name: str, context: dict | None = None, *, le=None) -> bytes:
    """`le`: the document's date, whose appellation the brand block bears (today when None)."""
    contexte = {"bloc_marque": settings.BLOC_MARQUE or au(le).bloc_marque, **(context or {})}
    html = render_to_string(template_name, contexte)
    return HTML(
        string=html,
        base_url=f"{Path(settings.BASE_DIR).as_uri()}/",
        url_fetcher=RecuperateurStatique(),
    ).write_pdf()


def rechauffer() -> None:
    """WeasyPrint's fonts and the PDF base template, once per worker (0.4 s on the first PDF)."""
    try:
        rendre_pdf("cper/pdf/specimen.html", {"date": timezone.now(), "montant": 0})
    except Exception:
        logger.exception("Préchauffage des documents incomplet")
    finally:
        connections.close_all()
