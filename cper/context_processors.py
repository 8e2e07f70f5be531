from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from cper.comptes.enums import Role
from cper.comptes.roles import roles_de

# django-dsfr's templates read this object; a plain dict spares a query per page.
_SITE_CONFIG = {
    "site_title": settings.NOM_SERVICE,
    "site_tagline": settings.SOUS_TITRE_SERVICE,
    "header_brand_html": mark_safe(settings.BLOC_MARQUE),  # noqa: S308 - operator setting
    "footer_brand_html": mark_safe(settings.BLOC_MARQUE),  # noqa: S308 - operator setting
    "footer_description": (
        "Service de dépôt, d'instruction conjointe et de programmation des projets du "
        "Contrat de plan État-région Nord–Pas-de-Calais 2015-2020."
    ),
    "get_accessibility_status_display": "partiellement",
    "mourning": False,
}

ESPACES = [
    (Role.PORTEUR, "Mes dossiers", "dossiers:index"),
    (Role.AGENT_GUICHET, "Guichet", "instruction:index"),
    (Role.INSTRUCTEUR, "Instruction", "instruction:index"),
    (Role.MEMBRE_PILOTAGE, "Pilotage", "gouvernance:pilotage"),
    (Role.MEMBRE_PILOTAGE, "Séances", "gouvernance:seances"),
    (Role.MEMBRE_CONCERTATION, "Mon territoire", "gouvernance:territoire"),
    (Role.ADMINISTRATEUR, "Administration", "admin:index"),
]


def espaces_de(user) -> list[dict]:
    """The spaces a user may enter, in menu order, without duplicates."""
    roles = roles_de(user)
    espaces, vus = [], set()
    for role, libelle, nom_url in ESPACES:
        if role in roles and (libelle, nom_url) not in vus:
            vus.add((libelle, nom_url))
            espaces.append({"libelle": libelle, "url": reverse(nom_url), "role": role})
    return espaces


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
