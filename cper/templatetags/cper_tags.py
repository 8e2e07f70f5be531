from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

ESPACE_FINE = "\u202f"


@register.filter
def euros(valeur) -> str:
    """Format an amount the French way: 1 234 567,89 € (narrow no-break spaces)."""
    if valeur in (None, ""):
        return "—"
    montant = Decimal(valeur).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    signe = "-" if montant < 0 else ""
    entier, decimales = f"{abs(montant):.2f}".split(".")
    groupes = []
    while entier:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    return f"{signe}{ESPACE_FINE.join(groupes)},{decimales}\u00a0€"
