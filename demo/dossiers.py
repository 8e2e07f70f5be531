"""Stage 3: the dossiers — state, place, volet, financing plan, pièces — and their writing.

Amounts are computed in cents (integers: exact, and much faster than Decimal) under the rules
the services enforce: the plan is balanced (lines add up to the eligible cost), public aid
stays under 80 % of it (CGCT L1111-10), what is proposed never exceeds what is requested and
what is programmed never exceeds what both sides proposed. Each volet is scaled so that what
is programmed fills 35 to 75 % of its envelope. The split is illustrative, like the envelopes.
"""

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from dossiers import recherche
from dossiers.enums import EtatDossier as E
from dossiers.enums import NatureDepense
from dossiers.models import Dossier, LigneDepense, LigneFinancement
from instruction.enums import Cote, SensAvis

from .calendrier import AUJOURDHUI, FIN_CONTRAT
from .chargement import euros
from .parcours import Parcours, parcours
from .structures import StructureDemo

EURO = 100  # cents
PAS = 100 * EURO  # amounts are round hundreds of euros
SIREN_MEL = "200093201"
# Share of the dossiers in each state (a contract near its end: much already programmed).
REPARTITION_ETATS = {
    E.BROUILLON: 3,
    E.DEPOSE: 8,
    E.INCOMPLET: 5,
    E.IRRECEVABLE: 4,
    E.EN_INSTRUCTION: 18,
    E.INSTRUIT: 10,
    E.PROGRAMME: 40,
    E.REJETE: 6,
    E.RETIRE: 6,
}
# The porteur@ structure's own dossiers, one in each state a porteur meets, then two more
# states so that even a tiny demo shows every state.
ETATS_PORTEUR_DEMO = [
    E.BROUILLON,
    E.DEPOSE,
    E.INCOMPLET,
    E.EN_INSTRUCTION,
    E.INSTRUIT,
    E.PROGRAMME,
    E.REJETE,
]
ETATS_EN_PLUS = [E.IRRECEVABLE, E.RETIRE, E.CLASSE_SANS_SUITE]
PROJETS = {
    "mobilite": [
        "Réaménagement du pôle d'échanges multimodal de {v}",
        "Création d'un parking relais à {v}",
        "Aménagement d'une voie verte à {v}",
        "Mise en accessibilité de la gare de {v}",
    ],
    "esri": [
        "Extension du campus universitaire de {v}",
        "Équipement d'une plateforme de recherche à {v}",
    ],
    "transition-ecologique": [
        "Rénovation énergétique des bâtiments publics de {v}",
        "Réseau de chaleur biomasse de {v}",
        "Restauration des zones humides de {v}",
    ],
    "numerique": [
        "Déploiement de la fibre optique à {v}",
        "Création d'un tiers-lieu numérique à {v}",
    ],
    "innovation": ["Plateforme d'innovation industrielle de {v}"],
    "territorial": [
        "Requalification du centre-bourg de {v}",
        "Renouvellement urbain du quartier de la gare à {v}",
        "Reconversion d'une friche industrielle à {v}",
    ],
    "emploi": ["Maison de l'emploi et de la formation de {v}"],
}
LIBELLES_DEPENSES = {n.value: n.label for n in NatureDepense}


@dataclass(slots=True)
class Plan:
    """One dossier as generated, before it is written."""

    etat: str
    volet: object
    structure: StructureDemo
    communes: list[int]
    parcours: Parcours
    intitule: str
    tva_recuperable: bool
    cout_relatif: float
    parts: dict  # financeur code -> share of the eligible cost
    facteurs: dict  # (cote, financeur code) -> proposed / requested
    sens: dict  # cote -> SensAvis
    debut: datetime.date | None = None
    fin: datetime.date | None = None
    guichet: object = None
    pk: int = 0
    # Read for every row written: kept here rather than looked up each time.
    depose_le: datetime.datetime | None = None
    recevable_le: datetime.datetime | None = None
    numero: str | None = None
    # Filled when the money is fixed, in cents.
    depenses: list = field(default_factory=list)  # (nature, HT, TTC)
    lignes: dict = field(default_factory=dict)  # financeur code -> requested
    proposes: dict = field(default_factory=dict)  # cote -> {financeur code: proposed}
    programmes: dict = field(default_factory=dict)  # financeur code -> programmed


def tirer(alea, referentiel, structures: list[StructureDemo], nombre: int, seances, neuf: bool):
    """`nombre` plans; when the porteur@ structure has no dossier yet (`neuf`), it gets one
    in each state first."""
    etats = list(REPARTITION_ETATS)
    # Cumulated weights once: `choices` would add them up again at each draw.
    cumul_etats = list(itertools.accumulate(REPARTITION_ETATS.values()))
    cumul_volets = list(itertools.accumulate(float(v.montant) for v in referentiel.volets))
    forces = (
        [(e, 0) for e in ETATS_PORTEUR_DEMO] + [(e, None) for e in ETATS_EN_PLUS] if neuf else []
    )
    signataires = {}  # (volet, siège) -> the signatories' weights
    plans = []
    for i in range(nombre):
        etat, index = (
            forces[i]
            if i < len(forces)
            else (alea.choices(etats, cum_weights=cumul_etats)[0], None)
        )
        if index is None:
            index = 1 + int(alea.random() * (len(structures) - 1))
        structure = structures[index]
        volet = alea.choices(referentiel.volets, cum_weights=cumul_volets)[0]
        siege = structure.siege
        poids = signataires.get((volet.id, siege["pk"]))
        if poids is None:
            poids = signataires[volet.id, siege["pk"]] = _poids(
                referentiel.enveloppes.get(volet.id, {}),
                siege["departement__code"],
                siege["epci__siren"] == SIREN_MEL,
            )
        plans.append(_plan(alea, referentiel, structure, etat, volet, seances, poids))
    return plans


def _plan(alea, referentiel, structure, etat, volet, seances, poids) -> Plan:
    siege = structure.siege
    lieux = [siege["pk"]]
    if alea.random() < 0.2:
        autour = referentiel.par_epci[siege["epci_id"]] or [siege]
        lieux += [c["pk"] for c in alea.sample(autour, min(len(autour), alea.randint(1, 2)))]
    parts = _parts(alea, poids)
    sens, facteurs = _avis(alea, parts, etat)
    chemin = parcours(alea, etat, seances)
    plan = Plan(
        etat=etat,
        volet=volet,
        structure=structure,
        communes=list(dict.fromkeys(lieux)),
        parcours=chemin,
        intitule=alea.choice(PROJETS.get(volet.code, ["Projet structurant de {v}"])).format(
            v=siege["nom"]
        ),
        tva_recuperable=alea.random() < 0.7,
        cout_relatif=alea.lognormvariate(0, 0.9),
        parts=parts,
        facteurs=facteurs,
        sens=sens,
        depose_le=chemin.jalons[0][3] if chemin.jalons else None,
        recevable_le=chemin.moment_de("declarer_recevable"),
    )
    _calendrier_des_travaux(alea, plan)
    if chemin.jalons:
        # A fifth of the projects are filed at the Conseil régional, the others where they are.
        plan.guichet = (
            referentiel.guichet_region
            if alea.random() < 0.2
            else referentiel.guichets.get(siege["arrondissement_id"], referentiel.guichet_region)
        )
    return plan


def _calendrier_des_travaux(alea, plan: Plan) -> None:
    """Works start a few months after the dépôt and end by the end of the contract."""
    fin_contrat = FIN_CONTRAT.date()
    depart = (plan.depose_le or AUJOURDHUI).date()  # a Paris time: its Paris date
    plan.debut = min(depart + datetime.timedelta(days=30 + int(alea.random() * 210)), fin_contrat)
    plan.fin = min(
        plan.debut + datetime.timedelta(days=180 + int(alea.random() * 1220)), fin_contrat
    )


def _parts(alea, poids: tuple) -> dict:
    """How the eligible cost is split: signatories after their envelopes, the rest the porteur's."""
    total_signataires = alea.uniform(0.40, 0.72)
    bruts = [(code, valeur * (0.7 + 0.6 * alea.random())) for code, valeur in poids]
    somme = sum(valeur for _, valeur in bruts) or 1.0
    return {
        code: part
        for code, valeur in bruts
        # Shares too small to be a financing line are left to the porteur.
        if (part := total_signataires * valeur / somme) > 0.002
    }


def _poids(enveloppes: dict, departement: str, dans_mel: bool) -> tuple:
    """Each signatory's weight in a volet, before chance: its envelope there."""
    departements = float(
        enveloppes.get("departement-nord", 0) + enveloppes.get("departement-pas-de-calais", 0)
    )
    return (
        ("etat", float(enveloppes.get("etat", 1))),
        ("region", float(enveloppes.get("region", 1))),
        # The départements' envelopes fund projects on their own territory, the MEL inside it.
        ("departement-nord" if departement == "59" else "departement-pas-de-calais", departements),
        ("mel", float(enveloppes.get("mel", 0)) if dans_mel else 0.0),
    )


def _avis(alea, parts: dict, etat: str) -> tuple[dict, dict]:
    """Each side's avis and, per financeur, the share of the request it proposes."""
    sens = {
        cote: SensAvis.FAVORABLE if alea.random() < 0.75 else SensAvis.FAVORABLE_SOUS_RESERVE
        for cote in (Cote.ETAT, Cote.REGION)
    }
    if etat == E.REJETE:
        sens[alea.choice([Cote.ETAT, Cote.REGION])] = SensAvis.DEFAVORABLE
    facteurs = {
        (cote, code): 1.0 if alea.random() < 0.5 else alea.uniform(0.6, 1.0)
        for cote in (Cote.ETAT, Cote.REGION)
        for code in parts
    }
    return sens, facteurs


def _arrondi(valeur: float, pas: int = PAS) -> int:
    return int(valeur / pas + 0.5) * pas


def fixer_montants(alea, referentiel, plans: list[Plan]) -> None:
    """Expenses, financing lines, proposals and programmed amounts of every plan."""
    echelles = _echelles(alea, referentiel.volets, plans)
    for plan in plans:
        ht = min(
            max(_arrondi(plan.cout_relatif * echelles[plan.volet.id]), 20_000 * EURO),
            900_000_000 * EURO,
        )
        _depenses(alea, plan, ht)
        eligible = ht if plan.tva_recuperable else sum(d[2] for d in plan.depenses)
        for code, share in plan.parts.items():
            if (montant := _arrondi(eligible * share)) > 0:
                plan.lignes[code] = montant
        plan.lignes["autofinancement"] = eligible - sum(plan.lignes.values())
        _proposes(alea, plan)
        if plan.etat == E.PROGRAMME:
            for code in plan.parts.keys() & plan.lignes.keys():
                montant = min(plan.proposes[Cote.ETAT][code], plan.proposes[Cote.REGION][code])
                if montant > 0:
                    plan.programmes[code] = montant


def _echelles(alea, volets, plans) -> dict:
    """Euros per unit of relative cost, per volet: programmed ≈ 35-75 % of the envelope."""
    relatif = defaultdict(float)
    for plan in plans:
        if plan.etat == E.PROGRAMME:
            relatif[plan.volet.id] += plan.cout_relatif * sum(
                share * min(plan.facteurs[(Cote.ETAT, c)], plan.facteurs[(Cote.REGION, c)])
                for c, share in plan.parts.items()
            )
    echelles = {}
    for volet in volets:
        cible = float(volet.montant) * EURO * alea.uniform(0.35, 0.75)
        echelles[volet.pk] = cible / relatif[volet.pk] if relatif[volet.pk] else 2_000_000 * EURO
    return echelles


def _depenses(alea, plan: Plan, ht: int) -> None:
    natures = alea.sample(list(LIBELLES_DEPENSES), alea.randint(1, 3))
    restant = ht
    for j, nature in enumerate(natures):
        part = restant if j == len(natures) - 1 else _arrondi(restant * alea.uniform(0.2, 0.6))
        restant -= part
        plan.depenses.append((nature, part, int(part * 1.2 + 0.5)))


def _proposes(alea, plan: Plan) -> None:
    """Both sides once instructed; a random subset while in instruction; none before."""
    if plan.etat in (E.INSTRUIT, E.PROGRAMME, E.REJETE):
        cotes = [Cote.ETAT, Cote.REGION]
    elif plan.etat == E.EN_INSTRUCTION or (plan.etat == E.INCOMPLET and plan.recevable_le):
        cotes = alea.choice([[], [Cote.ETAT], [Cote.REGION], [Cote.ETAT, Cote.REGION]])
    else:
        cotes = []
    for cote in cotes:
        if plan.sens[cote] == SensAvis.DEFAVORABLE:
            plan.proposes[cote] = {}  # an avis défavorable proposes nothing
            continue
        plan.proposes[cote] = {
            code: _arrondi(plan.lignes[code] * plan.facteurs[(cote, code)])
            for code in plan.parts
            if code in plan.lignes
        }


CHAMPS_DOSSIER = [
    "id",
    "structure",
    "cree_par",
    "etat",
    "intitule",
    "resume",
    "description",
    "volet",
    "date_debut",
    "date_fin",
    "tva_recuperable",
    "numero",
    "guichet",
    "depose_le",
    "etat_avant_complements",
    "created_at",
    "updated_at",
    "recherche",
]
# A draft is written three weeks before it is filed.
REDACTION = datetime.timedelta(days=21)


def _ligne_dossier(p: Plan, majuscules: dict[str, str]) -> tuple:
    cree = (p.depose_le or AUJOURDHUI - datetime.timedelta(days=10)) - REDACTION
    return (
        p.pk,
        p.structure.pk,
        p.structure.createur,
        p.etat,
        p.intitule,
        f"{p.intitule} : projet de démonstration.",
        "Projet fictif créé pour la démonstration du service.",
        p.volet.id,
        p.debut,
        p.fin,
        p.tva_recuperable,
        p.numero,
        p.guichet.id if p.guichet else None,
        p.depose_le,
        p.parcours.retour if p.etat == E.INCOMPLET else "",
        cree,
        p.parcours.moment if p.parcours.jalons else cree,
        recherche.composer(
            majuscules[p.numero or ""],
            majuscules[p.intitule],
            majuscules[p.structure.raison_sociale],
        ),
    )


def ecrire(chargement, referentiel, plans: list[Plan]) -> None:
    """Dossiers with their communes, expenses and financing lines (ids reserved first)."""
    for plan, pk in zip(plans, chargement.ids(Dossier, len(plans)), strict=True):
        plan.pk = pk
    # The kept search text from PostgreSQL's own upper case of each value (one query).
    majuscules = recherche.majuscules(
        {v for p in plans for v in (p.numero or "", p.intitule, p.structure.raison_sociale)}
    )
    chargement.copier(Dossier, CHAMPS_DOSSIER, (_ligne_dossier(p, majuscules) for p in plans))
    chargement.copier(
        Dossier.communes.through,
        ["dossier", "commune"],
        ((p.pk, c) for p in plans for c in p.communes),
    )
    chargement.copier(
        LigneDepense,
        ["dossier", "nature", "libelle", "montant_ht", "montant_ttc"],
        (
            (p.pk, nature, LIBELLES_DEPENSES[nature], euros(ht), euros(ttc))
            for p in plans
            for nature, ht, ttc in p.depenses
        ),
    )
    financeurs = {code: f.pk for code, f in referentiel.financeurs.items()}
    chargement.copier(
        LigneFinancement,
        ["dossier", "financeur", "precision", "montant_demande"],
        (
            (p.pk, financeurs[code], "", euros(montant))
            for p in plans
            for code, montant in p.lignes.items()
            if montant > 0
        ),
    )
