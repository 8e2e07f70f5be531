from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from cper.forms import parametre_texte
from cper.limites import limiter

from . import proconnect, services
from . import second_facteur as facteur
from .extensions import blocs_compte
from .forms import (
    CodeApplicationForm,
    CodeSecondFacteurForm,
    ConfirmationInscriptionForm,
    ConnexionForm,
    InscriptionForm,
)
from .roles import roles_de

# The session key holding the TOTP secret being enrolled (not a secret itself).
CLE_SECRET_EN_COURS = "second_facteur_cle"  # noqa: S105


class Connexion(auth_views.LoginView):
    """E-mail and password for everyone; the ProConnect button for agents once configured."""

    authentication_form = ConnexionForm
    template_name = "comptes/connexion.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title="Connexion", proconnect=proconnect.proconnect_actif(), **kwargs
        )


@method_decorator(login_not_required, name="dispatch")
class ConnexionProConnect(OIDCAuthenticationRequestView):
    """To the provider's authorization endpoint, with state and nonce kept in the session."""

    def dispatch(self, request, *args, **kwargs):
        if not proconnect.proconnect_actif():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class RetourProConnect(proconnect.RetourProConnect):
    def dispatch(self, request, *args, **kwargs):
        if not proconnect.proconnect_actif():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


@login_not_required
def proconnect_deconnecte(request: HttpRequest) -> HttpResponse:
    """Where ProConnect sends the browser back after ending its own session."""
    if proconnect.deconnexion_authentique(parametre_texte(request.GET, "state", longueur_max=500)):
        messages.success(request, "Vous êtes déconnecté de ce service et de ProConnect.")
    return redirect(settings.LOGOUT_REDIRECT_URL)


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


def _suite(request: HttpRequest) -> str:
    """Where to go once the second factor is given: the page asked for, if it is ours."""
    suite = request.POST.get("next") or request.GET.get("next") or ""
    if isinstance(suite, str) and url_has_allowed_host_and_scheme(
        suite, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return suite
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _codes(request: HttpRequest, codes: list[str], suite: str) -> HttpResponse:
    """The recovery codes, shown this once (the answer is never cached: signed-in pages)."""
    return render(
        request,
        "comptes/codes_secours.html",
        {"title": "Vos codes de secours", "codes": codes, "suite": suite},
    )


@never_cache
@limiter("second_facteur")
def verifier_second_facteur(request: HttpRequest) -> HttpResponse:
    """The code asked after the password (or a ProConnect login without its own second factor)."""
    if facteur.facteur_verifie(request):
        return redirect(_suite(request))
    if not facteur.a_un_second_facteur(request.user):
        if facteur.second_facteur_requis(request.user):
            return redirect(
                f"{resolve_url('comptes:second_facteur_activer')}?{request.GET.urlencode()}"
            )
        return redirect(_suite(request))
    form = CodeSecondFacteurForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            secours = facteur.second_facteur_verifier(
                request=request, code=form.cleaned_data["code"]
            )
        except facteur.CodeInvalide as refus:
            form.add_error("code", refus.message)
        else:
            if secours:
                restants = facteur.codes_restants(request.user)
                messages.warning(
                    request,
                    f"Vous vous êtes connecté avec un code de secours, désormais inutilisable ; "
                    f"il vous en reste {restants}. Vous pouvez en générer de nouveaux depuis "
                    "la page « Mon compte ».",
                )
            return redirect(_suite(request))
    return render(
        request,
        "comptes/second_facteur.html",
        {"title": "Vérification en deux étapes", "form": form, "next": _suite(request)},
    )


@never_cache
@limiter("second_facteur")
def activer_second_facteur(request: HttpRequest) -> HttpResponse:
    """Enrolment: the QR code and the secret in text, then the first code confirms it."""
    user = request.user
    if facteur.application_de(user) is not None:
        return redirect(f"{resolve_url('comptes:second_facteur')}?{request.GET.urlencode()}")
    if not facteur.second_facteur_requis(user):
        return redirect(_suite(request))
    cle = request.session.get(CLE_SECRET_EN_COURS)
    if not isinstance(cle, str):
        cle = request.session[CLE_SECRET_EN_COURS] = facteur.nouvelle_cle()
    appareil = facteur.appareil_provisoire(user, cle)
    form = CodeApplicationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = facteur.second_facteur_activer(
                request=request, cle=cle, code=form.cleaned_data["code"]
            )
        except facteur.CodeInvalide as refus:
            form.add_error("code", refus.message)
        else:
            del request.session[CLE_SECRET_EN_COURS]
            return _codes(request, codes, _suite(request))
    secret = b32encode(appareil.bin_key).decode()
    return render(
        request,
        "comptes/second_facteur_activer.html",
        {
            "title": "Activer la vérification en deux étapes",
            "form": form,
            "next": _suite(request),
            "qr_code": segno.make(appareil.config_url, error="m").svg_data_uri(scale=5),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


@never_cache
@require_POST
@limiter("second_facteur")
def regenerer_codes_secours(request: HttpRequest) -> HttpResponse:
    form = CodeApplicationForm(request.POST)
    if form.is_valid():
        try:
            codes = facteur.codes_secours_regenerer(request=request, code=form.cleaned_data["code"])
        except facteur.CodeInvalide as refus:
            messages.error(request, refus.message)
        else:
            return _codes(request, codes, resolve_url("comptes:compte"))
    else:
        messages.error(request, "Saisissez le code à 6 chiffres affiché par votre application.")
    return redirect("comptes:compte")


def compte(request: HttpRequest) -> HttpResponse:
    """The signed-in person's account: identity, roles, password, second factor, ProConnect."""
    user = request.user
    requis = facteur.second_facteur_requis(user)
    application = facteur.application_de(user)
    return render(
        request,
        "comptes/compte.html",
        {
            "title": "Mon compte",
            "roles": sorted(role.label for role in roles_de(user)),
            "second_facteur_requis": requis,
            "application": application,
            "codes_restants": facteur.codes_restants(user) if application else 0,
            "form_codes": CodeApplicationForm(),
            "proconnect": proconnect.proconnect_actif(),
            "blocs": blocs_compte(request),
        },
    )
