"""The maquette financière: per volet × signatory, envelope against requested, proposed, programmed.

Every figure is read from the volet × financeur × state totals kept current by the services that
move money (dossiers.agregats): one query whatever the number of dossiers, over a few hundred
rows and the envelopes.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from cper import lecture
from cper.referentiel.models import AvenantContrat, Enveloppe, Financeur, RevisionEnveloppe, Volet
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


def _colonnes(modele, alias: str) -> tuple[list[str], str]:
    """The concrete fields of a model (attnames) and their SELECT list under `alias`."""
    champs = [f.attname for f in modele._meta.concrete_fields]
    return champs, ", ".join(f"{alias}.{modele._meta.get_field(c).column}" for c in champs)


def requete_de_la_maquette(le: datetime.date) -> tuple[str, list]:
    """The SQL and parameters of the maquette's one query (see `_lignes_de_la_maquette`)."""
    return _requete_de_la_maquette(le)


def _lignes_de_la_maquette(le: datetime.date) -> list[tuple]:
    """Per volet × signatory: the volet's and the signatory's fields, the envelope in force on
    `le`, then requested, proposed, programmed (net of releases), released, engaged, mandated.

    One query over the kept volet × financeur × state totals (a few hundred rows, kept current
    by dossiers.agregats) and the envelopes: none of the financing lines, avis, decisions or
    dossiers is read. A volet without signatory, or a signatory without volet, still has its
    row (the other side's columns null).
    """
    sql, parametres = _requete_de_la_maquette(le)
    with lecture.connexion().cursor() as curseur:
        curseur.execute(sql, parametres)
        return curseur.fetchall()


def _requete_de_la_maquette(le: datetime.date) -> tuple[str, list]:
    _, champs_volet = _colonnes(Volet, "v")
    _, champs_financeur = _colonnes(Financeur, "f")
    en = "a.etat = ANY(%s)"
    sql = f"""
        WITH argent AS (
            SELECT a.volet_id, a.financeur_id,
                COALESCE(SUM(a.demande) FILTER (WHERE {en}), 0.00) AS demande,
                COALESCE(SUM(a.propose) FILTER (WHERE {en}), 0.00) AS propose,
                COALESCE(SUM(CASE WHEN {en} THEN a.mandate ELSE a.programme END), 0.00)
                    AS programme,
                COALESCE(SUM(a.programme - a.mandate) FILTER (WHERE {en}), 0.00) AS libere,
                COALESCE(SUM(a.engage), 0.00) AS engage,
                COALESCE(SUM(a.mandate), 0.00) AS mandate
            FROM {AgregatVolet._meta.db_table} a
            GROUP BY a.volet_id, a.financeur_id
        ), enveloppes AS (
            -- Enveloppe.objects.en_vigueur(le): the amount of the latest avenant dated on or
            -- before `le` that revised the envelope, else its initial amount.
            SELECT e.volet_id, e.financeur_id, COALESCE((
                SELECT r.montant
                FROM {RevisionEnveloppe._meta.db_table} r
                JOIN {AvenantContrat._meta.db_table} av ON av.id = r.avenant_id
                WHERE r.enveloppe_id = e.id AND av.date <= %s
                ORDER BY av.date DESC, av.numero DESC
                LIMIT 1
            ), e.montant) AS montant_en_vigueur
            FROM {Enveloppe._meta.db_table} e
        )
        SELECT {champs_volet}, {champs_financeur},
            COALESCE(e.montant_en_vigueur, 0.00), COALESCE(m.demande, 0.00),
            COALESCE(m.propose, 0.00), COALESCE(m.programme, 0.00), COALESCE(m.libere, 0.00),
            COALESCE(m.engage, 0.00), COALESCE(m.mandate, 0.00)
        FROM {Volet._meta.db_table} v
        FULL JOIN (
            SELECT * FROM {Financeur._meta.db_table} WHERE signataire
        ) f ON TRUE
        LEFT JOIN enveloppes e ON e.volet_id = v.id AND e.financeur_id = f.id
        LEFT JOIN argent m ON m.volet_id = v.id AND m.financeur_id = f.id
        ORDER BY v.numero, f.ordre, f.nom
    """  # noqa: S608 - table and column names from the models, values as parameters
    etats = [[str(e) for e in etats] for etats in (ETATS_EN_COURS, ETATS_PROPOSES)]
    liberes = [str(e) for e in ETATS_LIBERES]
    return sql, [*etats, liberes, liberes, le]


def maquette(le: datetime.date | None = None, lignes: list[tuple] | None = None) -> Maquette:
    """The maquette of the contract, volets in rows and signatories in columns (one query).

    Envelopes are those in force on `le` (today by default): the signed contract as revised by
    the avenants dated on or before it. Money requested, proposed and programmed is today's:
    requested while the dossier may still be programmed, proposed while the groupe technique
    works on it (per dossier and financeur the lower of the two sides' proposals, applied when
    the kept rows are written), programmed by the decisions « programmé » — a caduc or
    abandoned dossier keeps only what was paid, the rest is released to the envelope.

    Given the `lignes` of `requete_de_la_maquette(le)`, no query.
    """
    le = le or timezone.localdate()
    champs_volet, _ = _colonnes(Volet, "v")
    champs_financeur, _ = _colonnes(Financeur, "f")
    n_volet, n_financeur = len(champs_volet), len(champs_financeur)
    base = lecture.connexion().alias
    volets: dict[int, Volet] = {}
    financeurs: dict[int, Financeur] = {}
    cellules: dict[tuple[int, int], Cellule] = {}
    for ligne in _lignes_de_la_maquette(le) if lignes is None else lignes:
        valeurs_volet = ligne[:n_volet]
        valeurs_financeur = ligne[n_volet : n_volet + n_financeur]
        volet_id, financeur_id = valeurs_volet[0], valeurs_financeur[0]
        if volet_id is not None and volet_id not in volets:
            volets[volet_id] = Volet.from_db(base, champs_volet, valeurs_volet)
        if financeur_id is not None and financeur_id not in financeurs:
            financeurs[financeur_id] = Financeur.from_db(base, champs_financeur, valeurs_financeur)
        if volet_id is not None and financeur_id is not None:
            enveloppe, demande, propose, programme, libere, engage, mandate = ligne[
                n_volet + n_financeur :
            ]
            cellules[volet_id, financeur_id] = Cellule(
                enveloppe=enveloppe,
                demande=demande,
                propose=propose,
                programme=programme,
                libere=libere,
                engage=engage,
                mandate=mandate,
            )
    # The rows come volet by volet, signatories in their order; a signatory without volet
    # comes last: sort them again by their own order.
    ordre = sorted(financeurs.values(), key=lambda f: (f.ordre, f.nom))

    lignes, par_financeur = [], defaultdict(Cellule)
    for volet in volets.values():
        ligne_cellules = []
        for financeur in ordre:
            cellule = cellules[volet.pk, financeur.pk]
            ligne_cellules.append(cellule)
            par_financeur[financeur.pk] += cellule
        lignes.append(
            LigneMaquette(
                volet=volet, cellules=ligne_cellules, total=sum(ligne_cellules, Cellule())
            )
        )
    totaux_financeurs = [par_financeur[f.pk] for f in ordre]
    resultat = Maquette(
        le=le,
        financeurs=ordre,
        lignes=lignes,
        totaux_financeurs=totaux_financeurs,
        total=sum(totaux_financeurs, Cellule()),
    )
    for ligne in lignes:
        for financeur, cellule in zip(ordre, ligne.cellules, strict=True):
            if cellule.depassement:
                resultat.alertes.append(
                    f"Volet « {ligne.volet.intitule} » : la programmation de « {financeur.nom} » "
                    "dépasse son enveloppe."
                )
    return resultat
