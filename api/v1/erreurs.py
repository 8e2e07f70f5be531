"""Every error of the API in one JSON shape, in French:

    {"erreur": {"statut": 404, "code": "introuvable", "message": "…", "champs": {…}}}

`champs` is there for validation errors only: field name → list of messages.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)

MESSAGES = {
    exceptions.NotAuthenticated: (
        "non_authentifie",
        "Authentification requise : envoyez votre jeton dans l'en-tête "
        "« Authorization: Bearer <jeton> ».",
    ),
    exceptions.PermissionDenied: ("interdit", "Vous n'avez pas accès à cette ressource."),
    exceptions.NotFound: ("introuvable", "Ressource introuvable."),
    exceptions.MethodNotAllowed: ("methode_non_autorisee", "Méthode non autorisée."),
    exceptions.UnsupportedMediaType: ("format_non_pris_en_charge", "Format non pris en charge."),
    exceptions.NotAcceptable: ("format_non_disponible", "Format de réponse non disponible."),
}


def corps(statut: int, code: str, message: str, champs=None) -> dict:
    erreur = {"statut": statut, "code": code, "message": message}
    if champs is not None:
        erreur["champs"] = champs
    return {"erreur": erreur}


def _champs(detail):
    """DRF's nested validation errors as {field: [messages]}; non-field ones under `general`."""
    if isinstance(detail, dict):
        return {
            ("general" if cle == "non_field_errors" else cle): (
                _champs(valeur)
                if isinstance(valeur, dict)
                else [str(v) for v in valeur]
                if isinstance(valeur, list)
                else [str(valeur)]
            )
            for cle, valeur in detail.items()
        }
    if isinstance(detail, list):
        return {"general": [str(v) for v in detail]}
    return {"general": [str(detail)]}


def gerer_exception(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied | PermissionError):
        exc = exceptions.PermissionDenied()
    reponse = exception_handler(exc, context)
    if reponse is None:
        return None  # an unexpected error: Django's 500, logged as usual
    if isinstance(exc, exceptions.ValidationError):
        donnees = corps(reponse.status_code, "invalide", "Données invalides.", _champs(exc.detail))
    elif isinstance(exc, exceptions.Throttled):
        attente = exc.wait or 1
        donnees = corps(
            429, "trop_de_requetes", f"Trop de requêtes : réessayez dans {int(attente)} s."
        )
    elif isinstance(exc, exceptions.AuthenticationFailed):
        donnees = corps(reponse.status_code, "jeton_invalide", str(exc.detail))
    elif isinstance(exc, exceptions.ParseError):
        donnees = corps(400, "requete_illisible", "Corps de requête illisible (JSON attendu).")
    else:
        code, message = next(
            (v for k, v in MESSAGES.items() if isinstance(exc, k)),
            ("erreur", str(getattr(exc, "detail", "Erreur."))),
        )
        if isinstance(exc, exceptions.PermissionDenied) and exc.detail != exc.default_detail:
            message = str(exc.detail)  # the view said why, in French
        donnees = corps(reponse.status_code, code, message)
    reponse.data = donnees
    return reponse


def reponse_erreur(statut: int, code: str, message: str, champs=None) -> Response:
    return Response(corps(statut, code, message, champs), status=statut)


def introuvable(request, *args, **kwargs):
    """An address under /api/v1/ that names no endpoint: a JSON 404 too, not the HTML page."""
    return JsonResponse(
        corps(404, "introuvable", "Aucun point d'accès à cette adresse."),
        status=status.HTTP_404_NOT_FOUND,
    )
