"""Reads of the reference data that are more than one QuerySet method."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce

from .models import ZERO, Enveloppe, Financeur, Volet


@dataclass
class LigneMatrice:
    volet: Volet
    cellules: list
    total: Decimal
    ecart: Decimal


@dataclass
class MatriceEnveloppes:
    signataires: list
    lignes: list[LigneMatrice]
    totaux: list = field(default_factory=list)
    ecarts: list = field(default_factory=list)
    total: Decimal = ZERO
    total_contractualise: Decimal = ZERO
    illustratif: bool = False


def matrice_enveloppes() -> MatriceEnveloppes:
    """Volets × signatories with row and column totals from the database (five queries)."""
    signataires = list(Financeur.objects.filter(signataire=True))
    volets = list(Volet.objects.order_by("numero"))
    montants = {
        (e["volet_id"], e["financeur_id"]): e
        for e in Enveloppe.objects.values("volet_id", "financeur_id", "montant", "illustratif")
    }
    par_volet = Enveloppe.objects.totaux_par_volet()
    par_financeur = Enveloppe.objects.totaux_par_financeur()
    lignes = []
    for volet in volets:
        total = par_volet.get(volet.pk, ZERO)
        lignes.append(
            LigneMatrice(
                volet=volet,
                cellules=[montants.get((volet.pk, s.pk), {}).get("montant") for s in signataires],
                total=total,
                ecart=total - volet.montant,
            )
        )
    totaux = [par_financeur.get(s.pk, ZERO) for s in signataires]
    return MatriceEnveloppes(
        signataires=signataires,
        lignes=lignes,
        totaux=totaux,
        ecarts=[
            t - (s.montant_contractualise or ZERO) for t, s in zip(totaux, signataires, strict=True)
        ],
        total=sum(totaux, ZERO),
        total_contractualise=sum((s.montant_contractualise or ZERO for s in signataires), ZERO),
        illustratif=any(e["illustratif"] for e in montants.values()),
    )


def total_volets() -> Decimal:
    return Volet.objects.aggregate(total=Coalesce(Sum("montant"), ZERO))["total"]
