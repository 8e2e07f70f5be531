"""« Mes dossiers » pages on an index: every dossier once, whatever the ties."""

import re
from html import unescape

from django.urls import reverse

from dossiers.models import Dossier
from tests.factories import DossierFactory

SUIVANTE = re.compile(r'fr-pagination__link--next[^"]*"\s+rel="next"\s+href="([^"]+)"')
LIGNE = re.compile(r'href="/dossiers/(\d+)/"')


def test_toutes_les_pages_de_mes_dossiers(client, porteur, structure):
    dossiers = DossierFactory.create_batch(45, structure=structure)
    # Same last change for all: the primary key keeps each one in its place.
    Dossier.objects.update(updated_at=dossiers[0].updated_at)
    client.force_login(porteur)
    url = reverse("dossiers:index")
    reponse = client.get(url)
    assert "Dossiers de mes structures (45)" in reponse.text
    vus = []
    while True:
        vus += LIGNE.findall(reponse.text)
        suivante = SUIVANTE.search(reponse.text)
        if not suivante:
            break
        reponse = client.get(url + unescape(suivante.group(1)))
    assert sorted(map(int, vus)) == sorted(d.pk for d in dossiers)
    assert len(vus) == 45
