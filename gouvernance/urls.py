from django.urls import path

from . import views

app_name = "gouvernance"

urlpatterns = [
    path("", views.index, name="index"),
]
