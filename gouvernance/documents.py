"""PDFs of a séance: the agenda sent with the convocation, and the relevé de décisions."""

from django.utils import timezone

from cper.appellations import au
from cper.documents import rendre_pdf
from gouvernance.selectors import instances
from gouvernance.selectors import seances as selectors


def cosignataires(le) -> list[str]:
    """The two authorities that co-sign the decisions of the instance de pilotage, with the
    titles they bore on the séance's day (cper.appellations)."""
    appellation = au(le)
    return [appellation.prefet, appellation.president]


def ordre_du_jour_pdf(seance) -> bytes:
    return rendre_pdf(
        "gouvernance/pdf/ordre_du_jour.html",
        {"seance": seance, "points": selectors.agenda(seance), "date": timezone.localdate()},
        le=seance.date,
    )


def releve_decisions_pdf(seance) -> bytes:
    """Who attended and presided, every item with its decision, amounts per financeur, motive,
    and the members who withdrew from it for a conflict of interests."""
    presences, quorum = instances.feuille_de_presence(seance)
    return rendre_pdf(
        "gouvernance/pdf/releve.html",
        {
            "seance": seance,
            "presences": presences,
            "quorum": quorum,
            "points": selectors.agenda(seance),
            "cosignataires": cosignataires(seance.date),
            "date": timezone.localdate(),
        },
        le=seance.date,
    )
