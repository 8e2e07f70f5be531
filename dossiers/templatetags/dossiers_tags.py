from functools import cache

from django import template
from django.template.loader import render_to_string

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
