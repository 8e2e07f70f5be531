"""The maquette financière: per volet × signatory, envelope against requested, proposed, programmed.

Every figure is read from the volet × financeur × state totals kept current by the services that
move money (dossiers.agregats): six small queries whatever the number of dossiers (volets,
signatories, envelopes, requested, proposed, programmed), each over a few hundred rows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, DecimalField, F, Q, Sum, When
from django.utils import timezone

from cper.referentiel.models import Enveloppe, Financeur, Volet
from dossiers.enums import EtatDossier as E
from dossiers.models import AgregatVolet

ZERO = Decimal("0.00")
# Requested money counts while the dossier may still be programmed.
ETATS_EN_COURS = [E.DEPOSE, E.INCOMPLET, E.EN_INSTRUCTION, E.INSTRUIT]
# Proposed money exists once the groupe technique works on the dossier.
ETATS_PROPOSES = [E.EN_INSTRUCTION, E.INSTRUIT]
# Their unpaid programmed money returns to the envelope.
ETATS_LIBERES = [E.CADUC, E.ABANDONNE]


def taux(part: Decimal, total: Decimal) -> Decimal | None:
    """part / total in per cent with one decimal; None when the total is nil."""
    if not total:
        return None
    return (Decimal(100) * part / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Cellule:
    enveloppe: Decimal = ZERO
    demande: Decimal = ZERO
    propose: Decimal = ZERO
    programme: Decimal = ZERO
    # Programmed money given back by caduc or abandoned dossiers (already out of `programme`).
    libere: Decimal = ZERO
    # The execution (kept by execution's registered aggregate sources).
    engage: Decimal = ZERO
    mandate: Decimal = ZERO

    def __add__(self, autre: "Cellule") -> "Cellule":
        return Cellule(
            enveloppe=self.enveloppe + autre.enveloppe,
            demande=self.demande + autre.demande,
            propose=self.propose + autre.propose,
            programme=self.programme + autre.programme,
            libere=self.libere + autre.libere,
            engage=self.engage + autre.engage,
            mandate=self.mandate + autre.mandate,
        )

    @property
    def reste_a_payer(self) -> Decimal:
        """Programmed (still standing) and not paid yet."""
        return self.programme - self.mandate

    @property
    def taux_execution(self) -> Decimal | None:
        """Paid / programmed, in per cent."""
        return taux(self.mandate, self.programme)

    @property
    def taux_programmation(self) -> Decimal | None:
        return taux(self.programme, self.enveloppe)

    @property
    def reste(self) -> Decimal:
        """What is left to programme on the envelope (negative when overrun)."""
        return self.enveloppe - self.programme

    @property
    def depassement(self) -> bool:
        """Programmed beyond the envelope."""
        return self.programme > self.enveloppe

    @property
    def vigilance(self) -> bool:
        """Not overrun yet, but programmed plus proposed would exceed the envelope."""
        return not self.depassement and self.programme + self.propose > self.enveloppe


@dataclass
class LigneMaquette:
    volet: Volet
    cellules: list[Cellule]
    total: Cellule


@dataclass
class Maquette:
    le: datetime.date
    financeurs: list[Financeur]
    lignes: list[LigneMaquette]
    totaux_financeurs: list[Cellule]
    total: Cellule
    alertes: list[str] = field(default_factory=list)

    def a_plat(self):
        """(volet libellé, financeur libellé, Cellule) rows, totals included: for exports."""
        for ligne in self.lignes:
            for financeur, cellule in zip(self.financeurs, ligne.cellules, strict=True):
                yield str(ligne.volet), financeur.nom, cellule
            yield str(ligne.volet), "Total des signataires", ligne.total
        for financeur, cellule in zip(self.financeurs, self.totaux_financeurs, strict=True):
            yield "Total des volets", financeur.nom, cellule
        yield "Total des volets", "Total des signataires", self.total


def _somme_des_agregats(colonne: str, etats: list | None = None) -> dict:
    """One column of the volet × financeur × state totals summed per (volet, financeur).

    One query over a few hundred rows (dossiers.agregats keeps them current): none of the
    financing lines, avis, decisions or dossiers is read.
    """
    lignes = AgregatVolet.objects.all()
    if etats is not None:
        lignes = lignes.filter(etat__in=etats)
    lignes = lignes.values("volet_id", "financeur_id").annotate(total=Sum(colonne)).order_by()
    return {(ligne["volet_id"], ligne["financeur_id"]): ligne["total"] or ZERO for ligne in lignes}


def demandes_par_volet_et_financeur() -> dict:
    """Requested amounts of the dossiers in progress (one query)."""
    return _somme_des_agregats("demande", ETATS_EN_COURS)


def propositions_par_volet_et_financeur() -> dict:
    """Per dossier and financeur the lower of the two sides' proposals, summed (one query).

    The per-dossier rule is applied when the aggregate rows are written: a side that gave its
    avis without an amount for a financeur proposes nothing for it; while only one side has
    given its avis, its proposal stands alone.
    """
    return _somme_des_agregats("propose", ETATS_PROPOSES)


def programmations_et_liberations() -> tuple[dict, dict]:
    """Programmed amounts of the decisions 'programmé', and per cell what was released,
    engaged (acts' legal commitments) and paid (mandated, less reversements) (one query).

    A dossier that became caduc or was abandoned keeps on its envelope only what was paid
    (mandated, less what a reversement brought back): the rest of its programmed money is
    released and returns to the envelope.
    """
    liberes = Q(etat__in=ETATS_LIBERES)
    lignes = (
        AgregatVolet.objects.values("volet_id", "financeur_id")
        .annotate(
            programme_net=Sum(
                Case(When(liberes, then=F("mandate")), default=F("programme")),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            ),
            libere=Sum(F("programme") - F("mandate"), filter=liberes),
            engage=Sum("engage"),
            mandate=Sum("mandate"),
        )
        .order_by()
    )
    programmes, liberations = {}, {}
    for ligne in lignes:
        cle = (ligne["volet_id"], ligne["financeur_id"])
        programmes[cle] = ligne["programme_net"] or ZERO
        liberations[cle] = {
            "libere": ligne["libere"] or ZERO,
            "engage": ligne["engage"] or ZERO,
            "mandate": ligne["mandate"] or ZERO,
        }
    return programmes, liberations


def programmations_par_volet_et_financeur() -> dict:
    """Programmed amounts still standing on the envelopes (see programmations_et_liberations)."""
    return programmations_et_liberations()[0]


def maquette(le: datetime.date | None = None) -> Maquette:
    """The maquette of the contract, volets in rows and signatories in columns (6 queries).

    Envelopes are those in force on `le` (today by default): the signed contract as revised by
    the avenants dated on or before it. Money requested, proposed and programmed is today's.
    """
    le = le or timezone.localdate()
    volets = list(Volet.objects.order_by("numero"))
    financeurs = list(Financeur.objects.filter(signataire=True).order_by("ordre", "nom"))
    enveloppes = {
        (e["volet_id"], e["financeur_id"]): e["montant_en_vigueur"]
        for e in Enveloppe.objects.en_vigueur(le).values(
            "volet_id", "financeur_id", "montant_en_vigueur"
        )
    }
    demandes = demandes_par_volet_et_financeur()
    propositions = propositions_par_volet_et_financeur()
    programmations, liberations = programmations_et_liberations()

    lignes, par_financeur = [], defaultdict(Cellule)
    for volet in volets:
        cellules = []
        for financeur in financeurs:
            cle = (volet.pk, financeur.pk)
            cellule = Cellule(
                enveloppe=enveloppes.get(cle, ZERO),
                demande=demandes.get(cle, ZERO),
                propose=propositions.get(cle, ZERO),
                programme=programmations.get(cle, ZERO),
                **liberations.get(cle, {}),
            )
            cellules.append(cellule)
            par_financeur[financeur.pk] += cellule
        lignes.append(LigneMaquette(volet=volet, cellules=cellules, total=sum(cellules, Cellule())))
    totaux_financeurs = [par_financeur[f.pk] for f in financeurs]
    resultat = Maquette(
        le=le,
        financeurs=financeurs,
        lignes=lignes,
        totaux_financeurs=totaux_financeurs,
        total=sum(totaux_financeurs, Cellule()),
    )
    for ligne in lignes:
        for financeur, cellule in zip(financeurs, ligne.cellules, strict=True):
            if cellule.depassement:
                resultat.alertes.append(
                    f"Volet « {ligne.volet.intitule} » : la programmation de « {financeur.nom} » "
                    "dépasse son enveloppe."
                )
    return resultat
