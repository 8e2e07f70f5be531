"""Temporary stand-ins for pages built on other branches (detail, pièces, dépôt, structures).

The form links to them by URL name; they are removed when those branches are merged.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..acces import dossier_ou_404


def _page(request, titre, dossier=None):
    return render(request, "dossiers/provisoire_edition.html", {"title": titre, "dossier": dossier})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_ou_404(request.user, pk)
    return _page(request, dossier.intitule, dossier)


def deposer(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, "Déposer le dossier", dossier_ou_404(request.user, pk))
