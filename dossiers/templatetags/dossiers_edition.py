from django import template

from dossiers.completude import completude

register = template.Library()


@register.inclusion_tag("dossiers/includes/_sections.html")
def sections_du_dossier(dossier, section=""):
    """The section summary on pages outside the form (pièces, dépôt)."""
    return {"dossier": dossier, "section": section, "sections": completude(dossier.pk).sections()}
