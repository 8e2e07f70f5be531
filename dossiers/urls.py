from django.urls import path

from .views import pieces, porteur, structures

app_name = "dossiers"

urlpatterns = [
    path("", porteur.index, name="index"),
    # --- structures ---
    path("structures/", structures.liste, name="structures"),
    path("structures/nouvelle/", structures.creer, name="structure_creer"),
    path("structures/<int:pk>/", structures.detail, name="structure"),
    path("structures/<int:pk>/modifier/", structures.modifier, name="structure_modifier"),
    path("structures/<int:pk>/inviter/", structures.inviter, name="structure_inviter"),
    path("invitations/<str:jeton>/", structures.accepter_invitation, name="invitation_accepter"),
    # --- pieces ---
    path("<int:pk>/pieces/", pieces.liste, name="pieces"),
    path(
        "<int:pk>/pieces/<int:piece_pk>/telecharger/",
        pieces.telecharger,
        name="piece_telecharger",
    ),
    path(
        "<int:pk>/pieces/<int:piece_pk>/remplacer/",
        pieces.remplacer,
        name="piece_remplacer",
    ),
    path(
        "<int:pk>/pieces/<int:piece_pk>/supprimer/",
        pieces.supprimer,
        name="piece_supprimer",
    ),
]
