"""The account's API tokens: create one (its secret shown once), revoke one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.forms import JetonForm
from api.models import JetonApi
from api.services.jetons import TropDeJetons, jeton_creer, jeton_revoquer


def bloc_compte(request) -> dict:
    """The « Jetons d'API » block of the « Mon compte » page (one query)."""
    return {
        "template": "api/includes/_jetons.html",
        "jetons": list(JetonApi.objects.filter(user=request.user, revoque_le__isnull=True)),
    }


@never_cache
def jeton_creer_vue(request: HttpRequest) -> HttpResponse:
    form = JetonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            jeton, secret = jeton_creer(
                par=request.user,
                nom=form.cleaned_data["nom"],
                duree_jours=form.cleaned_data["duree_jours"],
            )
        except TropDeJetons:
            form.add_error(
                None, "Vous avez déjà le nombre maximal de jetons valides : révoquez-en un."
            )
        else:
            return render(
                request,
                "api/jeton_cree.html",
                {"title": "Votre nouveau jeton d'API", "jeton": jeton, "secret": secret},
            )
    return render(request, "api/jeton_creer.html", {"title": "Créer un jeton d'API", "form": form})


@require_POST
def jeton_revoquer_vue(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        jeton = jeton_revoquer(par=request.user, jeton_pk=pk)
    except PermissionDenied:
        raise Http404("Jeton introuvable.") from None
    messages.success(request, f"Le jeton « {jeton.nom} » est révoqué : il ne fonctionne plus.")
    return redirect("comptes:compte")
