from django.urls import path

from .views import depot, porteur, provisoire

app_name = "dossiers"

urlpatterns = [
    path("", porteur.index, name="index"),
    # --- depot ---
    path("<int:pk>/", porteur.detail, name="detail"),
    path("<int:pk>/deposer/", depot.deposer, name="deposer"),
    path("<int:pk>/recepisse/", depot.recepisse, name="recepisse"),
    path("<int:pk>/retirer/", depot.retirer, name="retirer"),
    # --- provisoire: pages built on the other branches of issue 4; drop this block at merge ---
    path("nouveau/", provisoire.a_venir, name="creer"),
    path("<int:pk>/modifier/<str:section>/", provisoire.a_venir, name="modifier"),
    path("<int:pk>/pieces/", provisoire.a_venir, name="pieces"),
    path(
        "<int:pk>/pieces/<int:piece_pk>/telecharger/",
        provisoire.a_venir,
        name="piece_telecharger",
    ),
    path("structures/", provisoire.a_venir, name="structures"),
    # --- end provisoire ---
]
