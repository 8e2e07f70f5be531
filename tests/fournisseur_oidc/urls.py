from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def session(request):
    """Who the provider's session belongs to (the tests check it is gone after logout)."""
    return HttpResponse(f"<h1>Session du fournisseur : {request.user.username}</h1>")


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("session/", session),
]
