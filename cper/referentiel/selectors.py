"""Reads of the reference data that are more than one QuerySet method."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.formats import date_format

from cper.requetes import RequeteCompilee

from .models import (
    ZERO,
    AvenantContrat,
    Contrat,
    Enveloppe,
    Financeur,
    ProlongationContrat,
    RevisionEnveloppe,
    Volet,
)

# Every volet in its model's order (the choices of the workbenches' and the agenda's search
# forms), its SQL compiled once per process.
VOLETS = RequeteCompilee(Volet.objects.all)


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


# --- The contract's calendar: when demands may be filed -------------------------------------


def _date_fr(jour: datetime.date) -> str:
    texte = date_format(jour, "j F Y")
    return texte.replace("1 ", "1er ", 1) if jour.day == 1 else texte


@dataclass(frozen=True)
class PeriodeDepot:
    """The days a demand on a volet may be filed: the contract's period, stretched by the
    latest extension of the whole contract or of that volet."""

    contrat: Contrat
    debut: datetime.date
    fin: datetime.date
    prolongation: object | None  # the ProlongationContrat that sets `fin`, if any

    def couvre(self, jour: datetime.date) -> bool:
        return self.debut <= jour <= self.fin

    def refus(self) -> str:
        """The French message shown when a demand is filed outside the period."""
        message = (
            f"Le dépôt n'est pas ouvert à cette date : le {self.contrat.intitule} reçoit les "
            f"demandes du {_date_fr(self.debut)} au {_date_fr(self.contrat.fin)}"
        )
        if self.prolongation is not None:
            cible = (
                f"pour le volet « {self.prolongation.volet.intitule} »"
                if self.prolongation.volet_id
                else "pour tout le contrat"
            )
            message += f", prolongé jusqu'au {_date_fr(self.fin)} {cible}"
        return message + "."


def periode_de_depot(volet: Volet | None) -> PeriodeDepot | None:
    """The filing period of a volet's demands (two queries); None without any contract."""
    contrat = (
        Contrat.objects.get(pk=volet.contrat_id) if volet is not None else Contrat.objects.first()
    )
    if contrat is None:
        return None
    prolongation = (
        ProlongationContrat.objects.filter(contrat=contrat, jusqu_au__gt=contrat.fin)
        .filter(Q(volet__isnull=True) | Q(volet=volet))
        .select_related("volet")
        .order_by("-jusqu_au", "pk")
        .first()
    )
    fin = prolongation.jusqu_au if prolongation else contrat.fin
    return PeriodeDepot(contrat=contrat, debut=contrat.debut, fin=fin, prolongation=prolongation)
