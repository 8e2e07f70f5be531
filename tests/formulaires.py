"""Read a rendered DSFR form the way a user sees it: the error under a field, the summary."""

from html import unescape


def erreur_du_champ(html: str, champ: str) -> str:
    """The text of the error block rendered next to the field `champ` ('' if none)."""
    marque = f'id="id_{champ}-desc-error"'
    if marque not in html:
        return ""
    return unescape(html.split(marque, 1)[1].split("</div>", 1)[0])


def resume_des_erreurs(html: str) -> str:
    """The error summary at the top of the page ('' if none)."""
    if 'id="resume-erreurs"' not in html:
        return ""
    return unescape(html.split('id="resume-erreurs"', 1)[1].split("</div>", 1)[0])
