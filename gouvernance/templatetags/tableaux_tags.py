from decimal import Decimal

from django import template

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
def lignes_typees(tableau):
    """Rows of a Tableau as lists of (value, type) pairs, for the template."""
    return [list(zip(ligne, tableau.types, strict=True)) for ligne in tableau.lignes]
