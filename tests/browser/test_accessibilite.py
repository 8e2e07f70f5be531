"""axe-core on every page of every role: no serious or critical finding.

The pages are those of the persona × URL matrix (tests/test_matrice_acces.py) that answer 200
with a whole HTML page (downloads, JSON and htmx fragments aside), on the objects of
tests/monde.py, each read in Chromium signed in as the first persona the matrix lets in. Every URL
is read once (the roles share the templates): the run stays within a couple of minutes.
"""

import pytest

from tests.browser.conftest import se_connecter
from tests.monde import PERSONAS
from tests.test_matrice_acces import MATRICE, _url

Axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRAVES = ("serious", "critical")


def _pages_de(persona: str, monde) -> list[str]:
    """The matrix's URLs whose first persona answered 200 is `persona`."""
    rang = PERSONAS.index(persona)
    pages = []
    for nom, (arguments, reponses) in MATRICE.items():
        codes = reponses.split()
        if "200" in codes and codes.index("200") == rang:
            pages.append(_url(monde, nom, arguments))
    return pages


def _anomalies(page, axe, url: str) -> list[str]:
    reponse = page.request.get(url)
    if "text/html" not in reponse.headers.get("content-type", "") or (
        "<html" not in reponse.text()
    ):
        return []  # a file, JSON or an htmx fragment: not a page
    page.goto(url, wait_until="networkidle")  # pages that render in the browser, rendered
    resultats = axe.run(page).response
    return [
        f"{url} — {v['id']} ({v['impact']}) : "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in resultats["violations"]
        if v["impact"] in GRAVES
    ]


def test_aucune_anomalie_grave_ou_critique_sur_aucune_page(page, monde, sans_journal_des_refus):
    axe = Axe()
    anomalies, lues = [], 0
    for persona in PERSONAS:
        if persona == "anonyme":
            page.context.clear_cookies()
        else:
            se_connecter(page, monde.utilisateurs[persona].email)
        for url in _pages_de(persona, monde):
            trouvees = _anomalies(page, axe, url)
            anomalies.extend(f"{persona} : {a}" for a in trouvees)
            lues += 1
    assert lues > 60
    assert not anomalies, "\n".join(anomalies)


@pytest.fixture
def sans_journal_des_refus(monkeypatch):
    # The health page's worker check waits a second for a worker that a test run does not have.
    monkeypatch.setattr("cper.views._etat_worker", lambda: "ok (1)")
