"""Structures porteuses: mine, create, change, invite colleagues, accept an invitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role

from ..forms.structures import InvitationForm, StructureForm
from ..models import Structure
from ..services import structures as services


def _fil_d_ariane(courant: str, structure: Structure | None = None) -> dict:
    liens = [{"url": reverse("dossiers:structures"), "title": "Mes structures"}]
    if structure is not None:
        liens.append(
            {"url": reverse("dossiers:structure", args=[structure.pk]), "title": str(structure)}
        )
    return {"links": liens, "current": courant}


def structure_ou_404(user, pk, *, administrateur: bool = False) -> Structure:
    """One structure the user belongs to (as administrator if asked), or 404."""
    try:
        structure = services.structures_de(user).get(pk=pk)
    except (Structure.DoesNotExist, ValueError, TypeError):
        raise Http404("Structure introuvable") from None
    if administrateur and not structure.est_administrateur:
        raise Http404("Structure introuvable")
    return structure


@role_requis(Role.PORTEUR)
def liste(request: HttpRequest) -> HttpResponse:
    structures = services.structures_de(request.user).order_by("raison_sociale")
    return render(
        request,
        "dossiers/structures.html",
        {"structures": structures, "title": "Mes structures"},
    )


@role_requis(Role.PORTEUR)
def creer(request: HttpRequest) -> HttpResponse:
    form = StructureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        structure = services.creer_structure(porteur=request.user, structure=form.instance)
        messages.success(
            request,
            format_html(
                "La structure « {} » est créée. Vous en êtes administrateur : vous pouvez "
                "y inviter vos collègues.",
                structure,
            ),
        )
        return redirect("dossiers:structure", pk=structure.pk)
    return render(
        request,
        "dossiers/structure_form.html",
        {
            "form": form,
            "title": "Nouvelle structure porteuse",
            "structure": None,
            "breadcrumb_data": _fil_d_ariane("Nouvelle structure"),
        },
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    structure = structure_ou_404(request.user, pk)
    membres = structure.adhesions.select_related("user").order_by("user__email")
    invitations = (
        services.invitations_en_cours_de(structure) if structure.est_administrateur else []
    )
    return render(
        request,
        "dossiers/structure.html",
        {
            "structure": structure,
            "membres": membres,
            "invitations": invitations,
            "title": structure.raison_sociale,
            "breadcrumb_data": _fil_d_ariane(structure.raison_sociale),
        },
    )


def modifier(request: HttpRequest, pk: int) -> HttpResponse:
    structure = structure_ou_404(request.user, pk, administrateur=True)
    form = StructureForm(request.POST if request.method == "POST" else None, instance=structure)
    if request.method == "POST" and form.is_valid():
        services.modifier_structure(structure=form.instance, par=request.user)
        messages.success(request, "Les informations de la structure sont enregistrées.")
        return redirect("dossiers:structure", pk=structure.pk)
    return render(
        request,
        "dossiers/structure_form.html",
        {
            "form": form,
            "title": f"Modifier « {structure} »",
            "structure": structure,
            "breadcrumb_data": _fil_d_ariane("Modifier", structure),
        },
    )


def inviter(request: HttpRequest, pk: int) -> HttpResponse:
    structure = structure_ou_404(request.user, pk, administrateur=True)
    form = InvitationForm(request.POST if request.method == "POST" else None, structure=structure)
    if request.method == "POST" and form.is_valid():
        invitation = services.inviter(
            structure=structure,
            par=request.user,
            email=form.cleaned_data["email"],
            administrateur=form.cleaned_data["administrateur"],
        )
        messages.success(
            request, format_html("Une invitation a été envoyée à {}.", invitation.email)
        )
        return redirect("dossiers:structure", pk=structure.pk)
    return render(
        request,
        "dossiers/structure_inviter.html",
        {
            "form": form,
            "structure": structure,
            "title": "Inviter un collègue",
            "breadcrumb_data": _fil_d_ariane("Inviter un collègue", structure),
        },
    )


@login_not_required
@never_cache
def accepter_invitation(request: HttpRequest, jeton: str) -> HttpResponse:
    invitation = services.invitation_du_jeton(jeton)
    contexte = {"invitation": invitation, "title": "Invitation à rejoindre une structure"}
    if invitation is None:
        contexte["title"] = "Invitation invalide"
        return render(request, "dossiers/invitation.html", contexte, status=400)
    if request.user.is_authenticated and request.method == "POST":
        try:
            services.accepter_invitation(invitation=invitation, user=request.user)
        except services.InvitationRefusee as refus:
            messages.error(request, str(refus))
            return redirect(request.path)
        messages.success(
            request, format_html("Vous avez rejoint la structure « {} ».", invitation.structure)
        )
        return redirect("dossiers:structure", pk=invitation.structure_id)
    contexte["url_connexion"] = (
        reverse("comptes:connexion") + "?" + urlencode({"next": request.path})
    )
    return render(request, "dossiers/invitation.html", contexte)
