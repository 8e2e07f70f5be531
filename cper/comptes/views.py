from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from cper.forms import parametre_texte
from cper.limites import limiter

from . import services
from .forms import ConfirmationInscriptionForm, InscriptionForm


@login_not_required
@never_cache
@limiter("inscription")
def inscription(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accueil")
    form = InscriptionForm(
        request.POST if request.method == "POST" else None,
        initial={"email": parametre_texte(request.GET, "email", longueur_max=254)},
    )
    if request.method == "POST" and form.is_valid():
        services.porteur_inscrire(
            email=form.cleaned_data["email"],
            prenom=form.cleaned_data["first_name"],
            nom=form.cleaned_data["last_name"],
            mot_de_passe=form.cleaned_data["password1"],
        )
        request.session["inscription_email"] = form.cleaned_data["email"].lower()
        return redirect("comptes:inscription_envoyee")
    return render(
        request, "comptes/inscription.html", {"form": form, "title": "Créer un compte porteur"}
    )


@login_not_required
def inscription_envoyee(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "comptes/inscription_envoyee.html",
        {"title": "Confirmez votre adresse", "email": request.session.get("inscription_email")},
    )


@login_not_required
@never_cache
def confirmer_inscription(request: HttpRequest, jeton: str) -> HttpResponse:
    """GET shows a button, POST activates: a link pre-fetched by a mail filter confirms nothing."""
    try:
        user = services.compte_du_jeton(jeton)
    except services.LienInvalide:
        return render(
            request,
            "comptes/confirmer_inscription.html",
            {"title": "Lien de confirmation invalide", "valide": False},
            status=400,
        )
    if not services.en_attente_de_confirmation(user):
        messages.info(request, "Votre adresse est déjà confirmée : vous pouvez vous connecter.")
        return redirect("comptes:connexion")
    form = ConfirmationInscriptionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.inscription_confirmer(user=user, mot_de_passe=form.cleaned_data["password"])
        except services.MotDePasseDifferent:
            form.add_error(
                "password",
                "Ce mot de passe n'est pas celui de la dernière inscription faite avec cette "
                "adresse. Si vous n'êtes pas l'auteur de cette inscription, recommencez "
                "l'inscription : seule la dernière compte.",
            )
        else:
            messages.success(
                request, "Votre adresse est confirmée. Connectez-vous pour commencer votre dossier."
            )
            return redirect("comptes:connexion")
    return render(
        request,
        "comptes/confirmer_inscription.html",
        {"title": "Confirmer votre adresse", "valide": True, "compte": user, "form": form},
    )
