"""The list of séances pages on (date, id), with each séance's counts."""

import re
from html import unescape

from django.urls import reverse

from tests.factories.gouvernance import SeanceFactory

SUIVANTE = re.compile(r'fr-pagination__link--next[^"]*"\s+rel="next"\s+href="([^"]+)"')
SEANCE = re.compile(r'href="/gouvernance/seances/(\d+)/"')


def test_toutes_les_seances_sur_deux_pages(client, secretariat, pilotage):
    seances = SeanceFactory.create_batch(30, instance=pilotage, creee_par=secretariat)
    client.force_login(secretariat)
    url = reverse("gouvernance:seances")
    premiere = client.get(url)
    suivante = SUIVANTE.search(premiere.text)
    assert suivante
    seconde = client.get(url + unescape(suivante.group(1)))
    vus = SEANCE.findall(premiere.text) + SEANCE.findall(seconde.text)
    assert sorted(map(int, vus)) == sorted(s.pk for s in seances)
    assert not SUIVANTE.search(seconde.text)
