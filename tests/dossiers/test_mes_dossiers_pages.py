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


def test_mes_dossiers_dit_la_prochaine_etape_et_sa_date(client, porteur, structure):
    import datetime

    from tests.factories.instruction import DemandeComplementsFactory

    dossier = DossierFactory(structure=structure, incomplet=True, intitule="Halte fluviale")
    DemandeComplementsFactory(dossier=dossier, echeance=datetime.date(2026, 3, 12))
    DossierFactory(structure=structure, intitule="Brouillon")
    client.force_login(porteur)
    html = client.get(reverse("dossiers:index")).text
    assert "Répondre à la demande de compléments avant le 12 mars 2026" in html
    assert "Compléter puis déposer le dossier" in html


def test_les_pages_absentes_sont_desactivees_pas_grisees(client, porteur):
    """The offset lists kept elsewhere (notifications) mark a missing page aria-disabled."""
    import re

    from cper.models import Notification

    Notification.objects.bulk_create(
        Notification(user=porteur, texte=f"Notification {i}", url="/") for i in range(30)
    )
    client.force_login(porteur)
    html = client.get(reverse("notifications")).text
    assert re.search(r'aria-disabled="true"\s+role="link">Page précédente', html)
    assert re.search(r'fr-pagination__link--next[^"]*"\s+href="\?page=2"', html)
