from django.urls import path

from . import views, views_seances, views_tableaux

app_name = "gouvernance"

urlpatterns = [
    path("", views.index, name="index"),
    path("pilotage/", views_tableaux.pilotage, name="pilotage"),
    path(
        "pilotage/export/<slug:tableau>.<slug:format_>",
        views_tableaux.pilotage_export,
        name="pilotage_export",
    ),
    path("exports/<int:pk>/", views_tableaux.export, name="export"),
    path("exports/<int:pk>/fichier", views_tableaux.export_fichier, name="export_fichier"),
    path("territoire/", views_tableaux.territoire, name="territoire"),
    path(
        "territoire/export/<slug:tableau>.<slug:format_>",
        views_tableaux.territoire_export,
        name="territoire_export",
    ),
    path(
        "territoire/dossiers/<int:pk>/",
        views_tableaux.territoire_dossier,
        name="territoire_dossier",
    ),
    path("seances/", views_seances.seances, name="seances"),
    path("seances/nouvelle/", views_seances.nouvelle_seance, name="nouvelle_seance"),
    path("seances/<int:pk>/", views_seances.seance, name="seance"),
    path("seances/<int:pk>/convoquer/", views_seances.convoquer, name="convoquer"),
    path("seances/<int:pk>/points/<int:point_pk>/decision/", views_seances.decider, name="decider"),
    path(
        "seances/<int:pk>/programmer-restants/",
        views_seances.programmer_restants,
        name="programmer_restants",
    ),
    path("seances/<int:pk>/clore/", views_seances.clore, name="clore"),
    path("seances/<int:pk>/releve.pdf", views_seances.releve, name="releve"),
    path("seances/<int:pk>/simulation/", views_seances.simulation, name="simulation"),
]
