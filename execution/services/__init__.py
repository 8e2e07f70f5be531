"""Every write of the execution: acts, commencement, payments, reversements, the dossier's end.

Each service: access check → state check → transition → save → aggregates → side effects
through the outbox. PermissionDenied means "not for this user"; TransitionNotAllowed and
ConcurrentTransition mean the dossier or the request moved on (views say « Action déjà
effectuée »); `RegleNonRespectee` carries the French sentence of the rule that refuses.
"""

from .actes import acte_etablir, acte_notifier, acte_signer
from .avenants import acte_avenant
from .commun import RegleNonRespectee
from .dossier import commencement_declarer, dossier_abandonner, dossier_cloturer
from .echeances import (
    caducite_confirmer,
    caducite_ecarter,
    echeances_surveiller,
    prorogation_decider,
    prorogation_demander,
)
from .versements import (
    demande_versement_accepter,
    demande_versement_completer,
    demande_versement_demander_complements,
    demande_versement_deposer,
    demande_versement_refuser,
    reversement_recouvrer,
    versement_mandater,
    versements_mandater_en_lot,
)

__all__ = [
    "RegleNonRespectee",
    "acte_avenant",
    "acte_etablir",
    "acte_notifier",
    "acte_signer",
    "caducite_confirmer",
    "caducite_ecarter",
    "commencement_declarer",
    "demande_versement_accepter",
    "demande_versement_completer",
    "demande_versement_demander_complements",
    "demande_versement_deposer",
    "demande_versement_refuser",
    "dossier_abandonner",
    "dossier_cloturer",
    "echeances_surveiller",
    "prorogation_decider",
    "prorogation_demander",
    "reversement_recouvrer",
    "versement_mandater",
    "versements_mandater_en_lot",
]
