from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html

from cper.televersement.reponses import servir_fichier
from cper.vues import DEJA_EFFECTUEE, DEJA_FAIT, deja_effectuee
from dossiers.acces import VOIR, dossier_du_porteur_ou_404, dossier_ou_404
from dossiers.completude import completude
from dossiers.enums import EtatDossier
from dossiers.forms.depot import DepotForm, RetraitForm
from dossiers.models import Dossier
from dossiers.selectors.porteur import ETATS_RETIRABLES
from dossiers.services.depot import DepotRefuse, dossier_deposer, dossier_retirer, guichets_proposes

from .porteur import fil_d_ariane


def _dossier_du_porteur_ou_404(user, pk) -> Dossier:
    """A dossier of one of the user's structures; agents and outsiders get 404."""
    return dossier_du_porteur_ou_404(user, pk, queryset=Dossier.objects.select_related("structure"))


def aupres(guichet, conjoint) -> str:
    if conjoint is None:
        return f"du guichet « {guichet} »"
    return f"des guichets « {guichet} » et « {conjoint} »"


def deposer(request: HttpRequest, pk: int) -> HttpResponse:
    """Show what still prevents the dépôt, or let the porteur choose the guichet and confirm."""
    dossier = _dossier_du_porteur_ou_404(request.user, pk)
    if dossier.etat != EtatDossier.BROUILLON:
        messages.info(request, "Ce dossier a déjà été déposé.")
        return redirect("dossiers:detail", pk=dossier.pk)
    guichets, suggere = guichets_proposes(dossier)
    form = DepotForm(request.POST or None, guichets=guichets, suggere=suggere)
    etat = completude(dossier.pk)
    if request.method == "POST" and etat.complet and form.is_valid():
        try:
            dossier = dossier_deposer(
                dossier=dossier,
                par=request.user,
                guichet=form.cleaned_data["guichet"],
                guichet_conjoint=form.cleaned_data["guichet_conjoint"],
            )
        except DEJA_FAIT:
            return deja_effectuee(request, "dossiers:detail", pk=dossier.pk)
        except DepotRefuse as refus:
            if refus.completude is not None:
                etat = refus.completude
            else:
                form.add_error("guichet", str(refus))
        else:
            messages.success(
                request,
                format_html(
                    "Votre dossier a été déposé auprès {} sous le numéro {}. Le "
                    "récépissé de dépôt vous sera envoyé par courriel dans quelques minutes ; "
                    "vous pourrez aussi le télécharger ci-dessous.",
                    aupres(dossier.guichet, form.cleaned_data["guichet_conjoint"]),
                    dossier.numero,
                ),
            )
            return redirect("dossiers:detail", pk=dossier.pk)
    return render(
        request,
        "dossiers/deposer.html",
        {
            "title": f"Déposer le dossier « {dossier.intitule} »",
            "dossier": dossier,
            "form": form,
            "completude": etat,
            "sections": [s for s in etat.sections() if s["manques"]],
            "breadcrumb_data": fil_d_ariane(dossier, "Déposer le dossier"),
        },
    )


def recepisse(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the récépissé de dépôt, for whoever may see the dossier."""
    dossier = dossier_ou_404(
        request.user, pk, VOIR, queryset=Dossier.objects.select_related("recepisse")
    )
    recu = getattr(dossier, "recepisse", None)
    if recu is None:
        messages.info(
            request,
            "Le récépissé de dépôt est en préparation. Il vous est aussi envoyé par courriel.",
        )
        return redirect("dossiers:detail", pk=dossier.pk)
    return servir_fichier(recu.fichier, nom=recu.nom_fichier, type_mime="application/pdf")


def retirer(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for confirmation, then withdraw the dossier for good."""
    dossier = _dossier_du_porteur_ou_404(request.user, pk)
    if dossier.etat not in ETATS_RETIRABLES:
        messages.info(request, "Ce dossier ne peut plus être retiré.")
        return redirect("dossiers:detail", pk=dossier.pk)
    form = RetraitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier_retirer(dossier=dossier, par=request.user, motif=form.cleaned_data["motif"])
        except DEJA_FAIT:
            messages.warning(request, DEJA_EFFECTUEE)
        else:
            messages.success(request, "Votre dossier a été retiré.")
        return redirect("dossiers:detail", pk=dossier.pk)
    return render(
        request,
        "dossiers/retirer.html",
        {
            "title": f"Retirer le dossier « {dossier.intitule} »",
            "dossier": dossier,
            "form": form,
            "breadcrumb_data": fil_d_ariane(dossier, "Retirer le dossier"),
        },
    )
