"""Séances of the instance de concertation, held for one territory.

The territory's members see its séances and their minutes; its présidence and secretariat open
them, record the observations on the territory's dossiers, and close the minutes (403 for the
others). A séance of another territory answers 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role
from cper.vues import DEJA_FAIT, deja_effectuee
from gouvernance.enums import EtatSeance
from gouvernance.forms.instances import ObservationSeanceForm
from gouvernance.forms.seances import SeanceForm
from gouvernance.perimetres import mandat_concertation
from gouvernance.selectors import concertation as selectors
from gouvernance.services import concertation as services


def _mandat(request):
    mandat = mandat_concertation(request.user)
    if mandat is None or mandat.territoire is None:
        raise Http404("Aucun territoire.")
    return mandat


@role_requis(Role.MEMBRE_CONCERTATION)
def seances(request: HttpRequest) -> HttpResponse:
    mandat = _mandat(request)
    return render(
        request,
        "gouvernance/concertation/seances.html",
        {
            "title": "Séances de l'instance de concertation",
            "territoire": mandat.territoire,
            "seances": selectors.seances_du_territoire(mandat),
            "anime": selectors.anime(mandat),
        },
    )


@role_requis(Role.MEMBRE_CONCERTATION)
def nouvelle_seance(request: HttpRequest) -> HttpResponse:
    mandat = _mandat(request)
    if not selectors.anime(mandat):
        raise PermissionDenied
    form = SeanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        seance = services.seance_concertation_creer(
            mandat=mandat, date=form.cleaned_data["date"], lieu=form.cleaned_data["lieu"]
        )
        messages.success(
            request, "La séance est ouverte : son ordre du jour suit les dossiers du territoire."
        )
        return redirect("gouvernance:concertation_seance", seance.pk)
    return render(
        request,
        "gouvernance/concertation/nouvelle.html",
        {"title": "Nouvelle séance de concertation", "form": form, "territoire": mandat.territoire},
    )


@role_requis(Role.MEMBRE_CONCERTATION)
def seance(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda (the territory's dossiers under consideration) and the minutes."""
    mandat = _mandat(request)
    seance = selectors.seance_du_territoire_ou_404(mandat, pk)
    anime = selectors.anime(mandat)
    ouverte = seance.etat != EtatSeance.CLOSE
    form = ObservationSeanceForm(request.POST or None, auto_id="id_envoye_%s")
    if request.method == "POST":
        if not anime:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.observation_seance_enregistrer(
                    mandat=mandat,
                    seance=seance,
                    dossier_pk=form.cleaned_data["dossier"],
                    texte=form.cleaned_data["texte"],
                )
            except DEJA_FAIT:
                return deja_effectuee(request, "gouvernance:concertation_seance", seance.pk)
            messages.success(request, "L'observation est consignée au compte rendu.")
            return redirect("gouvernance:concertation_seance", seance.pk)
    dossiers = selectors.ordre_du_jour(seance, mandat)
    if anime and ouverte:
        for dossier in dossiers:
            # One form per dossier, its own ids; the one just sent keeps its errors.
            envoye = form.is_bound and form.data.get("dossier") == str(dossier.pk)
            dossier.form = (
                form
                if envoye
                else ObservationSeanceForm(
                    initial={"dossier": dossier.pk}, auto_id=f"id_{dossier.pk}_%s"
                )
            )
            dossier.form.fields[
                "texte"
            ].label = f"Observation de l'instance sur le dossier {dossier.numero}"
    return render(
        request,
        "gouvernance/concertation/seance.html",
        {
            "title": f"Séance de concertation du {seance.date:%d/%m/%Y}",
            "seance": seance,
            "dossiers": dossiers,
            "affiches": selectors.DOSSIERS_AFFICHES,
            "anime": anime and ouverte,
            "form": form,
        },
    )


@role_requis(Role.MEMBRE_CONCERTATION)
@require_POST
def clore(request: HttpRequest, pk: int) -> HttpResponse:
    mandat = _mandat(request)
    seance = selectors.seance_du_territoire_ou_404(mandat, pk)
    try:
        services.seance_concertation_clore(mandat=mandat, seance=seance)
    except DEJA_FAIT:
        return deja_effectuee(request, "gouvernance:concertation_seance", seance.pk)
    messages.success(request, "La séance est close : son compte rendu est arrêté.")
    return redirect("gouvernance:concertation_seance", seance.pk)
