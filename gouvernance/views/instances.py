"""Members of the instances, their declared interests, the attendance of a séance.

The members of the instance de pilotage see who sits in both instances; its secretariat seats
and removes them (403 for the others: the composition is no secret). Each member of either
instance declares their own interests.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role
from cper.vues import DEJA_FAIT, deja_effectuee
from gouvernance.enums import EtatSeance, TypeInstance
from gouvernance.forms.instances import InteretForm, MembreForm, PresencesForm
from gouvernance.models import DeclarationInteret, MembreInstance
from gouvernance.selectors import instances as selectors
from gouvernance.selectors import seances as selectors_seances
from gouvernance.services import instances as services


def _ajouter_erreurs(form, erreur: ValidationError) -> None:
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, liste)
    else:
        form.add_error(None, erreur)


@role_requis(Role.MEMBRE_PILOTAGE)
def membres(request: HttpRequest, type_: str) -> HttpResponse:
    instance = selectors.instance_du_type_ou_404(type_)
    liste = list(selectors.membres(instance))
    for membre in liste:
        membre.siege = selectors.siege(membre)
    return render(
        request,
        "gouvernance/instances/membres.html",
        {
            "title": f"Membres — {instance.nom}",
            "instance": instance,
            "membres": liste,
            "autre": TypeInstance.CONCERTATION
            if instance.type == TypeInstance.PILOTAGE
            else TypeInstance.PILOTAGE,
            "secretariat": selectors_seances.est_secretariat(request.user),
        },
    )


@role_requis(Role.MEMBRE_PILOTAGE)
def membre_ajouter(request: HttpRequest, type_: str) -> HttpResponse:
    instance = selectors.instance_du_type_ou_404(type_)
    if not selectors_seances.est_secretariat(request.user):
        raise PermissionDenied
    form = MembreForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            membre = services.membre_ajouter(
                par=request.user,
                instance=instance,
                user=form.user,
                role=donnees["role"],
                financeur=donnees.get("financeur"),
                departement=donnees.get("departement"),
                epci=donnees.get("epci"),
                pole=donnees.get("pole"),
            )
        except ValidationError as erreur:
            _ajouter_erreurs(form, erreur)
        else:
            messages.success(
                request,
                format_html(
                    "{} siège désormais : {}.",
                    membre.user.get_full_name() or membre.user.email,
                    selectors.siege(membre),
                ),
            )
            return redirect("gouvernance:membres", instance.type)
    return render(
        request,
        "gouvernance/instances/membre_ajouter.html",
        {"title": f"Ajouter un membre — {instance.nom}", "instance": instance, "form": form},
    )


@role_requis(Role.MEMBRE_PILOTAGE)
def membre_retirer(request: HttpRequest, pk: int) -> HttpResponse:
    if not selectors_seances.est_secretariat(request.user):
        raise PermissionDenied
    membre = get_object_or_404(MembreInstance.objects.select_related("user", "instance"), pk=pk)
    if request.method == "POST":
        try:
            services.membre_retirer(par=request.user, membre=membre)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(
                request,
                format_html(
                    "{} ne siège plus à l'{}.",
                    membre.user.get_full_name() or membre.user.email,
                    membre.instance.nom[0].lower() + membre.instance.nom[1:],
                ),
            )
        return redirect("gouvernance:membres", membre.instance.type)
    return render(
        request,
        "gouvernance/instances/membre_retirer.html",
        {"title": "Retirer un membre", "membre": membre, "siege": selectors.siege(membre)},
    )


@role_requis(Role.MEMBRE_PILOTAGE, Role.MEMBRE_CONCERTATION)
def interets(request: HttpRequest) -> HttpResponse:
    """The member's own declaration of interests, and the form to add one."""
    membre = MembreInstance.objects.filter(user=request.user).exists()
    form = InteretForm(request.POST or None)
    if request.method == "POST":
        if not membre:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.interet_declarer(
                    par=request.user,
                    nature=form.cleaned_data["nature"],
                    fonction=form.cleaned_data["fonction"],
                    **form.objet,
                )
            except ValidationError as erreur:
                _ajouter_erreurs(form, erreur)
            else:
                messages.success(request, "Votre déclaration d'intérêts est enregistrée.")
                return redirect("gouvernance:interets")
    return render(
        request,
        "gouvernance/instances/interets.html",
        {
            "title": "Ma déclaration d'intérêts",
            "interets": selectors.interets(request.user),
            "form": form,
            "membre": membre,
        },
    )


@role_requis(Role.MEMBRE_PILOTAGE, Role.MEMBRE_CONCERTATION)
@require_POST
def interet_retirer(request: HttpRequest, pk: int) -> HttpResponse:
    # Another member's declaration answers 404, like one that does not exist.
    declaration = get_object_or_404(DeclarationInteret, pk=pk, user=request.user)
    services.interet_retirer(par=request.user, declaration=declaration)
    messages.success(request, "Cet intérêt est retiré de votre déclaration.")
    return redirect("gouvernance:interets")


@role_requis(Role.MEMBRE_PILOTAGE)
def presences(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance sheet of a convoked séance: who is present, who presides."""
    seance = selectors_seances.seance_ou_404(request.user, pk)
    if not seance.secretariat:
        raise PermissionDenied
    if seance.etat != EtatSeance.CONVOQUEE:
        return deja_effectuee(request, "gouvernance:seance", seance.pk)
    membres_ = list(selectors.membres(seance.instance_id))
    deja = {str(p.user_id) for p in seance.presences.all()}
    form = PresencesForm(
        request.POST or None,
        membres=membres_,
        initial={
            "presents": sorted(deja),
            "presidee_par": str(seance.presidee_par_id or ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            seance = services.presences_enregistrer(
                seance=seance,
                par=request.user,
                presents=form.utilisateurs_presents(),
                presidee_par=form.presidence(),
            )
        except DEJA_FAIT:
            return deja_effectuee(request, "gouvernance:seance", seance.pk)
        except ValidationError as erreur:
            _ajouter_erreurs(form, erreur)
        else:
            quorum = selectors.quorum(seance)
            if quorum.atteint:
                messages.success(
                    request,
                    f"Les présences sont enregistrées : le quorum est atteint "
                    f"({quorum.presents} membres votants présents sur {quorum.votants}).",
                )
            else:
                messages.warning(request, "Les présences sont enregistrées. " + quorum.message())
            return redirect("gouvernance:seance", seance.pk)
    return render(
        request,
        "gouvernance/seances/presences.html",
        {
            "title": f"Présences — {seance}",
            "seance": seance,
            "form": form,
            "quorum": selectors.quorum(seance),
        },
    )
