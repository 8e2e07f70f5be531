"""Liveness is public and free; readiness checks everything, for the probes only, at most every
few seconds."""

import socket
import threading

import pytest

from cper import views

DEHORS = "203.0.113.5"


@pytest.fixture(autouse=True)
def _sans_cache():
    views._derniere_sante["quand"] = float("-inf")


@pytest.mark.worker
def test_sante_repond_200_quand_base_redis_et_worker_repondent(client, db, celery_worker_reel):
    reponse = client.get("/sante/")
    assert reponse.status_code == 200
    donnees = reponse.json()
    assert donnees["statut"] == "ok"
    assert donnees["base"] == "ok"
    assert donnees["redis"] == "ok"
    assert donnees["worker"].startswith("ok")
    assert donnees["clamd"] == "ok"
    assert donnees["effets"] == "ok (0 en retard, 0 en échec)"


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
def test_sante_n_est_jamais_mise_en_cache_par_le_navigateur(client):
    reponse = client.get("/sante/")
    assert reponse.status_code in (200, 503)
    assert "no-cache" in reponse["Cache-Control"]


@pytest.mark.django_db
def test_sante_repond_404_hors_du_reseau_interne_sans_jeton(client, settings):
    settings.SANTE_JETON = "jeton-de-sonde"
    assert client.get("/sante/", REMOTE_ADDR=DEHORS).status_code == 404
    mauvais = {"Authorization": "Bearer autre-chose"}
    assert client.get("/sante/", REMOTE_ADDR=DEHORS, headers=mauvais).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "entetes",
    [{"Authorization": "Bearer jeton-de-sonde"}, {"X-Sante-Jeton": "jeton-de-sonde"}],
)
def test_sante_repond_a_son_jeton_depuis_dehors(client, settings, entetes):
    settings.SANTE_JETON = "jeton-de-sonde"
    reponse = client.get("/sante/", REMOTE_ADDR=DEHORS, headers=entetes)
    assert reponse.status_code in (200, 503)
    assert reponse.json()["base"] == "ok"


@pytest.mark.django_db
def test_sante_repond_aux_reseaux_internes_configures(client, settings):
    settings.RESEAUX_INTERNES = ["10.0.0.0/8"]
    assert client.get("/sante/", REMOTE_ADDR="10.1.2.3").status_code in (200, 503)
    assert client.get("/sante/", REMOTE_ADDR="127.0.0.1").status_code == 404


@pytest.mark.django_db
def test_sans_jeton_configure_un_jeton_vide_n_ouvre_rien(client, settings):
    settings.SANTE_JETON = ""
    reponse = client.get("/sante/", REMOTE_ADDR=DEHORS, headers={"Authorization": "Bearer "})
    assert reponse.status_code == 404


@pytest.mark.django_db
def test_la_reponse_est_gardee_quelques_secondes(client, settings, monkeypatch):
    settings.SANTE_CACHE_SECONDES = 60
    appels = []
    monkeypatch.setitem(views.CONTROLES, "redis", lambda: appels.append(1) or "ok")
    monkeypatch.setitem(views.CONTROLES, "worker", lambda: "ok (1)")
    for _ in range(5):
        assert client.get("/sante/").status_code == 200
    assert len(appels) == 1
    views._derniere_sante["quand"] -= 61
    client.get("/sante/")
    assert len(appels) == 2


def test_vivant_est_public_et_ne_touche_pas_la_base(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        reponse = client.get("/sante/vivant/", REMOTE_ADDR=DEHORS)
    assert reponse.status_code == 200
    assert reponse.content == b"ok"
    assert "no-cache" in reponse["Cache-Control"]


@pytest.mark.django_db
def test_clamd_repond_pong_sur_son_socket(client, settings, tmp_path, monkeypatch):
    chemin = tmp_path / "clamd.sock"
    serveur = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    serveur.bind(str(chemin))
    serveur.listen(1)
    recu = []

    def clamd():
        connexion, _ = serveur.accept()
        with connexion:
            recu.append(connexion.recv(16))
            connexion.sendall(b"PONG\0")

    fil = threading.Thread(target=clamd)
    fil.start()
    settings.CLAMD_SOCKET = str(chemin)
    monkeypatch.setitem(views.CONTROLES, "worker", lambda: "ok (1)")
    try:
        donnees = client.get("/sante/").json()
    finally:
        fil.join(timeout=5)
        serveur.close()
    assert recu == [b"zPING\0"]
    assert donnees["clamd"] == "ok"


@pytest.mark.django_db
def test_clamd_absent_rend_la_sante_degradee(client, settings, tmp_path, monkeypatch):
    settings.CLAMD_SOCKET = str(tmp_path / "absent.sock")
    monkeypatch.setitem(views.CONTROLES, "worker", lambda: "ok (1)")
    reponse = client.get("/sante/")
    assert reponse.status_code == 503
    assert reponse.json()["clamd"].startswith("indisponible")
