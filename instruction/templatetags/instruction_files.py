"""The rows of the agents' workbenches, built in Python.

A page of a queue is 25 rows of ten cells, each with links, dates and badges: the template loop
(variable lookups, `{% url %}`, the design system's badge tag) cost more than every query of the
page. Every value is escaped by `format_html`; the markup is the one the template had.
"""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from dossiers.enums import EtatDossier as E
from instruction.enums import SensAvis, avis_divergents

register = template.Library()

# Within this many days of its deadline, a filed dossier's admissibility is « proche ».
RECEVABILITE_PROCHE = 15
COLONNES = 9  # without the selection column
BR = mark_safe("<br>")  # SafeString + SafeString stays safe; str + SafeString would not


def _badge(libelle: str, classes: str) -> str:
    return format_html('<p class="fr-badge fr-badge--sm {}">{}</p>', classes, libelle)


def _date(valeur) -> str:
    return valeur.strftime("%d/%m/%Y")


def liens(nom_url: str):
    """`pk -> reverse(nom_url, args=[pk])` for a URL whose last part is a dossier's id, with one
    `reverse` per page rather than one per row."""
    avant, milieu, apres = reverse(nom_url, args=[0]).rpartition("/0/")
    if not milieu:  # pragma: no cover - every URL used here ends with /<pk>/…
        return lambda pk: reverse(nom_url, args=[pk])
    return lambda pk: f"{avant}/{pk}/{apres}"


def _selection(dossier) -> str:
    if dossier.etat != E.DEPOSE:
        return mark_safe("<td></td>")
    return format_html(
        '<td><div class="fr-checkbox-group fr-checkbox-group--sm">'
        '<input type="checkbox" id="selection-{pk}" name="dossiers" value="{pk}" form="form-lot">'
        '<label class="fr-label" for="selection-{pk}">'
        '<span class="fr-sr-only">Sélectionner le dossier {numero}</span></label></div></td>',
        pk=dossier.pk,
        numero=dossier.numero,
    )


def _numero(dossier, url: str, lecture: bool) -> str:
    html = format_html('<a href="{}">{}</a>', url, dossier.numero)
    if lecture:
        html += format_html(
            '<br><span class="fr-text--xs">Déposé auprès de : {}</span>', dossier.guichet.nom
        )
    if dossier.guichet_conjoint:
        html += format_html(
            '<br><span class="fr-text--xs">Dépôt conjoint : {} et {}</span>',
            dossier.guichet.nom,
            dossier.guichet_conjoint,
        )
    return html


def _etat(dossier) -> str:
    html = _badge(dossier.get_etat_display(), "fr-badge--no-icon")
    if dossier.echeance_complements:
        html += format_html(
            '<br><span class="fr-text--xs">Compléments attendus le {}</span>',
            _date(dossier.echeance_complements),
        )
    return html


def _depot(dossier, aujourdhui) -> str:
    depot = timezone.localtime(dossier.depose_le).date()
    jours = (aujourdhui - depot).days
    html = format_html(
        '{}<br><span class="fr-text--xs">il y a {} jour{}</span>',
        _date(depot),
        jours,
        "" if jours == 1 else "s",
    )
    if dossier.etat == E.DEPOSE:
        limite = dossier.limite_recevabilite
        if aujourdhui > limite:
            html += BR + _badge("Délai de recevabilité dépassé", "fr-badge--error")
        elif (limite - aujourdhui).days <= RECEVABILITE_PROCHE:
            html += (
                BR
                + _badge("Délai de recevabilité proche", "fr-badge--warning")
                + format_html('<span class="fr-text--xs">avant le {}</span>', _date(limite))
            )
    return html


def _avis(dossier) -> str:
    html = format_html(
        "État : {}<br>Région : {}",
        SensAvis(dossier.avis_etat).label if dossier.avis_etat else "attendu",
        SensAvis(dossier.avis_region).label if dossier.avis_region else "attendu",
    )
    if avis_divergents(dossier.avis_etat, dossier.avis_region):
        html += BR + _badge("Avis divergents", "fr-badge--warning")
    return html


@register.simple_tag(takes_context=True)
def lignes_file(context, page):
    """The body rows of a queue's page (`selectors.annoter_file` rows); the agent reads « Vous »
    where the dossier is assigned to them. From the including template: `selection_possible`
    (the guichet's checkboxes for the batch form) and `lecture` (the dossiers followed read
    only, whose links lead to the read-only page and which name their guichet)."""
    selection_possible = bool(context.get("selection_possible"))
    lecture = bool(context.get("lecture"))
    if not page:
        return format_html(
            '<tr><td colspan="{}">Aucun dossier ne correspond.</td></tr>',
            COLONNES + (1 if selection_possible else 0),
        )
    moi = context["request"].user.pk
    aujourdhui = timezone.localdate()
    lien = liens("dossiers:detail" if lecture else "instruction:dossier")
    rangees = []
    for dossier in page:
        suivi_par = "Vous" if dossier.suivi_par_id == moi else dossier.suivi_par_nom or "—"
        rangees.append(
            format_html(
                "<tr>{}<td>{}</td><td hx-disable>{}</td><td hx-disable>{}</td>"
                "<td hx-disable>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                "<td hx-disable>{}</td></tr>",
                _selection(dossier) if selection_possible else "",
                _numero(dossier, lien(dossier.pk), lecture),
                dossier.intitule,
                dossier.structure.raison_sociale,
                (dossier.volet.intitule if dossier.volet_id else "") or "—",
                _etat(dossier),
                _depot(dossier, aujourdhui),
                dossier.groupe_nom or "—",
                _avis(dossier),
                suivi_par,
            )
        )
    return mark_safe("\n".join(rangees))  # noqa: S308 - every part built by format_html


@register.simple_tag
def demandes_en_retard(demandes, *, clore_possible=False):
    """The items of « Demandes de compléments en retard » (up to 20 a page); the guichet may
    close each dossier from here."""
    dossier, clore = liens("instruction:dossier"), liens("instruction:clore")
    items = []
    for demande in demandes:
        numero = demande.dossier.numero
        html = format_html(
            '<li><a href="{}">{}</a> — {} — échéance dépassée le {}',
            dossier(demande.dossier_id),
            numero,
            demande.dossier.structure.raison_sociale,
            _date(demande.echeance),
        )
        if clore_possible:
            html += format_html(
                ' — <a href="{}">Clore le dossier<span class="fr-sr-only"> {}</span></a>',
                clore(demande.dossier_id),
                numero,
            )
        items.append(html + "</li>")
    return mark_safe("\n".join(items))  # noqa: S308 - every part built by format_html
