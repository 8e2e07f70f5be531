"""The list's table written in Python gives the DSFR table's markup (`dsfr_table`)."""

import re

from django.template import Context, Template
from django.utils.html import format_html

from dossiers.templatetags.listes_tags import tableau_dsfr


def _sans_blancs(html: str) -> str:
    return re.sub(
        r">\s+<", "><", re.sub(r">\s+([^<\s])", r">\1", re.sub(r"\s+<", "<", html))
    ).strip()


def test_meme_balisage_que_dsfr_table():
    tableau = {
        "caption": "Dossiers de mes structures (2) & <autres>",
        "header": ["Intitulé", "État <court>"],
        "content": [
            [format_html('<a href="{}">{}</a>', "/dossiers/1/", "Halte <b>"), "Déposé & reçu"],
            [format_html("{}", "—"), "<script>alert(1)</script>"],
        ],
    }
    attendu = Template("{% load dsfr_tags %}{% dsfr_table tableau %}").render(
        Context({"tableau": tableau})
    )
    assert _sans_blancs(tableau_dsfr(tableau)) == _sans_blancs(attendu)
    assert "&lt;script&gt;" in tableau_dsfr(tableau)
