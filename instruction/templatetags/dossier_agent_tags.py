"""Lists of the agents' dossier page written in Python: its routings and its history.

The markup is the one the template loops had (tests/instruction/test_page_dossier.py renders
both and compares them); every value is escaped (`e`), the dates formatted as the `date`
filter does, in the current time zone.
"""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.safestring import mark_safe

from cper.balisage import echapper as e

register = template.Library()


def _date(valeur) -> str:
    return format_date(timezone.localtime(valeur), "d/m/Y H:i")


def _routage(routage) -> str:
    html = (
        f"<li>{_date(routage.created_at)} : vers {e(routage.groupe_technique)} par {e(routage.par)}"
    )
    if routage.commentaire:
        html += f" — {e(routage.commentaire)}"
    return html + "</li>"


@register.simple_tag
def routages(liste) -> str:
    """`{% routages routages %}`: the heading and the list of the dossier's routings."""
    lignes = "".join(_routage(routage) for routage in liste) or "<li>Pas encore routé.</li>"
    # S308: every value above is escaped.
    return mark_safe(f"<h2>Routages</h2><ul>{lignes}</ul>")  # noqa: S308


def _entree(ligne) -> str:
    entree = ligne["entree"]
    html = (
        f"<li>{_date(entree.timestamp)} — {e(ligne['libelle'])} (désormais « {e(ligne['vers'])} »)"
    )
    if entree.by:
        html += f" par {e(entree.by)}"
    if entree.description:
        html += f" — {e(entree.description)}"
    return html + "</li>"


@register.simple_tag
def historique(journal) -> str:
    """`{% historique journal %}`: the heading and the dossier's transitions, oldest first."""
    # S308: every value is escaped.
    return mark_safe(  # noqa: S308
        f"<h2>Historique</h2><ol>{''.join(_entree(ligne) for ligne in journal)}</ol>"
    )
