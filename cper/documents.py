"""PDF rendering shared by every app: a Django template in, PDF bytes out (WeasyPrint)."""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML


def rendre_pdf(template_name: str, context: dict | None = None) -> bytes:
    contexte = {"bloc_marque": settings.BLOC_MARQUE, **(context or {})}
    html = render_to_string(template_name, contexte)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
