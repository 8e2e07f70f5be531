import pytest


@pytest.mark.worker
def test_sante_repond_200_quand_base_redis_et_worker_repondent(client, db, celery_worker_reel):
    reponse = client.get("/sante/")
    assert reponse.status_code == 200
    donnees = reponse.json()
    assert donnees["statut"] == "ok"
    assert donnees["base"] == "ok"
    assert donnees["redis"] == "ok"
    assert donnees["worker"].startswith("ok")


@pytest.mark.django_db
def test_sante_repond_503_et_nomme_redis_quand_le_courtier_est_injoignable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    reponse = client.get("/sante/")
    assert reponse.status_code == 503
    donnees = reponse.json()
    assert donnees["statut"] == "degrade"
    assert donnees["base"] == "ok"
    assert donnees["redis"].startswith("indisponible")
    assert donnees["worker"].startswith("indisponible")


@pytest.mark.django_db
def test_sante_repond_503_et_nomme_la_base_quand_elle_est_injoignable(client, monkeypatch):
    from django.db import connection
    from django.db.utils import OperationalError

    def base_injoignable():
        raise OperationalError("connexion refusée")

    monkeypatch.setattr(connection, "cursor", base_injoignable)
    reponse = client.get("/sante/")
    assert reponse.status_code == 503
    assert reponse.json()["base"] == "indisponible : OperationalError"


@pytest.mark.django_db
def test_sante_est_publique_et_jamais_mise_en_cache(client):
    reponse = client.get("/sante/")
    assert reponse.status_code in (200, 503)
    assert "no-cache" in reponse["Cache-Control"]
