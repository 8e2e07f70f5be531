"""The plan comparé's table built in Python, for pages that show one per item (a séance's agenda).

The markup is the one of `instruction/includes/_plan_compare.html` (a test renders both and
compares them); an include per item, with its own context and loop, cost more than the item's
share of the queries.
"""

from django import template
from django.utils.safestring import mark_safe

from cper.balisage import echapper as e
from cper.templatetags.cper_tags import euros

register = template.Library()


@register.simple_tag
def plan_compare(lignes, legende, *, legende_masquee=False, programme=False, totaux=None):
    """`{% plan_compare lignes legende legende_masquee=True programme=True %}`: as the include."""
    masquee = ' class="fr-sr-only"' if legende_masquee else ""
    entete = (
        '<th scope="col">Financeur</th><th scope="col">Demandé</th>'
        '<th scope="col">Proposé par l\'État</th><th scope="col">Proposé par la Région</th>'
        + ('<th scope="col">Programmé</th>' if programme else "")
    )
    rangees = [
        f"<tr><td>{e(ligne['nom'])}</td><td>{euros(ligne['demande'])}</td>"
        f"<td>{euros(ligne['etat'])}</td><td>{euros(ligne['region'])}</td>"
        + (f"<td>{euros(ligne.get('programme'))}</td>" if programme else "")
        + "</tr>"
        for ligne in lignes
    ] or [f'<tr><td colspan="{5 if programme else 4}">Aucun montant.</td></tr>']
    if totaux:
        rangees.append(
            f'<tr><th scope="row">Total</th><td>{euros(totaux["demande"])}</td>'
            f"<td>{euros(totaux['etat'])}</td><td>{euros(totaux['region'])}</td>"
            + ("<td></td>" if programme else "")
            + "</tr>"
        )
    return mark_safe(  # noqa: S308 - every value above is escaped or an amount
        f'<div class="fr-table"><table><caption{masquee}>{e(legende)}</caption>'
        f"<thead><tr>{entete}</tr></thead><tbody>{''.join(rangees)}</tbody></table></div>"
    )
