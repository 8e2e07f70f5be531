"""The rapport d'instruction: dossier summary, financing requested vs proposed, both avis.

Private annotations are never part of it.
"""

from django.db.models import DecimalField, Exists, OuterRef, Subquery, Sum
from django.utils import timezone

from cper.documents import rendre_pdf
from cper.referentiel.models import MONTANT, Financeur
from dossiers.models import LigneFinancement

from .enums import Cote, avis_divergents
from .models import Avis, MontantPropose, Routage


def _somme(queryset, champ):
    """Sum of `champ` for the outer financeur; NULL (shown as a dash) when there is none."""
    return Subquery(
        queryset.filter(financeur=OuterRef("pk"))
        .values("financeur")
        .annotate(total=Sum(champ))
        .values("total")[:1],
        output_field=DecimalField(**MONTANT),
    )


def plan_compare(dossier) -> tuple[list[dict], dict]:
    """Per financeur: amount requested, proposed by the État side, by the Région side (1 query)."""
    demandes = LigneFinancement.objects.filter(dossier=dossier)
    proposes = MontantPropose.objects.filter(avis__dossier=dossier)
    financeurs = (
        Financeur.objects.filter(
            Exists(demandes.filter(financeur=OuterRef("pk")))
            | Exists(proposes.filter(financeur=OuterRef("pk")))
        )
        .annotate(
            demande=_somme(demandes, "montant_demande"),
            etat=_somme(proposes.filter(avis__cote=Cote.ETAT), "montant"),
            region=_somme(proposes.filter(avis__cote=Cote.REGION), "montant"),
        )
        .order_by("ordre", "nom")
    )
    lignes = [
        {"financeur": f, "demande": f.demande, "etat": f.etat, "region": f.region}
        for f in financeurs
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
            "divergents": avis_divergents(*(a.sens for a in avis)),
            "groupe": routage.groupe_technique if routage else None,
            "date": timezone.localdate(),
        },
    )
