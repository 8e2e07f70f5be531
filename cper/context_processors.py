from django.conf import settings
from django.utils.safestring import mark_safe

from cper.appellations import au
from cper.espaces import espaces_de

# The brand block the operator set, or the one of the day (the region's name in force).
_BLOC_MARQUE = mark_safe(settings.BLOC_MARQUE or au().bloc_marque)  # noqa: S308 - ours
# django-dsfr's templates read this object; a plain dict spares a query per page.
_SITE_CONFIG = {
    "site_title": settings.NOM_SERVICE,
    "site_tagline": settings.SOUS_TITRE_SERVICE,
    "header_brand_html": _BLOC_MARQUE,
    "footer_brand_html": _BLOC_MARQUE,
    "footer_description": (
        "Service de dépôt, d'instruction conjointe et de programmation des projets du "
        "Contrat de plan État-région Nord–Pas-de-Calais 2015-2020."
    ),
    # RGAA: without an audit, a service declares itself « non conforme » (cper/accessibilite).
    "get_accessibility_status_display": "non",
    "mourning": False,
}


def site(request):
    # Evaluating the lazy nonce here puts it in the CSP header and makes django-dsfr's
    # script tags (which only test its truth) carry it.
    nonce = str(getattr(request, "csp_nonce", ""))
    return {
        "CSP_NONCE": nonce,
        "SITE_CONFIG": _SITE_CONFIG,
        "espaces": espaces_de(request.user) if hasattr(request, "user") else [],
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#fr-navigation", "label": "Menu"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }


def notifications(request):
    """The unread count shown in the header: kept on the person (cper.notifications), no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_non_lues": user.notifications_non_lues}
