"""The programmed amounts in the events of a dossier (`cper.evenements`), once decided.

The decision service writes the decision and its amounts before it fires `programmer`, so the
event `dossier.programmer` carries them, as does every later event of the dossier.
"""

from cper import evenements
from dossiers.models import Dossier
from gouvernance.selectors.programmation import programmations


def donnees_programmation(dossier: Dossier) -> dict:
    programmation = programmations([dossier.pk]).get(dossier.pk)
    if programmation is None:
        return {}
    return {
        "programmation": {
            "date_decision": programmation.date_decision.isoformat(),
            "montants": [
                {
                    "financeur": {"code": m.financeur.code, "nom": m.financeur.nom},
                    "montant": str(m.montant),
                }
                for m in programmation.montants
            ],
            "total": str(programmation.total),
        }
    }


def enregistrer() -> None:
    evenements.enregistrer_donnees(Dossier, donnees_programmation)
