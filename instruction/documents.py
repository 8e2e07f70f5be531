"""The rapport d'instruction (dossier summary, financing requested vs proposed, both avis) and
the guichet's letters to the porteur (`Courrier`).

Private annotations are never part of them.
"""

import datetime

from django.utils import timezone

from cper.documents import rendre_pdf

from .enums import TypeCourrier, avis_divergents
from .models import Avis, AvisCofinanceur, DemandeComplements, Routage
from .selectors import montants_divergents, plan_compare, seuil_ecart_montants, totaux_du_plan


def rapport_instruction_pdf(dossier) -> bytes:
    lignes = plan_compare([dossier.pk]).get(dossier.pk, [])
    avis = list(Avis.objects.filter(dossier=dossier).select_related("donne_par"))
    routage = Routage.objects.filter(dossier=dossier).select_related("groupe_technique").first()
    return rendre_pdf(
        "instruction/pdf/rapport.html",
        {
            "dossier": dossier,
            "communes": list(dossier.communes.all()),
            "lignes": lignes,
            "totaux": totaux_du_plan(lignes),
            "avis": avis,
            "divergents": avis_divergents(*(a.sens for a in avis)),
            "montants_divergents": montants_divergents(lignes),
            "seuil": seuil_ecart_montants(),
            "avis_cofinanceurs": AvisCofinanceur.objects.filter(dossier=dossier).select_related(
                "financeur", "donne_par"
            ),
            "groupe": routage.groupe_technique if routage else None,
            "date": timezone.localdate(),
        },
    )


# Décret n° 2018-514 applies to the requests filed from this day on (its article 17); before
# it, décret n° 99-1060. The same date as execution's, which sits above this floor.
DEBUT_DECRET_2018 = datetime.date(2018, 10, 1)


def date_dossier_complet(dossier) -> datetime.date:
    """The day the dossier became complete: its last answered request, or its dépôt."""
    derniere = (
        DemandeComplements.objects.filter(dossier=dossier, repondue_le__isnull=False)
        .order_by("-repondue_le")
        .values_list("repondue_le", flat=True)
        .first()
    )
    return timezone.localdate(derniere or dossier.depose_le)


def courrier_pdf(courrier) -> bytes:
    """The letter of one `Courrier`, from what its row recorded when it was written."""
    dossier = courrier.dossier
    depose = timezone.localdate(dossier.depose_le)
    contexte = {
        "courrier": courrier,
        "dossier": dossier,
        "structure": dossier.structure,
        "guichet": dossier.guichet,
        "demande": courrier.demande,
        "date": timezone.localdate(courrier.created_at),
        "depose": depose,
        "regime_1999": depose < DEBUT_DECRET_2018,
    }
    if courrier.type == TypeCourrier.ATTESTATION_COMPLET:
        contexte["complet_le"] = date_dossier_complet(dossier)
    return rendre_pdf(
        f"instruction/pdf/courrier_{courrier.type}.html", contexte, le=courrier.created_at
    )
