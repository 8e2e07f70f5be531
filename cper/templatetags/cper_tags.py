from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import get_script_prefix
from django.utils.translation import get_language

from cper.appellations import au as appellation_au
from cper.appellations import dater

register = template.Library()

ESPACE_FINE = "\u202f"
_CENTIME = Decimal("0.01")


@register.filter
def euros(valeur) -> str:
    """Format an amount the French way: 1 234 567,89 € (narrow no-break spaces).

    Dashboards format hundreds of amounts per page: Python's own grouping, then the French
    separators, rather than a loop per group of digits.
    """
    if valeur is None or valeur == "":
        return "—"
    montant = Decimal(valeur).quantize(_CENTIME, rounding=ROUND_HALF_UP)
    if not montant:
        return "0,00\u00a0€"  # never « -0,00 € »
    return f"{montant:,.2f}".replace(",", ESPACE_FINE).replace(".", ",") + "\u00a0€"


@register.filter
def octets(valeur) -> str:
    """A file size the way French users read it: 850 octets, 12,4 Ko, 20 Mo."""
    if valeur in (None, ""):
        return "—"
    taille = int(valeur)
    if taille < 1024:
        return f"{taille}\u00a0octet{'s' if taille > 1 else ''}"
    for unite, diviseur in (("Go", 1024**3), ("Mo", 1024**2), ("Ko", 1024)):
        if taille >= diviseur:
            nombre = f"{taille / diviseur:.1f}".removesuffix(".0").replace(".", ",")
            return f"{nombre}\u00a0{unite}"
    return f"{taille}\u00a0octets"  # pragma: no cover


@register.filter
def au(titre, le) -> str:
    """A title (« Conseil régional Hauts-de-France ») as it read on the date `le`."""
    return dater(str(titre or ""), le)


@register.simple_tag
def appellation(le=None):
    """The region's appellation on a date: `.prefet`, `.president`, `.conseil_regional`, `.nom`."""
    return appellation_au(le)


class FigeNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendus = {}

    def render(self, context):
        cle = (get_language(), get_script_prefix())
        if cle not in self.rendus:
            self.rendus[cle] = self.nodelist.render(context)
        return self.rendus[cle]


@register.tag
def fige(parser, token):
    """`{% fige %}…{% endfige %}`: markup that reads nothing of the request, the user or the
    data (the footer, the display settings dialog), rendered once per process and language
    rather than on every page. Only for content that depends on settings, URLs and static
    files alone."""
    nodelist = parser.parse(("endfige",))
    parser.delete_first_token()
    return FigeNode(nodelist)
