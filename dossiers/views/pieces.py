"""Pièces of a dossier: list and upload, download, replace, delete. 404 outside scope."""

import contextlib
import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache

from cper.comptes.enums import Role
from cper.limites import limiter
from cper.televersement.forms import designer_deposant
from cper.televersement.reponses import servir_fichier
from dossiers.acces import MODIFIER, VOIR, dossier_ou_404, peut_modifier
from dossiers.completude import pieces_obligatoires
from dossiers.enums import TypePiece
from dossiers.forms.pieces import PieceForm, RemplacementForm
from dossiers.models import Dossier, Piece
from dossiers.services import pieces as services

logger = logging.getLogger(__name__)


def _dossier(request: HttpRequest, pk) -> Dossier:
    """Reading needs VOIR; any change (a POST) needs MODIFIER. Both answer 404 outside scope."""
    perm = MODIFIER if request.method == "POST" else VOIR
    return dossier_ou_404(
        request.user, pk, perm, queryset=Dossier.objects.select_related("structure")
    )


def _donnees(request: HttpRequest) -> tuple:
    """Bind the form on a POST even when it carries nothing but a file."""
    if request.method == "POST":
        return (request.POST, request.FILES)
    return (None, None)


def _piece_ou_404(dossier: Dossier, piece_pk) -> Piece:
    return get_object_or_404(Piece, pk=piece_pk, dossier=dossier)


def _fil_d_ariane(request: HttpRequest, dossier: Dossier, *etapes: str) -> dict:
    liens = []
    if request.user.a_le_role(Role.PORTEUR):
        liens.append({"url": reverse("dossiers:index"), "title": "Mes dossiers"})
    # The dossier page belongs to the dépôt work, merged separately.
    with contextlib.suppress(NoReverseMatch):
        liens.append(
            {"url": reverse("dossiers:detail", args=[dossier.pk]), "title": dossier.intitule}
        )
    if etapes:
        liens.append({"url": reverse("dossiers:pieces", args=[dossier.pk]), "title": "Pièces"})
        return {"links": liens, "current": etapes[0]}
    return {"links": liens, "current": "Pièces justificatives"}


def _lignes(dossier: Dossier, pieces: list[Piece], obligatoires: list[TypePiece]) -> list[dict]:
    """One row per type: mandatory ones first, then the optional types that hold a piece."""
    par_type: dict[str, list[Piece]] = {}
    for piece in pieces:
        par_type.setdefault(piece.type, []).append(piece)
    lignes = [
        {"type": t, "obligatoire": True, "pieces": par_type.get(t.value, [])} for t in obligatoires
    ]
    lignes += [
        {"type": t, "obligatoire": False, "pieces": par_type[t.value]}
        for t in TypePiece
        if t not in obligatoires and t.value in par_type
    ]
    return lignes


@limiter("fichier")
def liste(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    pieces = list(dossier.pieces.order_by("type", "created_at"))
    obligatoires = pieces_obligatoires(dossier.structure.categorie)
    presents = {p.type for p in pieces}
    manquantes = [t for t in obligatoires if t.value not in presents]
    # A POST already went through the MODIFIER fetch; a GET asks once.
    peut_ecrire = request.method == "POST" or peut_modifier(request.user, dossier)
    form = None
    if peut_ecrire and services.peut_ajouter_pieces(dossier):
        form = PieceForm(
            *_donnees(request),
            obligatoires=obligatoires,
            manquantes=manquantes,
        )
        designer_deposant(form, request.user)
    if request.method == "POST":
        if form is None:
            messages.error(
                request,
                f"Le dossier est « {dossier.get_etat_display()} » : "
                "on ne peut plus y ajouter de pièce.",
            )
            return redirect("dossiers:pieces", pk=dossier.pk)
        if form.is_valid():
            try:
                piece = services.piece_ajouter(
                    dossier=dossier,
                    par=request.user,
                    type_piece=form.cleaned_data["type_piece"],
                    fichier=form.cleaned_data["fichier"],
                )
            except services.PiecesVerrouillees as refus:
                messages.error(request, str(refus))
                return redirect("dossiers:pieces", pk=dossier.pk)
            messages.success(request, format_html("La pièce « {} » est jointe au dossier.", piece))
            return redirect("dossiers:pieces", pk=dossier.pk)
    return render(
        request,
        "dossiers/pieces.html",
        {
            "dossier": dossier,
            "lignes": _lignes(dossier, pieces, obligatoires),
            "manquantes": manquantes,
            "form": form,
            "peut_modifier": peut_ecrire and services.peut_modifier_pieces(dossier),
            "title": f"Pièces justificatives — {dossier.intitule}",
            "breadcrumb_data": _fil_d_ariane(request, dossier),
        },
    )


@never_cache
def telecharger(request: HttpRequest, pk: int, piece_pk: int) -> HttpResponse:
    dossier = dossier_ou_404(request.user, pk, VOIR)
    piece = _piece_ou_404(dossier, piece_pk)
    return servir_fichier(
        piece.fichier,
        nom=piece.nom_original,
        type_mime=piece.type_mime,
        statut_antivirus=piece.statut_antivirus,
    )


def _refus_si_verrouille(request: HttpRequest, dossier: Dossier) -> HttpResponse | None:
    if services.peut_modifier_pieces(dossier):
        return None
    messages.error(
        request,
        f"Le dossier est « {dossier.get_etat_display()} » : "
        "ses pièces ne peuvent plus être remplacées ni supprimées.",
    )
    return redirect("dossiers:pieces", pk=dossier.pk)


@limiter("fichier")
def remplacer(request: HttpRequest, pk: int, piece_pk: int) -> HttpResponse:
    dossier = dossier_ou_404(request.user, pk, MODIFIER)
    piece = _piece_ou_404(dossier, piece_pk)
    if refus := _refus_si_verrouille(request, dossier):
        return refus
    form = RemplacementForm(*_donnees(request))
    designer_deposant(form, request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.piece_remplacer(
                piece=piece, par=request.user, fichier=form.cleaned_data["fichier"]
            )
        except services.PiecesVerrouillees as refus:
            messages.error(request, str(refus))
            return redirect("dossiers:pieces", pk=dossier.pk)
        messages.success(
            request, format_html("La pièce « {} » est remplacée.", piece.get_type_display())
        )
        return redirect("dossiers:pieces", pk=dossier.pk)
    return render(
        request,
        "dossiers/piece_remplacer.html",
        {
            "dossier": dossier,
            "piece": piece,
            "form": form,
            "title": "Remplacer une pièce",
            "breadcrumb_data": _fil_d_ariane(request, dossier, "Remplacer une pièce"),
        },
    )


def supprimer(request: HttpRequest, pk: int, piece_pk: int) -> HttpResponse:
    dossier = dossier_ou_404(request.user, pk, MODIFIER)
    piece = _piece_ou_404(dossier, piece_pk)
    if refus := _refus_si_verrouille(request, dossier):
        return refus
    if request.method == "POST":
        try:
            services.piece_supprimer(piece=piece, par=request.user)
        except services.PiecesVerrouillees as refus:
            messages.error(request, str(refus))
            return redirect("dossiers:pieces", pk=dossier.pk)
        messages.success(request, format_html("La pièce « {} » est supprimée.", piece))
        return redirect("dossiers:pieces", pk=dossier.pk)
    return render(
        request,
        "dossiers/piece_supprimer.html",
        {
            "dossier": dossier,
            "piece": piece,
            "title": "Supprimer une pièce",
            "breadcrumb_data": _fil_d_ariane(request, dossier, "Supprimer une pièce"),
        },
    )
