import logging

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cper.celery import app as celery_app
from cper.context_processors import espaces_de

logger = logging.getLogger(__name__)


@login_not_required
def accueil(request: HttpRequest) -> HttpResponse:
    """Public home; a signed-in user with a single role goes straight to its first space."""
    if request.user.is_authenticated:
        espaces = espaces_de(request.user)
        if len({espace["role"] for espace in espaces}) == 1:
            return redirect(espaces[0]["url"])
        return render(request, "cper/accueil_connecte.html", {"title": "Accueil"})
    return render(request, "cper/accueil.html", {"title": "Accueil"})


@login_not_required
def accessibilite(request: HttpRequest) -> HttpResponse:
    return render(request, "cper/accessibilite.html", {"title": "Déclaration d'accessibilité"})


@login_not_required
def mentions_legales(request: HttpRequest) -> HttpResponse:
    return render(request, "cper/mentions_legales.html", {"title": "Mentions légales"})


@login_not_required
def donnees_personnelles(request: HttpRequest) -> HttpResponse:
    return render(
        request, "cper/donnees_personnelles.html", {"title": "Données personnelles et cookies"}
    )


def _etat_base() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _etat_redis() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _etat_worker() -> str:
    reponses = celery_app.control.ping(timeout=1.0)
    if not reponses:
        raise RuntimeError("aucun worker Celery n'a répondu")
    return f"ok ({len(reponses)})"


@login_not_required
@never_cache
@require_GET
def sante(request: HttpRequest) -> JsonResponse:
    """Health of the database, the broker and the workers: 200 when all answer, else 503."""
    controles = {"base": _etat_base, "redis": _etat_redis, "worker": _etat_worker}
    etats: dict[str, str] = {}
    for nom, controle in controles.items():
        if nom == "worker" and etats.get("redis") != "ok":
            etats[nom] = "indisponible : courtier injoignable"
            continue
        try:
            etats[nom] = controle()
        except Exception as exc:
            logger.warning("Contrôle de santé %s en échec : %s", nom, exc)
            etats[nom] = f"indisponible : {exc.__class__.__name__}"
    ok = all(etat.startswith("ok") for etat in etats.values())
    return JsonResponse({"statut": "ok" if ok else "degrade", **etats}, status=200 if ok else 503)


def erreur_403(request, exception=None):
    return render(request, "403.html", {"title": "Accès refusé"}, status=403)


def erreur_404(request, exception=None):
    return render(request, "404.html", {"title": "Page non trouvée"}, status=404)


def erreur_500(request):
    return render(request, "500.html", {"title": "Erreur inattendue"}, status=500)
