"""Until a person who owes a second factor has given it, only its pages and logout answer."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from .second_facteur import a_un_second_facteur, facteur_verifie, second_facteur_requis

# The pages a signed-in person may reach before the second factor (namespace comptes).
PAGES_LIBRES = frozenset(
    {"second_facteur", "second_facteur_activer", "deconnexion", "proconnect_deconnecte"}
)


class SecondFacteurMiddleware:
    """Every other page, the admin site included, sends them to the code (or to enrolment
    when they have no application yet), then back where they were going."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or facteur_verifie(request):
            return None
        match = request.resolver_match
        if match.namespace == "comptes" and match.url_name in PAGES_LIBRES:
            return None
        if not second_facteur_requis(user):
            return None
        page = "second_facteur" if a_un_second_facteur(user) else "second_facteur_activer"
        suite = request.get_full_path() if request.method == "GET" else "/"
        return redirect(f"{reverse('comptes:' + page)}?{urlencode({'next': suite})}")
