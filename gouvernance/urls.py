from django.urls import path

from gouvernance.views import accueil, concertation, instances, seances, tableaux

app_name = "gouvernance"

urlpatterns = [
    path("", accueil.index, name="index"),
    path("pilotage/", tableaux.pilotage, name="pilotage"),
    path("pilotage/enveloppes/", tableaux.enveloppes, name="enveloppes"),
    path(
        "pilotage/export/<slug:tableau>.<slug:format_>",
        tableaux.pilotage_export,
        name="pilotage_export",
    ),
    path("exports/<int:pk>/", tableaux.export, name="export"),
    path("exports/<int:pk>/fichier", tableaux.export_fichier, name="export_fichier"),
    path("territoire/", tableaux.territoire, name="territoire"),
    path(
        "territoire/export/<slug:tableau>.<slug:format_>",
        tableaux.territoire_export,
        name="territoire_export",
    ),
    path(
        "territoire/dossiers/<int:pk>/",
        tableaux.territoire_dossier,
        name="territoire_dossier",
    ),
    path("territoire/seances/", concertation.seances, name="concertation_seances"),
    path(
        "territoire/seances/nouvelle/",
        concertation.nouvelle_seance,
        name="concertation_nouvelle_seance",
    ),
    path("territoire/seances/<int:pk>/", concertation.seance, name="concertation_seance"),
    path("territoire/seances/<int:pk>/clore/", concertation.clore, name="concertation_clore"),
    path("seances/", seances.seances, name="seances"),
    path("seances/nouvelle/", seances.nouvelle_seance, name="nouvelle_seance"),
    path("seances/<int:pk>/", seances.seance, name="seance"),
    path("seances/<int:pk>/convoquer/", seances.convoquer, name="convoquer"),
    path("seances/<int:pk>/points/<int:point_pk>/decision/", seances.decider, name="decider"),
    path(
        "seances/<int:pk>/programmer-restants/",
        seances.programmer_restants,
        name="programmer_restants",
    ),
    path("seances/<int:pk>/clore/", seances.clore, name="clore"),
    path("seances/<int:pk>/releve.pdf", seances.releve, name="releve"),
    path("seances/<int:pk>/simulation/", seances.simulation, name="simulation"),
    path("seances/<int:pk>/presences/", instances.presences, name="presences"),
    path("instances/<slug:type_>/membres/", instances.membres, name="membres"),
    path(
        "instances/<slug:type_>/membres/ajouter/", instances.membre_ajouter, name="membre_ajouter"
    ),
    path("instances/membres/<int:pk>/retirer/", instances.membre_retirer, name="membre_retirer"),
    path("interets/", instances.interets, name="interets"),
    path("interets/<int:pk>/retirer/", instances.interet_retirer, name="interet_retirer"),
]
