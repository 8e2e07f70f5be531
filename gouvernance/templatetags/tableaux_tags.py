"""The dashboards' tables, export buttons and maquette cells, built in Python.

A dashboard page holds hundreds of cells: a template loop, `format_html` and a filter per cell
cost more than every query of the page. Here each cell is one f-string; text is escaped with
`html.escape` (what Django's `escape` does), numbers come out of the formatters below, which
write only digits, separators and units.
"""

from decimal import Decimal
from functools import lru_cache
from html import escape

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe

from cper.templatetags.cper_tags import euros
from dossiers.enums import EtatDossier

register = template.Library()

INSECABLE = "\u00a0"


def _decimal_fr(valeur, decimales: int = 1) -> str:
    return f"{Decimal(valeur):.{decimales}f}".replace(".", ",")


def _pourcentage(valeur) -> str:
    return f"{_decimal_fr(valeur)}{INSECABLE}%"


def _jours(valeur) -> str:
    return f"{_decimal_fr(valeur)}{INSECABLE}j"


# As euros(): the rates and delays of a dashboard are a few hundred decimals, the same from one
# request to the next; equal decimals (45.2 and 45.20) round to the same text.
_pourcentage_decimal = lru_cache(maxsize=4096)(_pourcentage)
_jours_decimal = lru_cache(maxsize=1024)(_jours)


@register.filter
def pourcentage(valeur) -> str:
    """45,2 % (non-breaking space), — when there is no rate."""
    if type(valeur) is Decimal:
        return _pourcentage_decimal(valeur)
    if valeur is None or valeur == "":
        return "—"
    return _pourcentage(valeur)


@register.filter
def jours(valeur) -> str:
    if type(valeur) is Decimal:
        return _jours_decimal(valeur)
    if valeur is None or valeur == "":
        return "—"
    return _jours(valeur)


@register.filter
def entier(valeur) -> str:
    """12 345 with a narrow no-break space between thousands."""
    if valeur is None or valeur == "":
        return "—"
    return f"{int(valeur):,}".replace(",", "\u202f")


def _texte(valeur) -> str:
    return "" if valeur is None else escape(str(valeur))


# Column type (gouvernance.exports) → formatter; the text columns are escaped.
FORMATS = {"euros": euros, "pourcentage": pourcentage, "jours": jours, "entier": entier}


@register.filter
def cellule(valeur, type_: str) -> str:
    """A value of a dashboard table, formatted after its column type (not escaped)."""
    if type_ in FORMATS:
        return FORMATS[type_](valeur)
    return "" if valeur is None else str(valeur)


def lignes_html(tableau) -> str:
    """The body rows of a dashboard table: the first column heads its row; figures are aligned
    on the right by the table's class (`cper-chiffres`), text cells on the left."""
    if not tableau.lignes:
        return (
            f'<tr><td class="cper-texte" colspan="{len(tableau.colonnes)}">'
            "Aucune donnée pour le moment.</td></tr>"
        )
    types = tableau.types
    premier = FORMATS.get(types[0], _texte)
    # Per column after the first: the opening tag and the formatter.
    colonnes = [
        ("<td>", FORMATS[t]) if t in FORMATS else ('<td class="cper-texte">', _texte)
        for t in types[1:]
    ]
    rangees = []
    for ligne in tableau.lignes:
        cellules = "".join(
            f"{ouvrir}{former(valeur)}</td>"
            for (ouvrir, former), valeur in zip(colonnes, ligne[1:], strict=True)
        )
        rangees.append(f'<tr><th scope="row">{premier(ligne[0])}</th>{cellules}</tr>')
    return "\n".join(rangees)


NOMS_EXPORT = {
    "pilotage": "gouvernance:pilotage_export",
    "territoire": "gouvernance:territoire_export",
}
FORMATS_EXPORT = (("csv", "CSV"), ("xlsx", "XLSX (Excel)"))


@lru_cache(maxsize=256)
def _url_export(prefixe: str, code: str, format_: str, _script: str) -> str:
    return reverse(NOMS_EXPORT[prefixe], args=[code, format_])


def _exports(context, tableau, prefixe: str, requete: str) -> str:
    """The table's CSV and XLSX buttons: each posts to the export view, whose Celery task
    writes the file; the page it leads to follows it."""
    jeton = escape(str(context.get("csrf_token", "")))
    titre = escape(tableau.titre)
    suite = f"?{escape(requete)}" if requete else ""
    script = get_script_prefix()
    boutons = "".join(
        f'<li><form method="post" action="{_url_export(prefixe, tableau.code, format_, script)}'
        f'{suite}"><input type="hidden" name="csrfmiddlewaretoken" value="{jeton}">'
        '<button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm fr-btn--icon-left '
        f'fr-icon-download-line">{libelle}<span class="fr-sr-only"> — {titre}</span></button>'
        "</form></li>"
        for format_, libelle in FORMATS_EXPORT
    )
    return (
        f'<div class="fr-mb-4w"><p class="fr-mb-1w">Télécharger « {titre} » :</p>'
        '<ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm '
        f'fr-btns-group--icon-left">{boutons}</ul></div>'
    )


@register.simple_tag(takes_context=True)
def exports(context, tableau, prefixe: str, requete: str = ""):
    """The export buttons of a table shown otherwise (or only downloadable)."""
    return mark_safe(_exports(context, tableau, prefixe, requete))  # noqa: S308 - escaped


@register.simple_tag(takes_context=True)
def tableau_de_bord(context, tableau, prefixe: str, requete: str = ""):
    """A dashboard table (gouvernance.exports.Tableau) with its caption, column headers, rows
    and export buttons; `prefixe` names the export URL (pilotage or territoire)."""
    entetes = "".join(f'<th scope="col">{escape(libelle)}</th>' for libelle, _ in tableau.colonnes)
    corps = lignes_html(tableau)
    return mark_safe(  # noqa: S308 - every value escaped or formatted above
        '<div class="fr-table fr-table--bordered cper-chiffres" '
        f'id="tableau-{escape(tableau.code)}"><table><caption>{escape(tableau.titre)}</caption>'
        f"<thead><tr>{entetes}</tr></thead>\n<tbody>\n{corps}\n</tbody></table></div>\n"
        + _exports(context, tableau, prefixe, requete)
    )


def _cellule_maquette(cellule_) -> str:
    """One cell of the maquette: envelope, requested, proposed, programmed, rate, remaining."""
    badge = ""
    if cellule_.depassement:
        badge = '<p class="fr-badge fr-badge--sm fr-badge--error">Dépassement</p>'
    elif cellule_.vigilance:
        badge = '<p class="fr-badge fr-badge--sm fr-badge--warning">Vigilance</p>'
    libere = ""
    if cellule_.libere:
        # Money of caduc or abandoned dossiers given back to the envelope.
        libere = f"<br>Libéré (caducités, renonciations) : {euros(cellule_.libere)}"
    execution = ""
    if cellule_.engage or cellule_.mandate:
        execution = (
            f"<br>Engagé : {euros(cellule_.engage)}<br>Mandaté : {euros(cellule_.mandate)}"
            f"<br>Reste à payer : {euros(cellule_.reste_a_payer)}"
            f"<br>Taux d'exécution : {pourcentage(cellule_.taux_execution)}"
        )
    return (
        f'<span class="fr-text--xs">Enveloppe : {euros(cellule_.enveloppe)}'
        f"<br>Demandé : {euros(cellule_.demande)}<br>Proposé : {euros(cellule_.propose)}"
        f"<br><strong>Programmé : {euros(cellule_.programme)}</strong>{libere}"
        f"<br>Taux : {pourcentage(cellule_.taux_programmation)}"
        f"<br>Reste : {euros(cellule_.reste)}{execution}</span>{badge}"
    )


@register.simple_tag
def lignes_maquette(maquette):
    """The body of the crossed maquette: a row per volet (its signatories' cells, then their
    total), then the row of the volets' totals."""
    rangees = [
        f'<tr><th scope="row">{escape(str(ligne.volet))}</th>'
        + "".join(f"<td>{_cellule_maquette(c)}</td>" for c in (*ligne.cellules, ligne.total))
        + "</tr>"
        for ligne in maquette.lignes
    ]
    rangees.append(
        '<tr><th scope="row">Total des volets</th>'
        + "".join(
            f"<td>{_cellule_maquette(c)}</td>"
            for c in (*maquette.totaux_financeurs, maquette.total)
        )
        + "</tr>"
    )
    return mark_safe("\n".join(rangees))  # noqa: S308 - escaped or figures only


@lru_cache(maxsize=8)
def _url_dossier_du_territoire(_script: str) -> str:
    return reverse("gouvernance:territoire_dossier", args=[0]).removesuffix("0/")


@register.simple_tag
def lignes_dossiers_du_territoire(dossiers):
    """The rows of the territory's dossiers (a page of `fichiers.VALEURS_DE_LA_PAGE` dicts):
    public fields only; what a porteur typed is escaped and kept out of htmx's reach."""
    if not dossiers:
        return mark_safe('<tr><td colspan="9">Aucun dossier déposé sur ce territoire.</td></tr>')
    debut = _url_dossier_du_territoire(get_script_prefix())
    libelles = dict(EtatDossier.choices)
    rangees = []
    for d in dossiers:
        volet = (
            escape(f"{d['volet__numero']}. {d['volet__intitule']}")
            if d["volet__numero"] is not None
            else "—"
        )
        rangees.append(
            f'<tr><td><a href="{debut}{d["pk"]}/">{escape(d["numero"])}</a></td>'
            f"<td hx-disable>{escape(d['intitule'])}</td>"
            f"<td hx-disable>{escape(d['structure__raison_sociale'])}</td>"
            f"<td>{volet}</td><td>{escape(d['noms_communes'] or '')}</td>"
            '<td><p class="fr-badge fr-badge--sm fr-badge--no-icon">'
            f"{escape(str(libelles[d['etat']]))}</p></td>"
            f'<td class="fr-cell--right">{euros(d["demande"])}</td>'
            f'<td class="fr-cell--right">{euros(d["programme"])}</td>'
            f'<td class="fr-cell--right">{euros(d["mandate"])}</td></tr>'
        )
    return mark_safe("\n".join(rangees))  # noqa: S308 - every value escaped or formatted


@register.simple_tag
def graphique_svg(graphique):
    """A server-drawn bar chart (gouvernance.graphiques): an SVG image titled for screen readers,
    whose figures are in the table that follows it on the page (its text alternative)."""
    code, titre = escape(graphique.code), escape(graphique.titre)
    barres = "".join(
        f'<text x="0" y="{barre.y_texte}" font-size="13" fill="#161616">'
        f"{escape(str(barre.libelle))} : {escape(str(barre.valeur))}</text>"
        f'<rect x="0" y="{barre.y_barre}" width="{escape(barre.largeur)}" height="12" '
        f'fill="{escape(barre.couleur)}" />\n'
        for barre in graphique.barres
    )
    return mark_safe(  # noqa: S308 - every value escaped
        f'<figure class="fr-my-2w" aria-labelledby="{code}-legende">'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{graphique.hauteur}" '
        f'role="img" aria-labelledby="{code}-titre"><title id="{code}-titre">{titre}</title>\n'
        f"{barres}</svg>"
        f'<figcaption id="{code}-legende" class="fr-text--sm">Graphique : '
        f"{escape(graphique.titre.lower())}. Les valeurs figurent dans le tableau qui suit."
        "</figcaption></figure>"
    )
