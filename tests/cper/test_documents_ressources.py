"""A PDF fetches nothing from the network nor from the disk outside the static files."""

import copy
import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader

from cper.documents import RecuperateurStatique, RessourceRefusee, rendre_pdf


@pytest.fixture
def serveur_espion():
    """A local HTTP server that records every request made to it."""
    vues = []

    class Espion(BaseHTTPRequestHandler):
        def do_GET(self):
            vues.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red; }")

        def log_message(self, *args):
            pass

    serveur = HTTPServer(("127.0.0.1", 0), Espion)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    yield f"http://127.0.0.1:{serveur.server_port}", vues
    serveur.shutdown()
    serveur.server_close()


@pytest.fixture
def gabarit_hostile(settings, tmp_path, serveur_espion):
    url, _ = serveur_espion
    svg = (
        "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E"
        f"%3Cimage href='{url}/svg.png'/%3E%3C/svg%3E"
    )
    (tmp_path / "hostile.html").write_text(
        f"""<html><head>
        <link rel="stylesheet" href="{url}/style.css">
        <link rel="stylesheet" href="file:///etc/passwd">
        <link rel="attachment" href="file:///etc/passwd">
        <link rel="attachment" href="{url}/piece.txt">
        <style>@import url("{url}/import.css");
        body {{ background: url("{url}/fond.png"); }}</style>
        </head><body>
        <p>Texte du document</p>
        <img src="{url}/image.png" alt="">
        <img src="https://exemple.invalid/traceur.png" alt="">
        <img src="file:///etc/passwd" alt="">
        <img src="../../../../../../etc/passwd" alt="">
        <img src="/static/../../../../etc/passwd" alt="">
        <img src="/static/dsfr/dist/favicon/android-chrome-192x192.png" alt="">
        <img src="{svg}" alt="">
        </body></html>"""
    )
    gabarits = copy.deepcopy(settings.TEMPLATES)
    gabarits[0]["DIRS"] = [tmp_path, *gabarits[0]["DIRS"]]
    settings.TEMPLATES = gabarits
    return "hostile.html"


def test_un_gabarit_qui_vise_le_reseau_ou_le_disque_se_rend_sans_rien_chercher(
    gabarit_hostile, serveur_espion
):
    _, vues = serveur_espion
    pdf = rendre_pdf(gabarit_hostile)
    lecteur = PdfReader(io.BytesIO(pdf))
    assert "Texte du document" in lecteur.pages[0].extract_text()
    assert vues == []
    assert lecteur.attachments == {}
    assert b"root:" not in pdf


def test_les_fichiers_statiques_du_projet_sont_servis_par_leur_chemin():
    recuperateur = RecuperateurStatique()
    reponse = recuperateur.fetch("file:///static/dsfr/dist/favicon/android-chrome-192x192.png")
    assert reponse.content_type == "image/png"
    assert reponse.read().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.css",
        "https://exemple.invalid/x.png",
        "ftp://exemple.invalid/x",
        "file:///etc/passwd",
        "file:///static/../../../../etc/passwd",
        "file:///static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ],
)
def test_tout_le_reste_est_refuse(url):
    with pytest.raises(RessourceRefusee):
        RecuperateurStatique().fetch(url)
