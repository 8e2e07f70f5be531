from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cper.templatetags.cper_tags import euros

register = template.Library()

INSECABLE = "\u00a0"


def _decimal_fr(valeur, decimales: int = 1) -> str:
    return f"{Decimal(valeur):.{decimales}f}".replace(".", ",")


@register.filter
def pourcentage(valeur) -> str:
    """45,2 % (non-breaking space), — when there is no rate."""
    if valeur in (None, ""):
        return "—"
    return f"{_decimal_fr(valeur)}{INSECABLE}%"


@register.filter
def jours(valeur) -> str:
    if valeur in (None, ""):
        return "—"
    return f"{_decimal_fr(valeur)}{INSECABLE}j"


@register.filter
def entier(valeur) -> str:
    """12 345 with a narrow no-break space between thousands."""
    if valeur in (None, ""):
        return "—"
    return f"{int(valeur):,}".replace(",", "\u202f")


@register.filter
def cellule(valeur, type_: str) -> str:
    """A value of a dashboard table, formatted after its column type."""
    formats = {"euros": euros, "pourcentage": pourcentage, "jours": jours, "entier": entier}
    if type_ in formats:
        return formats[type_](valeur)
    return "" if valeur is None else str(valeur)


@register.simple_tag
def lignes_html(tableau):
    """The body rows of a dashboard table, built in Python (hundreds of cells per page: the
    template loop cost more than every query of the dashboard). Values are escaped."""
    if not tableau.lignes:
        return format_html(
            '<tr><td colspan="{}">Aucune donnée pour le moment.</td></tr>', len(tableau.colonnes)
        )
    classes = ["" if t == "texte" else "fr-cell--right" for t in tableau.types]
    rangees = []
    for ligne in tableau.lignes:
        cellules = [format_html('<th scope="row">{}</th>', cellule(ligne[0], tableau.types[0]))]
        cellules.extend(
            format_html('<td class="{}">{}</td>', classes[i], cellule(valeur, tableau.types[i]))
            for i, valeur in enumerate(ligne[1:], start=1)
        )
        rangees.append(format_html("<tr>{}</tr>", mark_safe("".join(cellules))))  # noqa: S308
    return mark_safe("\n".join(rangees))  # noqa: S308 - every part built by format_html


@register.simple_tag
def cellule_maquette(cellule_):
    """One cell of the maquette: envelope, requested, proposed, programmed, rate, remaining."""
    badge = ""
    if cellule_.depassement:
        badge = format_html(
            '<p class="fr-badge fr-badge--sm fr-badge--error">{}</p>', "Dépassement"
        )
    elif cellule_.vigilance:
        badge = format_html(
            '<p class="fr-badge fr-badge--sm fr-badge--warning">{}</p>', "Vigilance"
        )
    libere = ""
    if cellule_.libere:
        # Money of caduc or abandoned dossiers given back to the envelope.
        libere = format_html("<br>Libéré (caducités, renonciations) : {}", euros(cellule_.libere))
    execution = ""
    if cellule_.engage or cellule_.mandate:
        execution = format_html(
            "<br>Engagé : {}<br>Mandaté : {}<br>Reste à payer : {}<br>Taux d'exécution : {}",
            euros(cellule_.engage),
            euros(cellule_.mandate),
            euros(cellule_.reste_a_payer),
            pourcentage(cellule_.taux_execution),
        )
    return format_html(
        '<span class="fr-text--xs">Enveloppe : {}<br>Demandé : {}<br>Proposé : {}<br>'
        "<strong>Programmé : {}</strong>{}<br>Taux : {}<br>Reste : {}{}</span>{}",
        euros(cellule_.enveloppe),
        euros(cellule_.demande),
        euros(cellule_.propose),
        euros(cellule_.programme),
        libere,
        pourcentage(cellule_.taux_programmation),
        euros(cellule_.reste),
        execution,
        badge,
    )
