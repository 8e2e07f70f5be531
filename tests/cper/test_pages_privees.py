"""Signed-in pages and downloads are never kept by a browser or a proxy cache."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from cper.middleware import PagesPriveesMiddleware

pytestmark = pytest.mark.django_db


def test_une_page_connectee_n_est_pas_mise_en_cache(client, porteur):
    client.force_login(porteur)
    reponse = client.get(reverse("dossiers:index"))
    assert reponse.status_code == 200
    assert {"private", "no-store"} <= _directives(reponse)


def test_la_page_qui_suit_la_connexion_non_plus(client, porteur):
    from tests.factories import MOT_DE_PASSE

    reponse = client.post(
        reverse("comptes:connexion"), {"username": porteur.email, "password": MOT_DE_PASSE}
    )
    assert reponse.status_code == 302
    assert {"private", "no-store"} <= _directives(reponse)


def test_une_page_publique_pour_un_anonyme_garde_sa_politique(client):
    reponse = client.get(reverse("accessibilite"))
    assert reponse.status_code == 200
    assert "no-store" not in reponse.get("Cache-Control", "")


def test_une_politique_publique_explicite_est_respectee(porteur):
    def vue(request):
        reponse = HttpResponse("logo")
        reponse["Cache-Control"] = "public, max-age=3600"
        return reponse

    requete = RequestFactory().get("/")
    requete.user = porteur
    assert PagesPriveesMiddleware(vue)(requete)["Cache-Control"] == "public, max-age=3600"


def _directives(reponse) -> set[str]:
    return {d.strip().split("=")[0] for d in reponse.get("Cache-Control", "").split(",")}
