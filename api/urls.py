from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("jetons/nouveau/", views.jeton_creer_vue, name="jeton_creer"),
    path("jetons/<int:pk>/revoquer/", views.jeton_revoquer_vue, name="jeton_revoquer"),
]
