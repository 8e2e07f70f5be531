from django.urls import path

from donnees_ouvertes import views

app_name = "donnees_ouvertes"

urlpatterns = [
    path("", views.index, name="index"),
    path("fichiers/<str:nom>", views.fichier, name="fichier"),
]
