"""Production's cache and sessions live in Redis, and a Redis outage signs nobody out."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from tests.conftest import port_libre

pytestmark = pytest.mark.django_db


def _redis(url: str, **options) -> dict:
    return {"BACKEND": "cper.cache.RedisSansPanne", "LOCATION": url, "OPTIONS": options}


@pytest.fixture
def cache_redis(settings, courtier_jetable):
    courtier_jetable.demarrer()
    settings.CACHES = {**settings.CACHES, "essai": _redis(courtier_jetable.url, DUREE_MAX=600)}
    return caches["essai"]


@pytest.fixture
def redis_en_panne(settings):
    """Sessions as in production (`cached_db` on Redis), with nothing listening on its port."""
    url = f"redis://127.0.0.1:{port_libre()}/0"
    settings.CACHES = {**settings.CACHES, "sessions": _redis(url)}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.SESSION_CACHE_ALIAS = "sessions"
    return caches["sessions"]


def test_le_cache_garde_et_rend_ce_qu_on_lui_confie(cache_redis):
    cache_redis.set("cle", {"a": 1})
    assert cache_redis.get("cle") == {"a": 1}
    # No entry outlives DUREE_MAX, whatever the caller asks.
    assert cache_redis.get_backend_timeout(8 * 3600) == 600
    assert cache_redis.delete("cle")


def test_redis_en_panne_repond_comme_un_cache_vide(redis_en_panne):
    assert redis_en_panne.get("cle", "absent") == "absent"
    assert redis_en_panne.set("cle", 1) is None
    assert redis_en_panne.delete("cle") is False


def test_redis_en_panne_ne_deconnecte_personne(redis_en_panne, client, porteur):
    client.force_login(porteur)  # the session is kept in the database
    assert client.get(reverse("dossiers:index")).status_code == 200
    client.logout()
    assert client.get(reverse("dossiers:index")).status_code == 302
