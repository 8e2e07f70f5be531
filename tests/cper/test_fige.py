"""`{% fige %}`: markup that reads no request data is rendered once per process."""

import re

from django.template import Context, engines
from django.urls import reverse

from cper.templatetags.cper_tags import FigeNode


def test_le_contenu_fige_est_rendu_une_fois_puis_relu():
    gabarit = engines["django"].from_string(
        "{% load cper_tags %}{% fige %}{{ n }}{% endfige %}|{{ n }}"
    )
    assert gabarit.render({"n": 1}) == "1|1"
    # The frozen part keeps its first rendering; what is outside follows the context.
    assert gabarit.render({"n": 2}) == "1|2"


def test_le_pied_de_page_est_le_meme_sur_chaque_page(client, porteur):
    premiere = client.get(reverse("mentions_legales")).text
    client.force_login(porteur)
    seconde = client.get(reverse("accessibilite")).text
    for texte in (premiere, seconde):
        assert 'href="/mentions-legales/"' in texte
        assert 'id="fr-theme-modal"' in texte


def test_un_rendu_par_langue():
    from django.utils import translation

    noeud = engines["django"].from_string(
        "{% load cper_tags %}{% fige %}{% now 'Y' %}{% endfige %}"
    )
    with translation.override("fr"):
        noeud.render(Context({}).flatten())
    with translation.override("en"):
        noeud.render(Context({}).flatten())
    (fige,) = [n for n in noeud.template.nodelist if isinstance(n, FigeNode)]
    assert {langue for langue, _prefixe in fige.rendus} == {"fr", "en"}


def test_les_scripts_figes_portent_le_nonce_de_chaque_requete(client, porteur):
    client.force_login(porteur)
    nonces = []
    for _ in range(2):
        reponse = client.get(reverse("dossiers:index"))
        nonce = re.search(r"'nonce-([^']+)'", reponse["Content-Security-Policy"]).group(1)
        scripts = re.findall(r"<script\b[^>]*>", reponse.text)
        assert len(scripts) >= 4  # DSFR (module, nomodule), htmx, the site's
        assert all(f'nonce="{nonce}"' in balise for balise in scripts), scripts
        nonces.append(nonce)
    # Rendered once, yet each page has its own nonce: the previous one is not replayed.
    assert nonces[0] != nonces[1]


def test_un_nonce_est_echappe_comme_toute_valeur():
    gabarit = engines["django"].from_string(
        '{% load cper_tags %}{% fige nonce %}<script nonce="{{ CSP_NONCE }}">{% endfige %}'
    )
    assert gabarit.render({"CSP_NONCE": "a"}) == '<script nonce="a">'
    assert gabarit.render({"CSP_NONCE": '"><b>'}) == '<script nonce="&quot;&gt;&lt;b&gt;">'
