from functools import cache

from django import template
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.safestring import mark_safe

from cper.balisage import echapper as e
from dossiers.enums import EtatDossier

register = template.Library()

E = EtatDossier

# DSFR badge colours: grey while in the porteur's hands or closed, system colours otherwise.
CLASSES_ETAT = {
    E.BROUILLON: "fr-badge--new fr-badge--no-icon",
    E.DEPOSE: "fr-badge--info",
    E.INCOMPLET: "fr-badge--warning",
    E.IRRECEVABLE: "fr-badge--error",
    E.CLASSE_SANS_SUITE: "",
    E.EN_INSTRUCTION: "fr-badge--info",
    E.INSTRUIT: "fr-badge--info",
    E.PROGRAMME: "fr-badge--success",
    E.REJETE: "fr-badge--error",
    E.RETIRE: "",
    E.ATTRIBUE: "fr-badge--success",
    E.EN_COURS: "fr-badge--success",
    E.SOLDE: "fr-badge--success",
    E.CLOTURE: "",
    E.CADUC: "fr-badge--error",
    E.ABANDONNE: "",
}


def _donnees_badge(etat: str, petit: bool) -> dict:
    classes = CLASSES_ETAT.get(etat, "")
    if petit:
        classes = f"{classes} fr-badge--sm".strip()
    return {"self": {"label": E(etat).label, "extra_classes": classes}}


@register.inclusion_tag("dsfr/badge.html")
def badge_etat(etat: str, petit: bool = False) -> dict:
    """The dossier's state as a DSFR badge."""
    return _donnees_badge(etat, petit)


@cache
def badge_etat_html(etat: str) -> str:
    """The small badge as HTML, for table cells built in Python (rendered once per state)."""
    return render_to_string("dsfr/badge.html", _donnees_badge(etat, True)).strip()


def _evenement(evenement) -> str:
    date = timezone.localtime(evenement.date)
    html = (
        f'<li><time datetime="{e(format_date(date, "c"))}">'
        f"{e(format_date(date, 'j F Y à H:i'))}</time> : <strong>{e(evenement.titre)}</strong>"
    )
    if evenement.par:
        html += f" par {e(evenement.par)}"
    if evenement.commentaire:
        html += (
            f' <br><span class="fr-text--sm">'
            f"{linebreaksbr(evenement.commentaire, autoescape=True)}</span>"
        )
    return html + "</li>"


@register.simple_tag
def chronologie(evenements) -> str:
    """The dossier's timeline (`dossiers.selectors.porteur.chronologie`), written in Python:
    the markup the template loop had, every value escaped (tests/dossiers/test_porteur.py
    compares them)."""
    lignes = "".join(_evenement(evenement) for evenement in evenements)
    # S308: every value above is escaped.
    return mark_safe(  # noqa: S308
        f'<h2 id="chronologie">Chronologie</h2><ol hx-disable class="fr-mb-4w">{lignes}</ol>'
    )


def _piece(lien, piece) -> str:
    if piece.disponible:
        fichier = f'<a hx-disable href="{e(lien(piece.pk))}">{e(piece.nom_original)}</a>'
    else:
        fichier = f"<span hx-disable>{e(piece.nom_original)}</span> (en cours d'analyse antivirus)"
    return f"<li>{e(piece.get_type_display())} : {fichier}</li>"


@register.simple_tag
def pieces_du_dossier(dossier) -> str:
    """The dossier's pieces (`liste_pieces`), a download link for each one the antivirus
    passed, written in Python: the markup the template loop had (compared by a test)."""
    if not dossier.liste_pieces:
        return mark_safe("<p>Aucune pièce jointe.</p>")
    # One `reverse` for the page: the piece's id is the URL's last number.
    avant, _, apres = reverse("dossiers:piece_telecharger", args=[dossier.pk, 0]).rpartition("/0/")
    lignes = "".join(
        _piece(lambda pk: f"{avant}/{int(pk)}/{apres}", piece) for piece in dossier.liste_pieces
    )
    # S308: every value above is escaped.
    return mark_safe(f"<ul>{lignes}</ul>")  # noqa: S308
