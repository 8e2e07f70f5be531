"""The pagination written in Python is the markup of templates/dsfr/pagination.html."""

import re

from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory


def _compacte(html: str) -> str:
    """The markup without the template's layout: whitespace between tags and inside them."""
    html = re.sub(r">\s+<", "><", html.strip())
    return re.sub(r"\s+", " ", html).replace(" >", ">")


def test_la_pagination_en_python_est_celle_du_gabarit():
    pages = Paginator(range(230), 50)
    for requete in ("", "page=2", "etat=depose&volet=3&page=5", "q=a%26b%3Cc&page=3"):
        request = RequestFactory().get("/tableau-de-bord/territoire/?" + requete)
        for numero in range(1, pages.num_pages + 1):
            contexte = {"request": request, "page_obj": pages.page(numero)}
            gabarit = Template("{% load dsfr_tags %}{% dsfr_pagination page_obj %}")
            python = Template("{% load cper_tags %}{% pagination page_obj %}")
            attendu = gabarit.render(Context(contexte))
            assert _compacte(python.render(Context(contexte))) == _compacte(attendu)
            assert ("aria-disabled" in attendu) == (numero in (1, pages.num_pages))
