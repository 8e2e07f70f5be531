"""The rapport d'instruction: dossier summary, financing requested vs proposed, both avis.

Private annotations are never part of it.
"""

from django.utils import timezone

from cper.documents import rendre_pdf

from .enums import avis_divergents
from .models import Avis, AvisCofinanceur, Routage
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
