from django.urls import path

from .views import depot, edition, pieces, porteur, structures

app_name = "dossiers"

urlpatterns = [
    path("", porteur.index, name="index"),
    # --- structures ---
    path("structures/", structures.liste, name="structures"),
    path("structures/nouvelle/", structures.creer, name="structure_creer"),
    path("structures/rejoindre/", structures.rejoindre, name="structure_rejoindre"),
    path("structures/<int:pk>/", structures.detail, name="structure"),
    path(
        "structures/<int:pk>/demandes/<int:demande_pk>/decider/",
        structures.decider_adhesion,
        name="structure_decider_adhesion",
    ),
    path("structures/<int:pk>/modifier/", structures.modifier, name="structure_modifier"),
    path("structures/<int:pk>/inviter/", structures.inviter, name="structure_inviter"),
    path(
        "structures/<int:pk>/membres/<int:membre_pk>/retirer/",
        structures.retirer_membre,
        name="structure_retirer_membre",
    ),
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

# --- depot ---
urlpatterns += [
    path("<int:pk>/", porteur.detail, name="detail"),
    path("<int:pk>/deposer/", depot.deposer, name="deposer"),
    path("<int:pk>/recepisse/", depot.recepisse, name="recepisse"),
    path("<int:pk>/retirer/", depot.retirer, name="retirer"),
]
