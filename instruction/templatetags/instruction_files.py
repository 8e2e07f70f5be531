"""The rows of the agents' workbenches, built in Python.

A page of a queue is 25 rows of ten cells, each with links, dates and badges: the template loop
(variable lookups, `{% url %}`, the design system's badge tag) cost more than every query of the
page. The markup is the one the template had; every value goes through `e` (escaped unless it
is already markup), the helpers return markup as plain strings, marked safe once at the end.
"""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from cper.balisage import echapper as e
from dossiers.enums import EtatDossier as E
from instruction.enums import SensAvis, avis_divergents

register = template.Library()

# Within this many days of its deadline, a filed dossier's admissibility is « proche ».
RECEVABILITE_PROCHE = 15
COLONNES = 9  # without the selection column
# What `get_etat_display` reads, once (it flattens the field's choices on every call).
LIBELLES_ETATS = dict(E.choices)


def _badge(libelle: str, classes: str) -> str:
    return f'<p class="fr-badge fr-badge--sm {classes}">{e(libelle)}</p>'


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
    if dossier["etat"] != E.DEPOSE:
        return "<td></td>"
    pk = int(dossier["pk"])
    return (
        '<td><div class="fr-checkbox-group fr-checkbox-group--sm">'
        f'<input type="checkbox" id="selection-{pk}" name="dossiers" value="{pk}" form="form-lot">'
        f'<label class="fr-label" for="selection-{pk}">'
        f'<span class="fr-sr-only">Sélectionner le dossier {e(dossier["numero"])}</span></label>'
        "</div></td>"
    )


def _numero(dossier, url: str, lecture: bool) -> str:
    html = f'<a href="{e(url)}">{e(dossier["numero"])}</a>'
    if lecture:
        html += (
            f'<br><span class="fr-text--xs">Déposé auprès de : {e(dossier["guichet__nom"])}</span>'
        )
    if dossier["guichet_conjoint"]:
        html += (
            '<br><span class="fr-text--xs">Dépôt conjoint : '
            f"{e(dossier['guichet__nom'])} et {e(dossier['guichet_conjoint'])}</span>"
        )
    return html


def _etat(dossier) -> str:
    html = _badge(LIBELLES_ETATS.get(dossier["etat"], dossier["etat"]), "fr-badge--no-icon")
    if dossier["echeance_complements"]:
        html += (
            '<br><span class="fr-text--xs">Compléments attendus le '
            f"{_date(dossier['echeance_complements'])}</span>"
        )
    return html


def _depot(dossier, aujourdhui) -> str:
    depot = timezone.localtime(dossier["depose_le"]).date()
    jours = (aujourdhui - depot).days
    pluriel = "" if jours == 1 else "s"
    html = f'{_date(depot)}<br><span class="fr-text--xs">il y a {jours} jour{pluriel}</span>'
    if dossier["etat"] == E.DEPOSE:
        limite = dossier["limite_recevabilite"]
        if aujourdhui > limite:
            html += "<br>" + _badge("Délai de recevabilité dépassé", "fr-badge--error")
        elif (limite - aujourdhui).days <= RECEVABILITE_PROCHE:
            html += (
                "<br>"
                + _badge("Délai de recevabilité proche", "fr-badge--warning")
                + f'<span class="fr-text--xs">avant le {_date(limite)}</span>'
            )
    return html


def _avis(dossier) -> str:
    avis_etat, avis_region = dossier["avis_etat"], dossier["avis_region"]
    etat = SensAvis(avis_etat).label if avis_etat else "attendu"
    region = SensAvis(avis_region).label if avis_region else "attendu"
    html = f"État : {e(etat)}<br>Région : {e(region)}"
    if avis_divergents(avis_etat, avis_region):
        html += "<br>" + _badge("Avis divergents", "fr-badge--warning")
    return html


@register.simple_tag(takes_context=True)
def lignes_file(context, page):
    """The body rows of a queue's page (`selectors.lignes_de_file` rows, dicts); the agent
    reads « Vous » where the dossier is assigned to them. From the including template:
    `selection_possible` (the guichet's checkboxes for the batch form) and `lecture` (the
    dossiers followed read only, whose links lead to the read-only page and which name their
    guichet)."""
    selection_possible = bool(context.get("selection_possible"))
    lecture = bool(context.get("lecture"))
    if not page:
        colonnes = COLONNES + (1 if selection_possible else 0)
        vide = f'<tr><td colspan="{colonnes}">Aucun dossier ne correspond.</td></tr>'
        return mark_safe(vide)  # noqa: S308 - a number and our text
    moi = context["request"].user.pk
    aujourdhui = timezone.localdate()
    lien = liens("dossiers:detail" if lecture else "instruction:dossier")
    rangees = []
    for dossier in page:
        suivi_par = "Vous" if dossier["suivi_par_id"] == moi else dossier["suivi_par_nom"] or "—"
        volet = (dossier["volet__intitule"] if dossier["volet_id"] else "") or "—"
        rangees.append(
            "<tr>"
            + (_selection(dossier) if selection_possible else "")
            + f"<td>{_numero(dossier, lien(dossier['pk']), lecture)}</td>"
            f"<td hx-disable>{e(dossier['intitule'])}</td>"
            f"<td hx-disable>{e(dossier['structure__raison_sociale'])}</td>"
            f"<td hx-disable>{e(volet)}</td>"
            f"<td>{_etat(dossier)}</td>"
            f"<td>{_depot(dossier, aujourdhui)}</td>"
            f"<td>{e(dossier['groupe_nom'] or '—')}</td>"
            f"<td>{_avis(dossier)}</td>"
            f"<td hx-disable>{e(suivi_par)}</td></tr>"
        )
    return mark_safe("\n".join(rangees))  # noqa: S308 - every value escaped by e()


@register.simple_tag
def demandes_en_retard(demandes, *, clore_possible=False):
    """The items of « Demandes de compléments en retard » (`selectors.demandes_en_retard` rows,
    up to 20 a page); the guichet may close each dossier from here."""
    dossier, clore = liens("instruction:dossier"), liens("instruction:clore")
    items = []
    for demande in demandes:
        numero = e(demande["numero"])
        html = (
            f'<li><a href="{e(dossier(demande["dossier_id"]))}">{numero}</a>'
            f" — {e(demande['structure'])}"
            f" — échéance dépassée le {_date(demande['echeance'])}"
        )
        if clore_possible:
            html += (
                f' — <a href="{e(clore(demande["dossier_id"]))}">Clore le dossier'
                f'<span class="fr-sr-only"> {numero}</span></a>'
            )
        items.append(html + "</li>")
    return mark_safe("\n".join(items))  # noqa: S308 - every value escaped by e()
