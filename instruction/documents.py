"""The rapport d'instruction: dossier summary, financing requested vs proposed, both avis.

Private annotations are never part of it.
"""

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cper.documents import rendre_pdf
from cper.referentiel.models import MONTANT, Financeur
from dossiers.models import LigneFinancement

from .enums import Cote
from .models import Avis, MontantPropose, Routage

ZERO = Value(0, output_field=DecimalField(**MONTANT))


def plan_compare(dossier) -> tuple[list[dict], dict]:
    """Per financeur: amount requested, proposed by the État side, by the Région side."""
    demandes = dict(
        LigneFinancement.objects.filter(dossier=dossier)
        .values("financeur")
        .annotate(total=Coalesce(Sum("montant_demande"), ZERO))
        .values_list("financeur", "total")
    )
    proposes = {
        (ligne["financeur"], ligne["avis__cote"]): ligne["total"]
        for ligne in MontantPropose.objects.filter(avis__dossier=dossier)
        .values("financeur", "avis__cote")
        .annotate(total=Coalesce(Sum("montant"), ZERO))
    }
    ids = set(demandes) | {financeur for financeur, _ in proposes}
    lignes = [
        {
            "financeur": financeur,
            "demande": demandes.get(financeur.pk),
            "etat": proposes.get((financeur.pk, Cote.ETAT)),
            "region": proposes.get((financeur.pk, Cote.REGION)),
        }
        for financeur in Financeur.objects.filter(pk__in=ids)
    ]
    totaux = {
        cle: sum((ligne[cle] or 0) for ligne in lignes) for cle in ("demande", "etat", "region")
    }
    return lignes, totaux


def rapport_instruction_pdf(dossier) -> bytes:
    lignes, totaux = plan_compare(dossier)
    avis = list(Avis.objects.filter(dossier=dossier).select_related("donne_par"))
    routage = Routage.objects.filter(dossier=dossier).select_related("groupe_technique").first()
    return rendre_pdf(
        "instruction/pdf/rapport.html",
        {
            "dossier": dossier,
            "communes": list(dossier.communes.all()),
            "lignes": lignes,
            "totaux": totaux,
            "avis": avis,
            "divergents": len({a.sens for a in avis}) > 1,
            "groupe": routage.groupe_technique if routage else None,
            "date": timezone.localdate(),
        },
    )
