"""What the porteur sees of the decisions on their dossier (a block of instruction's page)."""

from gouvernance.selectors import seances as selectors


def decisions_pour_porteur(request, dossier) -> dict | None:
    """Decisions of closed séances on the dossier (two queries); None when there is none."""
    decisions = list(selectors.decisions_du_dossier(dossier))
    if not decisions:
        return None
    return {"template": "gouvernance/includes/_decisions_porteur.html", "decisions": decisions}
