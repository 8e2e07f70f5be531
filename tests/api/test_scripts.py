"""Two scripts over real HTTP, one with a porteur's token and one with an agent's: each gets
exactly its scope, page after page, as `curl` gets it from a running server."""

import json
import shutil
import subprocess
import urllib.request

import pytest

from api.services.jetons import jeton_creer
from tests.api.test_matrice_api import NOMS_DOSSIERS, PERIMETRES

pytestmark = pytest.mark.django_db(transaction=True)
CURL = shutil.which("curl") or "/usr/bin/curl"


def _get(url: str, secret: str):
    # Our live server's http:// URLs only.
    requete = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})  # noqa: S310
    with urllib.request.urlopen(requete, timeout=10) as reponse:  # noqa: S310
        return json.load(reponse)


def script(base: str, secret: str) -> dict[int, dict]:
    """What a partner's script does: every page of the list, then each dossier."""
    dossiers, url = {}, f"{base}/api/v1/dossiers/?taille=2"
    while url:
        page = _get(url, secret)
        for ligne in page["resultats"]:
            dossiers[ligne["id"]] = _get(f"{base}/api/v1/dossiers/{ligne['id']}/", secret)
        url = page["suivant"]
    return dossiers


@pytest.mark.parametrize("persona", ["porteur", "agent_sp_douai"])
def test_le_script_obtient_exactement_son_perimetre(live_server, monde, persona):
    _jeton, secret = jeton_creer(par=monde.utilisateurs[persona], nom="Script", duree_jours=30)
    noms = {monde[nom].pk: nom for nom in NOMS_DOSSIERS}
    dossiers = script(live_server.url, secret)
    assert {noms[pk] for pk in dossiers} == PERIMETRES[persona]
    assert all("plan_financement" in d for d in dossiers.values())
    # A dossier of another structure, outside the scope: the same 404 as a missing one.
    for pk in (monde["autre"].pk, 999_999):
        sortie = subprocess.run(  # noqa: S603 - fixed arguments
            [
                CURL,
                "-sS",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "-H",
                f"Authorization: Bearer {secret}",
                f"{live_server.url}/api/v1/dossiers/{pk}/",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        assert sortie.stdout == "404"


def test_l_exemple_curl_du_readme(live_server, monde):
    _jeton, secret = jeton_creer(par=monde.utilisateurs["porteur"], nom="Script", duree_jours=30)
    sortie = subprocess.run(  # noqa: S603 - fixed arguments
        [
            CURL,
            "-sS",
            "-H",
            f"Authorization: Bearer {secret}",
            f"{live_server.url}/api/v1/dossiers/?etat=depose",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    (dossier,) = json.loads(sortie.stdout)["resultats"]
    assert dossier["id"] == monde["depose"].pk
