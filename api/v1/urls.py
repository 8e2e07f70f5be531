from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from django.views.decorators.cache import cache_control
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import erreurs, views

app_name = "api_v1"


def ouvert(vue):
    """The API answers 401 itself (JSON): the site's login redirect does not apply.

    No cache keeps an answer: it was computed for the token's owner (the site's middleware only
    sees signed-in browsers).
    """
    return login_not_required(cache_control(private=True, no_store=True)(vue.as_view()))


class Documentation(SpectacularSwaggerSplitView):
    # Our template moves Swagger UI's inline style to a static file (the CSP allows no inline).
    template_name = "api/documentation.html"
    url_name = "api_v1:schema"
    title = "API du CPER Nord–Pas-de-Calais — version 1"


urlpatterns = [
    path("dossiers/", ouvert(views.Dossiers), name="dossiers"),
    path("dossiers/<int:pk>/", ouvert(views.DossierDetail), name="dossier"),
    path("dossiers/<int:pk>/historique/", ouvert(views.Historique), name="historique"),
    path("dossiers/<int:pk>/avis/", ouvert(views.AvisDuDossier), name="avis"),
    path("dossiers/<int:pk>/decisions/", ouvert(views.Decisions), name="decisions"),
    path("dossiers/<int:pk>/actes/", ouvert(views.Actes), name="actes"),
    path("versements/", ouvert(views.Versements), name="versements"),
    path("versements/<int:pk>/mandater/", ouvert(views.Mandater), name="mandater"),
    path("maquette/", ouvert(views.Maquette), name="maquette"),
    path("schema/", ouvert(SpectacularAPIView), name="schema"),
    path("documentation/", ouvert(Documentation), name="documentation"),
    re_path(r"^.*$", login_not_required(erreurs.introuvable)),
]
