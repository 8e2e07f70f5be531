"""The one way a private file leaves the server."""

import logging

from django.http import FileResponse, Http404

from .enums import StatutAntivirus

logger = logging.getLogger(__name__)


def servir_fichier(
    champ, *, nom: str, type_mime: str, statut_antivirus: str = StatutAntivirus.SAIN
) -> FileResponse:
    """An attachment, never rendered by the browser, never cached; 404 when not available.

    The caller has checked that the user may see the file (404 outside scope). A file waiting
    for its antivirus analysis is served to nobody; a file missing on disk is logged.
    """
    if statut_antivirus != StatutAntivirus.SAIN:
        raise Http404("Ce fichier est en cours d'analyse antivirus : réessayez plus tard.")
    if not champ:
        raise Http404("Fichier introuvable.")
    try:
        flux = champ.open("rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        logger.error("Fichier absent du stockage : %s (%s)", champ.name, nom)
        raise Http404("Fichier introuvable.") from None
    reponse = FileResponse(flux, as_attachment=True, filename=nom, content_type=type_mime)
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Cache-Control"] = "private, no-store"
    return reponse
