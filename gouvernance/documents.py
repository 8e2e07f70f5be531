"""PDFs of a séance: the agenda sent with the convocation, and the relevé de décisions."""

from django.utils import timezone

from cper.documents import rendre_pdf
from gouvernance.selectors import instances
from gouvernance.selectors import seances as selectors

# The two authorities that co-sign the decisions of the instance de pilotage.
COSIGNATAIRES = [
    "Le préfet de la région Hauts-de-France, préfet du Nord",
    "Le président du Conseil régional des Hauts-de-France",
]


def ordre_du_jour_pdf(seance) -> bytes:
    return rendre_pdf(
        "gouvernance/pdf/ordre_du_jour.html",
        {"seance": seance, "points": selectors.agenda(seance), "date": timezone.localdate()},
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
            "cosignataires": COSIGNATAIRES,
            "date": timezone.localdate(),
        },
    )
