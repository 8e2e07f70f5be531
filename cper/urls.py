from django.contrib import admin
from django.urls import include, path

from cper import views

admin.site.site_header = "Administration du CPER Nord–Pas-de-Calais"
admin.site.site_title = "Administration CPER"
admin.site.index_title = "Référentiel, comptes et rôles"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    path("mentions-legales/", views.mentions_legales, name="mentions_legales"),
    path("donnees-personnelles/", views.donnees_personnelles, name="donnees_personnelles"),
    path("notifications/", views.notifications, name="notifications"),
    path("sante/", views.sante, name="sante"),
    path("sante/vivant/", views.vivant, name="sante_vivant"),
    path("comptes/", include("cper.comptes.urls")),
    path("referentiel/", include("cper.referentiel.urls")),
    path("dossiers/", include("dossiers.urls")),
    path("instruction/", include("instruction.urls")),
    path("gouvernance/", include("gouvernance.urls")),
    path("execution/", include("execution.urls")),
    path("donnees-ouvertes/", include("donnees_ouvertes.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "cper.views.erreur_403"
handler404 = "cper.views.erreur_404"
handler500 = "cper.views.erreur_500"
