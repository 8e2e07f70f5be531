import datetime
import hmac
import ipaddress
import logging
import socket
import threading
import time

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cper.celery import app as celery_app
from cper.enums import EtatEffet
from cper.espaces import espaces_de
from cper.models import EffetDiffere, Notification
from cper.notifications import notifications_marquer_lues

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
    return render(
        request,
        "cper/accessibilite.html",
        {
            "title": "Déclaration d'accessibilité",
            "contact": settings.CONTACT_ACCESSIBILITE,
            "site_url": settings.SITE_URL,
        },
    )


@login_not_required
def mentions_legales(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cper/mentions_legales.html",
        {"title": "Mentions légales", "hebergeur": settings.HEBERGEUR},
    )


@login_not_required
def donnees_personnelles(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cper/donnees_personnelles.html",
        {"title": "Données personnelles et cookies", "contact_dpo": settings.CONTACT_DPO},
    )


def notifications(request: HttpRequest) -> HttpResponse:
    """The signed-in person's notices, newest first; a POST marks them all read."""
    if request.method == "POST":
        notifications_marquer_lues(par=request.user)
        messages.success(request, "Toutes les notifications sont marquées comme lues.")
        return redirect("notifications")
    page = Paginator(Notification.objects.filter(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "cper/notifications.html", {"title": "Notifications", "page_obj": page})


def _etat_base() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _etat_redis() -> str:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _etat_worker() -> str:
    reponses = celery_app.control.ping(timeout=0.5)
    if not reponses:
        raise RuntimeError("aucun worker Celery n'a répondu")
    return f"ok ({len(reponses)})"


def _etat_clamd() -> str:
    """Ping the antivirus daemon on its Unix socket (raw protocol), when one is configured."""
    chemin = getattr(settings, "CLAMD_SOCKET", None)
    if not chemin:
        return "ok (non configuré)"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(0.5)
        client.connect(str(chemin))
        client.sendall(b"zPING\0")
        reponse = client.recv(16)
    if not reponse.startswith(b"PONG"):
        raise RuntimeError(f"réponse inattendue de clamd : {reponse!r}")
    return "ok"


def _etat_effets() -> str:
    """Side effects overdue by more than ten minutes or given up: a worker or the beat is idle."""
    limite = timezone.now() - datetime.timedelta(minutes=10)
    en_retard = EffetDiffere.objects.filter(etat=EtatEffet.A_FAIRE, prochain_essai__lt=limite)
    en_echec = EffetDiffere.objects.filter(etat=EtatEffet.ECHEC)
    return f"ok ({en_retard.count()} en retard, {en_echec.count()} en échec)"


CONTROLES = {
    "base": _etat_base,
    "redis": _etat_redis,
    "worker": _etat_worker,
    "clamd": _etat_clamd,
    "effets": _etat_effets,
}
# The last readiness answer and when it was computed: a probe every second costs one check
# every few seconds, and only one request at a time waits for it.
_derniere_sante: dict = {"quand": float("-inf"), "statut": 503, "etats": {}}
_verrou_sante = threading.Lock()


def _controler() -> tuple[int, dict[str, str]]:
    etats: dict[str, str] = {}
    for nom, controle in CONTROLES.items():
        if nom == "worker" and etats.get("redis") != "ok":
            etats[nom] = "indisponible : courtier injoignable"
            continue
        if nom == "effets" and etats.get("base") != "ok":
            etats[nom] = "indisponible : base injoignable"
            continue
        try:
            etats[nom] = controle()
        except Exception as exc:
            logger.warning("Contrôle de santé %s en échec : %s", nom, exc)
            etats[nom] = f"indisponible : {exc.__class__.__name__}"
    ok = all(etat.startswith("ok") for etat in etats.values())
    return (200 if ok else 503), {"statut": "ok" if ok else "degrade", **etats}


def _etat_en_cache() -> tuple[int, dict[str, str]]:
    duree = settings.SANTE_CACHE_SECONDES
    if time.monotonic() - _derniere_sante["quand"] >= duree and _verrou_sante.acquire(
        blocking=_derniere_sante["quand"] == float("-inf")
    ):
        try:
            if time.monotonic() - _derniere_sante["quand"] >= duree:
                statut, etats = _controler()
                _derniere_sante.update(quand=time.monotonic(), statut=statut, etats=etats)
        finally:
            _verrou_sante.release()
    return _derniere_sante["statut"], _derniere_sante["etats"]


def _sonde_autorisee(request: HttpRequest) -> bool:
    """The readiness check answers its token, or an address of the internal networks."""
    jeton = settings.SANTE_JETON
    if jeton:
        entete = request.headers.get("Authorization", "")
        presente = request.headers.get("X-Sante-Jeton") or entete.removeprefix("Bearer ").strip()
        if presente and hmac.compare_digest(presente.encode(), jeton.encode()):
            return True
    try:
        adresse = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(adresse in reseau for reseau in _reseaux_internes())


def _reseaux_internes() -> list:
    return [ipaddress.ip_network(r, strict=False) for r in settings.RESEAUX_INTERNES]


@login_not_required
@never_cache
@require_GET
def vivant(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No database, no broker; public."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@login_not_required
@never_cache
@require_GET
def sante(request: HttpRequest) -> JsonResponse:
    """Readiness of the database, the broker, the workers and clamd: 200 when all answer, else
    503; for the probes only (token or internal network), 404 to anyone else."""
    if not _sonde_autorisee(request):
        raise Http404("Page non trouvée")
    statut, etats = _etat_en_cache()
    return JsonResponse(etats, status=statut)


def erreur_403(request, exception=None):
    return render(request, "403.html", {"title": "Accès refusé"}, status=403)


def erreur_404(request, exception=None):
    return render(request, "404.html", {"title": "Page non trouvée"}, status=404)


def erreur_500(request):
    return render(request, "500.html", {"title": "Erreur inattendue"}, status=500)
