"""The public fields of a dossier's events (`cper.evenements`): its number, volet and states.

Registered at start-up; every transition of `Dossier.etat` then publishes `dossier.<transition>`.
"""

from cper import evenements

from .models import Dossier

# In the order of the dossier's life (the order offered to the subscriptions).
LIBELLES = {
    "deposer": "Dossier déposé",
    "demander_complements": "Compléments demandés",
    "completer": "Compléments apportés",
    "declarer_recevable": "Dossier déclaré recevable",
    "declarer_irrecevable": "Dossier déclaré irrecevable",
    "classer_sans_suite": "Dossier classé sans suite",
    "conclure_instruction": "Instruction conclue",
    "ajourner": "Dossier ajourné",
    "programmer": "Dossier programmé",
    "rejeter": "Dossier rejeté",
    "retirer": "Dossier retiré par son porteur",
    "attribuer": "Acte attributif notifié",
    "commencer": "Commencement déclaré",
    "solder": "Dossier soldé",
    "cloturer": "Dossier clôturé",
    "abandonner": "Dossier abandonné par son porteur",
    "declarer_caduc": "Dossier déclaré caduc",
}


def donnees_dossier(dossier: Dossier) -> dict | None:
    """Number and volet; None for a dossier never filed (a draft is nobody's business)."""
    if not dossier.numero:
        return None
    volet = dossier.volet
    return {
        "numero": dossier.numero,
        "volet": {"code": volet.code, "intitule": volet.intitule} if volet else None,
    }


def enregistrer() -> None:
    evenements.enregistrer_donnees(Dossier, donnees_dossier, libelles=LIBELLES)
