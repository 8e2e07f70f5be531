from django.urls import path

from .views import edition, porteur, provisoire_edition

app_name = "dossiers"

urlpatterns = [
    path("", porteur.index, name="index"),
]

# --- edition ---
urlpatterns += [
    path("nouveau/", edition.creer, name="creer"),
    path("<int:pk>/modifier/<slug:section>/", edition.modifier, name="modifier"),
    path(
        "<int:pk>/communes/suggestions/",
        edition.communes_suggestions,
        name="communes_suggestions",
    ),
    path("<int:pk>/communes/ajouter/", edition.commune_ajouter, name="commune_ajouter"),
    path(
        "<int:pk>/communes/<int:commune_pk>/retirer/",
        edition.commune_retirer,
        name="commune_retirer",
    ),
    path("<int:pk>/totaux/", edition.totaux, name="totaux"),
]

# --- provisoire (form): stand-ins for the pages of other branches; drop at merge ---
urlpatterns += [
    path("<int:pk>/", provisoire_edition.detail, name="detail"),
    path("<int:pk>/pieces/", provisoire_edition.pieces, name="pieces"),
    path("<int:pk>/deposer/", provisoire_edition.deposer, name="deposer"),
    path("structures/nouvelle/", provisoire_edition.structure_creer, name="structure_creer"),
]
