from django.urls import path

from . import views, views_tableaux

app_name = "gouvernance"

urlpatterns = [
    path("", views.index, name="index"),
    path("pilotage/", views_tableaux.pilotage, name="pilotage"),
    path(
        "pilotage/export/<slug:tableau>.<slug:format_>",
        views_tableaux.pilotage_export,
        name="pilotage_export",
    ),
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
]
