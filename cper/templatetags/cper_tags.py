from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from cper.appellations import au as appellation_au
from cper.appellations import dater
from cper.espaces import espaces_de

register = template.Library()

ESPACE_FINE = "\u202f"
_CENTIME = Decimal("0.01")


@register.filter
def euros(valeur) -> str:
    """Format an amount the French way: 1 234 567,89 € (narrow no-break spaces).

    Dashboards format hundreds of amounts per page, the same ones from one request to the
    next (kept totals): a decimal's text is kept once formatted (`_euros_decimal`).
    """
    if type(valeur) is Decimal:  # first: comparing a decimal with "" is an ABC check
        return _euros_decimal(valeur)
    if valeur is None or valeur == "":
        return "—"
    return _euros(valeur)


def _euros(valeur) -> str:
    # Python's own grouping, then the French separators, rather than a loop per group of digits.
    montant = Decimal(valeur).quantize(_CENTIME, rounding=ROUND_HALF_UP)
    if not montant:
        return "0,00\u00a0€"  # never « -0,00 € »
    return f"{montant:,.2f}".replace(",", ESPACE_FINE).replace(".", ",") + "\u00a0€"


# Equal decimals (1.5 and 1.50) have the same text: the value is the key. A few thousand
# entries hold every amount of the dashboards.
_euros_decimal = lru_cache(maxsize=8192)(_euros)


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


# Where the request's CSP nonce goes in markup rendered once (`{% fige nonce %}`).
_MARQUE_NONCE = "cper-nonce-0f6c2a"


class FigeNode(template.Node):
    def __init__(self, nodelist, nonce: bool):
        self.nodelist = nodelist
        self.nonce = nonce
        self.rendus = {}

    def render(self, context):
        cle = (get_language(), get_script_prefix())
        rendu = self.rendus.get(cle)
        if rendu is None:
            if self.nonce:
                with context.push(CSP_NONCE=_MARQUE_NONCE):
                    rendu = tuple(self.nodelist.render(context).split(_MARQUE_NONCE))
            else:
                rendu = self.nodelist.render(context)
            self.rendus[cle] = rendu
        if self.nonce:
            nonce = escape(context.get("CSP_NONCE", ""))
            return mark_safe(nonce.join(rendu))  # noqa: S308 - a template's output, nonce escaped
        return rendu


@register.tag
def fige(parser, token):
    """`{% fige %}…{% endfige %}`: markup that reads nothing of the request, the user or the
    data (the footer, the display settings dialog), rendered once per process and language
    rather than on every page. Only for content that depends on settings, URLs and static
    files alone. `{% fige nonce %}`: the same, with `CSP_NONCE` standing for the request's
    nonce (scripts), written in on every page."""
    bits = token.split_contents()
    if bits[1:] not in ([], ["nonce"]):
        raise template.TemplateSyntaxError("{% fige %} ou {% fige nonce %}")
    nodelist = parser.parse(("endfige",))
    parser.delete_first_token()
    return FigeNode(nodelist, nonce=bits[1:] == ["nonce"])


# The marks of cper/includes/_entete.html where the per-request parts of the header go.
_OUTILS = "<!--cper:outils-->"
_MENU = "<!--cper:menu-->"
_cadres_entete: dict[tuple, tuple[str, ...]] = {}


def _cadre_entete(context) -> tuple[str, ...]:
    """The header around its tools and menu (brand, service title, burger), and the URLs the
    tools link to: settings and URLs alone, rendered once per process, prefix and language."""
    cle = (get_language(), get_script_prefix())
    cadre = _cadres_entete.get(cle)
    if cadre is None:
        gabarit = context.template.engine.get_template("cper/includes/_entete.html")
        html = gabarit.render(context)
        avant, reste = html.split(_OUTILS)
        milieu, apres = reste.split(_MENU)
        cadre = _cadres_entete[cle] = (
            avant.rstrip(),
            milieu.strip(),
            apres.lstrip(),
            reverse("notifications"),
            reverse("comptes:compte"),
            reverse("comptes:deconnexion"),
            reverse("comptes:connexion"),
            reverse("accueil"),
        )
    return cadre


def _jeton_csrf(context) -> str:
    """What `{% csrf_token %}` renders."""
    jeton = context.get("csrf_token")
    if not jeton or jeton == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(jeton)}">'


def _outils(context, cadre) -> str:
    """The person's buttons: notifications (with the unread count), account, logout."""
    _, _, _, notifications, compte, deconnexion, connexion, _ = cadre
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return (
            f'<li>\n<a class="fr-btn fr-icon-lock-line" href="{connexion}">Se connecter</a>\n</li>'
        )
    non_lues = context.get("notifications_non_lues")
    badge = ""
    if non_lues:
        nombre = escape(non_lues)
        pluriel = "" if non_lues == 1 else "s"
        badge = (
            f'<span class="fr-badge fr-badge--sm fr-badge--new fr-ml-1v">{nombre}'
            f'<span class="fr-sr-only"> non lue{pluriel}</span></span>'
        )
    return (
        "<li>\n"
        '<a class="fr-btn fr-icon-notification-3-line"\n'
        f' href="{notifications}">Notifications\n{badge}\n</a>\n'
        "</li>\n"
        "<li>\n"
        '<a class="fr-btn fr-icon-account-circle-line"\n'
        f' href="{compte}">{escape(user.email)}</a>\n'
        "</li>\n"
        "<li>\n"
        f'<form method="post" action="{deconnexion}">\n'
        f"{_jeton_csrf(context)}\n"
        '<button type="submit" class="fr-btn fr-icon-logout-box-r-line">Se déconnecter</button>\n'
        "</form>\n"
        "</li>"
    )


def _lien_menu(url: str, libelle: str, courant: bool) -> str:
    courant = 'aria-current="page"' if courant else ""
    return (
        '<li class="fr-nav__item">\n'
        f'<a class="fr-nav__link"\n href="{url}"\n {courant}>{libelle}</a>\n'
        "</li>"
    )


def _menu(context, cadre) -> str:
    """The main menu: home, then the spaces of the person's roles; the current page marked."""
    request = context.get("request")
    chemin = request.path if request is not None else ""
    user = context.get("user")
    espaces = espaces_de(user) if user is not None else ()
    liens = [_lien_menu(cadre[7], "Accueil", chemin == "/")]
    liens.extend(
        _lien_menu(escape(espace["url"]), escape(espace["libelle"]), chemin == espace["url"])
        for espace in espaces
    )
    return (
        '<div class="fr-header__menu fr-modal"\n id="fr-menu-mobile"\n'
        ' aria-labelledby="fr-btn-menu-mobile">\n'
        '<div class="fr-container">\n'
        '<button type="button" class="fr-btn--close fr-btn" aria-controls="fr-menu-mobile">'
        "Fermer</button>\n"
        '<div class="fr-header__menu-links"></div>\n'
        '<nav class="fr-nav" id="fr-navigation" aria-label="Menu principal">\n'
        '<ul class="fr-nav__list">\n' + "\n".join(liens) + "\n</ul>\n</nav>\n</div>\n</div>"
    )


@register.simple_tag(takes_context=True)
def entete(context) -> str:
    """The site's header (DSFR): its frame rendered once per process, the person's tools and
    the menu of their roles written here, every value escaped."""
    cadre = _cadre_entete(context)
    return mark_safe(  # noqa: S308 - the frame is a template's output, the rest escaped
        f"{cadre[0]}\n{_outils(context, cadre)}\n{cadre[1]}\n{_menu(context, cadre)}\n{cadre[2]}"
    )


def _lien_de_page(requete, page: int) -> str:
    """`?{% url_remplace_params page=… %}`: the request's parameters, its page replaced."""
    parametres = requete.GET.copy()
    parametres["page"] = page
    return "?" + escape(parametres.urlencode())


@register.simple_tag(takes_context=True)
def pagination(context, page_obj) -> str:
    """`{% dsfr_pagination page_obj %}` (templates/dsfr/pagination.html) written in Python: the
    same links and attributes, without the template's indentation (compared by a test)."""
    requete = context["request"]
    numero, dernier = page_obj.number, page_obj.paginator.num_pages
    lien = "fr-pagination__link"
    inactif = ' aria-disabled="true" role="link"'

    def autour(classe: str, libelle: str, page: int | None) -> str:
        if page is None:
            return f'<li><a class="{lien} {classe}"{inactif}>{libelle}</a></li>'
        href = _lien_de_page(requete, page)
        return f'<li><a class="{lien} {classe}" href="{href}">{libelle}</a></li>'

    precedente = page_obj.previous_page_number() if page_obj.has_previous() else None
    suivante = page_obj.next_page_number() if page_obj.has_next() else None
    return mark_safe(  # noqa: S308 - every value escaped above
        '<nav role="navigation" class="fr-pagination" aria-label="Pagination">'
        '<ul class="fr-pagination__list">'
        + autour("fr-pagination__link--first", "Première page", 1 if precedente else None)
        + autour(
            "fr-pagination__link--prev fr-pagination__link--lg-label", "Page précédente", precedente
        )
        + f'<li><a class="{lien}" aria-current="page" title="Page {numero} sur {dernier}"'
        f' href="{_lien_de_page(requete, numero)}">{numero} / {dernier}</a></li>'
        + autour(
            "fr-pagination__link--next fr-pagination__link--lg-label", "Page suivante", suivante
        )
        + autour("fr-pagination__link--last", "Dernière page", dernier if suivante else None)
        + "</ul></nav>"
    )
