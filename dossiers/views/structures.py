"""Structures porteuses: mine, create, change, invite colleagues, accept an invitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from stdnum.fr import siret as stdnum_siret

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role
from cper.limites import limiter
from dossiers.forms.structures import InvitationForm, StructureForm
from dossiers.models import Structure
from dossiers.services import structures as services


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
    if request.method == "POST" and form.has_error("siret", "unique"):
        # Not a dead end: whoever entered an existing SIRET may ask to join the structure.
        return redirect(
            reverse("dossiers:structure_rejoindre")
            + "?"
            + urlencode({"siret": stdnum_siret.compact(str(form.data.get("siret", "")))})
        )
    if request.method == "POST" and form.is_valid():
        structure = services.structure_creer(par=request.user, structure=form.instance)
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


@role_requis(Role.PORTEUR)
def rejoindre(request: HttpRequest) -> HttpResponse:
    """The SIRET typed belongs to a structure already here: ask to join it."""
    siret = stdnum_siret.compact(str(request.GET.get("siret", "")))[:14]
    structure = Structure.objects.select_related("commune").filter(siret=siret).first()
    if structure is None or not siret:
        raise Http404("Structure introuvable")
    if structure.adhesions.filter(user=request.user).exists():
        return redirect("dossiers:structure", pk=structure.pk)
    if request.method == "POST":
        services.structure_demander_adhesion(structure=structure, par=request.user)
        messages.success(
            request,
            "Votre demande est envoyée aux administrateurs de la structure. Vous recevrez un "
            "courriel dès qu'elle sera acceptée ou refusée.",
        )
        return redirect("dossiers:structures")
    return render(
        request,
        "dossiers/structure_rejoindre.html",
        {
            "structure": structure,
            "en_cours": structure.demandes_adhesion.filter(
                demandeur=request.user, decidee_le__isnull=True
            ).exists(),
            "title": "Cette structure est déjà enregistrée",
            "breadcrumb_data": _fil_d_ariane("Rejoindre une structure"),
        },
    )


@require_POST
def decider_adhesion(request: HttpRequest, pk: int, demande_pk: int) -> HttpResponse:
    """An administrator accepts or refuses a request to join the structure."""
    structure = structure_ou_404(request.user, pk, administrateur=True)
    demande = get_object_or_404(services.demandes_adhesion_en_cours(structure), pk=demande_pk)
    accepter = request.POST.get("decision") == "accepter"
    try:
        services.structure_decider_adhesion(demande=demande, par=request.user, accepter=accepter)
    except services.AdhesionImpossible as refus:
        messages.warning(request, str(refus))
    else:
        messages.success(
            request,
            f"La demande de {demande.demandeur.email} est "
            + ("acceptée." if accepter else "refusée ; la personne en est informée."),
        )
    return redirect("dossiers:structure", pk=structure.pk)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    structure = structure_ou_404(request.user, pk)
    membres = structure.adhesions.select_related("user").order_by("user__email")
    invitations = (
        services.invitations_en_cours_de(structure) if structure.est_administrateur else []
    )
    demandes = (
        services.demandes_adhesion_en_cours(structure) if structure.est_administrateur else []
    )
    return render(
        request,
        "dossiers/structure.html",
        {
            "structure": structure,
            "membres": membres,
            "invitations": invitations,
            "demandes": demandes,
            "title": structure.raison_sociale,
            "breadcrumb_data": _fil_d_ariane(structure.raison_sociale),
        },
    )


def modifier(request: HttpRequest, pk: int) -> HttpResponse:
    structure = structure_ou_404(request.user, pk, administrateur=True)
    form = StructureForm(request.POST if request.method == "POST" else None, instance=structure)
    if request.method == "POST" and form.is_valid():
        services.structure_modifier(structure=form.instance, par=request.user)
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


@limiter("invitation")
def inviter(request: HttpRequest, pk: int) -> HttpResponse:
    structure = structure_ou_404(request.user, pk, administrateur=True)
    form = InvitationForm(request.POST if request.method == "POST" else None, structure=structure)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.structure_inviter(
                structure=structure,
                par=request.user,
                email=form.cleaned_data["email"],
                administrateur=form.cleaned_data["administrateur"],
            )
        except services.InvitationRefusee as refus:
            form.add_error(None, str(refus))
        else:
            messages.success(
                request,
                format_html(
                    "L'invitation est enregistrée ; elle partira par courriel à {} dans quelques "
                    "minutes.",
                    invitation.email,
                ),
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


def retirer_membre(request: HttpRequest, pk: int, membre_pk: int) -> HttpResponse:
    """An administrator removes a member, after a confirmation page."""
    structure = structure_ou_404(request.user, pk, administrateur=True)
    membre = get_object_or_404(structure.adhesions.select_related("user"), pk=membre_pk)
    if request.method == "POST":
        try:
            services.structure_retirer_membre(structure=structure, par=request.user, membre=membre)
        except services.RetraitImpossible as refus:
            messages.error(request, str(refus))
            return redirect("dossiers:structure", pk=structure.pk)
        if membre.user_id == request.user.pk:
            messages.success(request, f"Vous avez quitté la structure « {structure} ».")
            return redirect("dossiers:structures")
        messages.success(
            request, f"{membre.user.email} n'est plus membre de la structure « {structure} »."
        )
        return redirect("dossiers:structure", pk=structure.pk)
    return render(
        request,
        "dossiers/structure_retirer_membre.html",
        {
            "structure": structure,
            "membre": membre,
            "title": "Retirer un membre",
            "breadcrumb_data": _fil_d_ariane("Retirer un membre", structure),
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
            services.invitation_accepter(invitation=invitation, par=request.user)
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
