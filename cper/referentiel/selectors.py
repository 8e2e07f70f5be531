"""Reads of the reference data that are more than one QuerySet method."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce

from .models import (
    ZERO,
    AvenantContrat,
    Contrat,
    Enveloppe,
    Financeur,
    RevisionEnveloppe,
    Volet,
)


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


@dataclass
class Version:
    """The signed contract (avenant None) or one avenant: a column of the history."""

    libelle: str
    date: datetime.date
    avenant: AvenantContrat | None = None
    total: Decimal = ZERO


@dataclass
class LigneHistorique:
    enveloppe: Enveloppe
    # Per version: the amount in force from it on, and whether that version revised it.
    cellules: list[tuple[Decimal, bool]]


@dataclass
class HistoriqueEnveloppes:
    versions: list[Version]
    lignes: list[LigneHistorique]
    illustratif: bool = False


def historique_enveloppes() -> HistoriqueEnveloppes:
    """Every envelope across the signed contract and its avenants, oldest first (four queries:
    contract, avenants, envelopes, revisions). Only envelopes some avenant revised are rows;
    the totals cover all of them."""
    contrat = Contrat.objects.order_by("pk").first()
    if contrat is None:
        return HistoriqueEnveloppes(versions=[], lignes=[])
    avenants = list(contrat.avenants.order_by("numero"))
    versions = [Version(libelle="Contrat signé", date=contrat.date_signature)] + [
        Version(libelle=f"Avenant n° {a.numero}", date=a.date, avenant=a) for a in avenants
    ]
    enveloppes = list(
        Enveloppe.objects.filter(volet__contrat=contrat)
        .select_related("volet", "financeur")
        .order_by("volet__numero", "financeur__ordre")
    )
    revisions = {
        (r["avenant_id"], r["enveloppe_id"]): r["montant"]
        for r in RevisionEnveloppe.objects.filter(avenant__contrat=contrat).values(
            "avenant_id", "enveloppe_id", "montant"
        )
    }
    lignes = []
    for enveloppe in enveloppes:
        cellules, courant = [(enveloppe.montant, False)], enveloppe.montant
        for avenant in avenants:
            nouveau = revisions.get((avenant.pk, enveloppe.pk))
            courant = courant if nouveau is None else nouveau
            cellules.append((courant, nouveau is not None))
        for version, (montant, _revise) in zip(versions, cellules, strict=True):
            version.total += montant
        if any(revise for _montant, revise in cellules):
            lignes.append(LigneHistorique(enveloppe=enveloppe, cellules=cellules))
    return HistoriqueEnveloppes(
        versions=versions,
        lignes=lignes,
        illustratif=any(e.illustratif for e in enveloppes) or any(a.illustratif for a in avenants),
    )
