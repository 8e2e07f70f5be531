"""A list's DSFR table written in Python: the same markup as `{% dsfr_table %}`.

« Mes dossiers » shows 20 rows of 6 cells: the DSFR template's loops, one context push and one
filter per cell, cost more than the page's queries. The cells are escaped as the template
does (`conditional_escape`: the view's `format_html` cells are already safe).
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def tableau_dsfr(tableau: dict) -> str:
    """`tableau`: caption, header (optional), content, extra_classes (optional), as for
    `dsfr_table`."""
    classes = (
        f" {conditional_escape(tableau['extra_classes'])}" if tableau.get("extra_classes") else ""
    )
    entete = ""
    if tableau.get("header"):
        cellules = "".join(
            f'<th scope="col">{conditional_escape(cellule)}</th>' for cellule in tableau["header"]
        )
        entete = f"<thead><tr>{cellules}</tr></thead>"
    rangees = "\n".join(
        "<tr>" + "".join(f"<td>{conditional_escape(cellule)}</td>" for cellule in rangee) + "</tr>"
        for rangee in tableau["content"]
    )
    return mark_safe(  # noqa: S308 - every cell escaped or already safe
        f'<div class="fr-table{classes}"><div class="fr-table__wrapper">'
        '<div class="fr-table__container"><div class="fr-table__content">'
        f"<table><caption>{conditional_escape(tableau['caption'])}</caption>{entete}"
        f"<tbody>\n{rangees}\n</tbody></table></div></div></div></div>"
    )
