"""Demo data for local use: dossiers at every stage, with money, avis, séances and their history.

Everything is generated in memory first, then written with bulk inserts (COPY for the tables
whose ids are not needed afterwards), so 20 000 dossiers take seconds. The split of the
envelopes is illustrative (referentiel), and so are these dossiers: invented projects,
structures and amounts, consistent with the rules (balanced plans, public aid ≤ 80 %, proposed
≤ requested, programmed ≤ proposed, numbers from SequenceNumero, dates in order).
"""

import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_fsm_log.models import StateLog
from stdnum import luhn

from cper.comptes.models import User
from cper.referentiel.models import Commune, Enveloppe, Financeur, Guichet, PoleMetropolitain, Volet
from dossiers import agregats
from dossiers.enums import CategorieStructure, NatureDepense
from dossiers.enums import EtatDossier as E
from dossiers.models import (
    Dossier,
    DossierGroupObjectPermission,
    LigneDepense,
    LigneFinancement,
    MembreStructure,
    SequenceNumero,
    Structure,
)
from dossiers.services.depot import PREFIXE_NUMERO
from gouvernance.enums import EtatSeance, RoleMembre, SensDecision, TypeInstance
from gouvernance.models import (
    Decision,
    Instance,
    MembreInstance,
    MontantProgramme,
    Observation,
    PointOrdreDuJour,
    Seance,
)
from gouvernance.selectors.tableaux import dossiers_du_territoire
from instruction.enums import Cote, SensAvis
from instruction.models import (
    Avis,
    DemandeComplements,
    GroupeTechnique,
    MembreGroupe,
    MontantPropose,
    Routage,
)

PARIS = ZoneInfo("Europe/Paris")
CENT = Decimal("100")
# Demo structures carry SIRETs whose SIREN starts with 99: how a rerun recognises them.
PREFIXE_SIREN_DEMO = "99"
POLE_OPALE = "Pôle métropolitain de la Côte d'Opale"
SIREN_MEL = "200093201"

# Share of the dossiers in each state (a contract near its end: much already programmed).
REPARTITION_ETATS = [
    (E.BROUILLON, 3),
    (E.DEPOSE, 8),
    (E.INCOMPLET, 5),
    (E.IRRECEVABLE, 4),
    (E.EN_INSTRUCTION, 18),
    (E.INSTRUIT, 10),
    (E.PROGRAMME, 40),
    (E.REJETE, 6),
    (E.RETIRE, 6),
]
# States of the porteur@ demo structure's own dossiers, one each.
ETATS_PORTEUR_DEMO = [
    E.BROUILLON,
    E.DEPOSE,
    E.INCOMPLET,
    E.EN_INSTRUCTION,
    E.INSTRUIT,
    E.PROGRAMME,
    E.REJETE,
]
GROUPES = [
    ("Mobilité multimodale", ["mobilite"]),
    ("Enseignement supérieur, recherche et innovation", ["esri", "innovation"]),
    ("Transition écologique et numérique", ["transition-ecologique", "numerique"]),
    ("Territoires et emploi", ["territorial", "emploi"]),
]
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
MOTIVATIONS = {
    SensAvis.FAVORABLE: "Projet conforme aux priorités du volet ; plan de financement équilibré.",
    SensAvis.FAVORABLE_SOUS_RESERVE: (
        "Favorable sous réserve de la production du calendrier détaillé des travaux."
    ),
    SensAvis.DEFAVORABLE: "Projet hors du champ du volet ; dépenses éligibles insuffisantes.",
}


class DemoInterdite(Exception):
    pass


def _siret(n: int) -> str:
    base = f"{PREFIXE_SIREN_DEMO}{n:06d}"
    siren = base + luhn.calc_check_digit(base)
    nic = f"{n % 10000:04d}"
    return siren + nic + luhn.calc_check_digit(siren + nic)


def _arrondi(valeur: Decimal, pas: Decimal = CENT) -> Decimal:
    return ((valeur / pas).quantize(Decimal(1), rounding=ROUND_HALF_UP) * pas).quantize(
        Decimal("0.01")
    )


def _copier(model, champs: list[str], lignes: list[tuple]) -> None:
    """COPY rows into a model's table: the fastest way in, for rows whose ids we don't need."""
    if not lignes:
        return
    colonnes = ", ".join(model._meta.get_field(champ).column for champ in champs)
    sql = f"COPY {model._meta.db_table} ({colonnes}) FROM STDIN"
    with connection.cursor() as curseur, curseur.cursor.copy(sql) as copie:
        for ligne in lignes:
            copie.write_row(ligne)


# --- Accounts and memberships -----------------------------------------------------------------


@dataclass
class Acteurs:
    porteur: User
    guichet_douai: User
    instructeur_etat: User
    instructeur_region: User
    pilotage: User
    concertation: User
    structure_porteur: Structure
    groupes: dict  # volet code -> GroupeTechnique
    guichets: dict = field(default_factory=dict)  # arrondissement id -> Guichet


def verifier_referentiel() -> None:
    if not (
        Volet.objects.exists()
        and Commune.objects.filter(code_insee__in=["59178", "62160"]).count() == 2
        and Guichet.objects.filter(code="sp-douai").exists()
    ):
        raise DemoInterdite(
            "Le référentiel manque : lancez d'abord « manage.py import_territoires » et "
            "« manage.py charger_referentiel »."
        )


def assurer_comptes_et_mandats() -> Acteurs:
    """The demo accounts (comptes_demo) and their memberships; safe to run again."""
    verifier_referentiel()
    call_command("comptes_demo", verbosity=0, stdout=_Silence())
    users = {u.email: u for u in User.objects.filter(email__endswith="@demo.cper.fr")}
    porteur = users["porteur@demo.cper.fr"]
    guichet_douai = users["guichet.douai@demo.cper.fr"]
    etat, region = users["instructeur.etat@demo.cper.fr"], users["instructeur.region@demo.cper.fr"]
    pilotage, concertation = (
        users["pilotage@demo.cper.fr"],
        users["concertation.opale@demo.cper.fr"],
    )

    douai = Guichet.objects.get(code="sp-douai")
    guichet_douai.groups.add(douai.groupe)

    volets = {v.code: v for v in Volet.objects.all()}
    groupes = {}
    for nom, codes in GROUPES:
        groupe, _ = GroupeTechnique.objects.get_or_create(nom=nom)
        groupe.volets.add(*[volets[c] for c in codes if c in volets])
        for code in codes:
            groupes[code] = groupe
        for user, cote in ((etat, Cote.ETAT), (region, Cote.REGION)):
            if not MembreGroupe.objects.filter(groupe_technique=groupe, user=user).exists():
                MembreGroupe.objects.create(groupe_technique=groupe, user=user, cote=cote)

    pilotage_instance = Instance.objects.du_type(TypeInstance.PILOTAGE)
    MembreInstance.objects.get_or_create(
        instance=pilotage_instance,
        user=pilotage,
        defaults={
            "role": RoleMembre.SECRETARIAT,
            "financeur": Financeur.objects.filter(code="etat").first(),
        },
    )
    concertation_instance = Instance.objects.du_type(TypeInstance.CONCERTATION)
    pole = PoleMetropolitain.objects.filter(nom=POLE_OPALE).first()
    territoire = (
        {"pole": pole}
        if pole
        else {"epci": Commune.objects.get(code_insee="62160").epci}  # Boulogne-sur-Mer
    )
    MembreInstance.objects.get_or_create(
        instance=concertation_instance,
        user=concertation,
        defaults={"role": RoleMembre.MEMBRE, **territoire},
    )

    structure = Structure.objects.filter(siret=_siret(0)).first()
    if structure is None:
        structure = Structure.objects.create(
            raison_sociale="Communauté d'agglomération du Douaisis (démonstration)",
            siret=_siret(0),
            categorie=CategorieStructure.EPCI,
            adresse="746 rue Jean Perrin",
            commune=Commune.objects.get(code_insee="59178"),
            representant_nom="Représentant de démonstration",
            representant_qualite="Président",
        )
    MembreStructure.objects.get_or_create(
        structure=structure, user=porteur, defaults={"administrateur": True}
    )
    return Acteurs(
        porteur=porteur,
        guichet_douai=guichet_douai,
        instructeur_etat=etat,
        instructeur_region=region,
        pilotage=pilotage,
        concertation=concertation,
        structure_porteur=structure,
        groupes=groupes,
        guichets={g.arrondissement_id: g for g in Guichet.objects.all()},
    )


class _Silence:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def donnees_demo_presentes() -> bool:
    return Dossier.objects.filter(structure__siret__startswith=PREFIXE_SIREN_DEMO).exists()


# --- Dossiers -------------------------------------------------------------------------------


@dataclass
class Plan:
    """One dossier as generated, before it is written."""

    etat: str
    volet: Volet
    structure_index: int
    communes: list[int]
    departement: str
    dans_mel: bool
    cout_relatif: float
    tva_recuperable: bool
    parts: dict  # financeur code -> share of the eligible cost
    facteurs: dict  # (cote, financeur code) -> proposed / requested
    sens: dict  # cote -> SensAvis
    jalons: list  # (transition, source, target, datetime)
    guichet: Guichet | None = None
    retour_complements: str = ""
    intitule: str = ""
    # Filled when the money is fixed.
    depenses: list = field(default_factory=list)
    lignes: dict = field(default_factory=dict)
    proposes: dict = field(default_factory=dict)
    programmes: dict = field(default_factory=dict)
    seance: int | None = None


def _aleatoire_date(alea, debut: datetime.datetime, fin: datetime.datetime) -> datetime.datetime:
    secondes = int((fin - debut).total_seconds())
    moment = debut + datetime.timedelta(seconds=alea.randrange(max(secondes, 1)))
    # Office hours, Paris time.
    return moment.astimezone(PARIS).replace(
        hour=alea.randint(8, 17), minute=alea.randrange(60), second=alea.randrange(60)
    )


def _jours(alea, mini: int, maxi: int) -> datetime.timedelta:
    return datetime.timedelta(days=alea.triangular(mini, maxi, mini + (maxi - mini) / 3))


def _seances(maintenant) -> list[datetime.datetime]:
    """A séance every two months from January 2016 until last month, at 10:00 in Lille."""
    dates, annee, mois = [], 2016, 1
    while True:
        date = datetime.datetime(annee, mois, 15, 10, tzinfo=PARIS)
        if date > maintenant - datetime.timedelta(days=20):
            return dates
        dates.append(date)
        mois += 2
        if mois > 12:
            annee, mois = annee + 1, mois - 12


def _jalons(alea, etat, maintenant, seances) -> tuple[list, str, int | None]:
    """The transitions of a dossier's life up to `etat`, with plausible dates."""
    jalons: list = []
    retour = ""
    seance = None
    if etat == E.BROUILLON:
        return jalons, retour, seance
    termine = etat in (E.PROGRAMME, E.REJETE, E.IRRECEVABLE, E.RETIRE)
    if termine:
        depot = _aleatoire_date(
            alea,
            datetime.datetime(2015, 9, 1, tzinfo=PARIS),
            maintenant - datetime.timedelta(days=400),
        )
    else:
        anciennete = {E.DEPOSE: (3, 60), E.INCOMPLET: (10, 120)}.get(etat, (60, 330))
        depot = maintenant - _jours(alea, *anciennete)
        depot = _aleatoire_date(alea, depot, depot + datetime.timedelta(hours=1))
    jalons.append(("deposer", E.BROUILLON, E.DEPOSE, depot))
    moment = depot
    if etat == E.DEPOSE:
        return jalons, retour, seance
    if etat == E.INCOMPLET and alea.random() < 0.6:
        moment += _jours(alea, 3, 40)
        jalons.append(("demander_complements", E.DEPOSE, E.INCOMPLET, moment))
        return jalons, E.DEPOSE, seance
    if etat == E.IRRECEVABLE:
        jalons.append(
            ("declarer_irrecevable", E.DEPOSE, E.IRRECEVABLE, moment + _jours(alea, 5, 60))
        )
        return jalons, retour, seance
    if etat == E.RETIRE and alea.random() < 0.5:
        jalons.append(("retirer", E.DEPOSE, E.RETIRE, moment + _jours(alea, 5, 50)))
        return jalons, retour, seance
    if alea.random() < 0.2:  # complements asked by the guichet, then given
        moment += _jours(alea, 3, 25)
        jalons.append(("demander_complements", E.DEPOSE, E.INCOMPLET, moment))
        moment += _jours(alea, 5, 30)
        jalons.append(("completer", E.INCOMPLET, E.DEPOSE, moment))
    moment += _jours(alea, 4, 55)
    jalons.append(("declarer_recevable", E.DEPOSE, E.EN_INSTRUCTION, moment))
    if etat == E.INCOMPLET:
        moment += _jours(alea, 10, 60)
        jalons.append(("demander_complements", E.EN_INSTRUCTION, E.INCOMPLET, moment))
        return jalons, E.EN_INSTRUCTION, seance
    if etat == E.RETIRE:
        jalons.append(("retirer", E.EN_INSTRUCTION, E.RETIRE, moment + _jours(alea, 20, 120)))
        return jalons, retour, seance
    if etat == E.EN_INSTRUCTION:
        return jalons, retour, seance
    moment += _jours(alea, 20, 200)
    jalons.append(("conclure_instruction", E.EN_INSTRUCTION, E.INSTRUIT, moment))
    if etat == E.INSTRUIT:
        return jalons, retour, seance
    limite = moment + datetime.timedelta(days=10)
    seance = next((i for i, date in enumerate(seances) if date >= limite), len(seances) - 1)
    date_seance = max(seances[seance], moment + datetime.timedelta(hours=1))
    transition = "programmer" if etat == E.PROGRAMME else "rejeter"
    jalons.append((transition, E.INSTRUIT, etat, date_seance + datetime.timedelta(hours=2)))
    return jalons, retour, seance


def _tirer_etat(alea) -> str:
    etats, poids = zip(*REPARTITION_ETATS, strict=True)
    return alea.choices(etats, weights=poids)[0]


def _parts(alea, volet, enveloppes, departement, dans_mel) -> dict:
    """How the eligible cost is split: signatories after their envelopes, the rest the porteur's."""
    total_signataires = alea.uniform(0.40, 0.72)
    env = enveloppes.get(volet.pk, {})
    poids = {
        "etat": env.get("etat", 1),
        "region": env.get("region", 1),
        # The départements' envelopes fund projects on their own territory.
        "departements": env.get("departement-nord", 0) + env.get("departement-pas-de-calais", 0),
        "mel": env.get("mel", 0) if dans_mel else 0,
    }
    bruts = {code: float(valeur) * alea.uniform(0.7, 1.3) for code, valeur in poids.items()}
    somme = sum(bruts.values()) or 1.0
    parts = {}
    for code, valeur in bruts.items():
        # Public aid stays under 80 % of the eligible cost (CGCT L1111-10) with room to round.
        part = total_signataires * valeur / somme
        if code == "departements":
            code = "departement-nord" if departement == "59" else "departement-pas-de-calais"
        if part > 0.002:
            parts[code] = part
    return parts


def _facteurs(alea, parts) -> tuple[dict, dict]:
    sens = {}
    facteurs = {}
    for cote in (Cote.ETAT, Cote.REGION):
        sens[cote] = alea.choices(
            [SensAvis.FAVORABLE, SensAvis.FAVORABLE_SOUS_RESERVE], weights=[3, 1]
        )[0]
        for code in parts:
            facteurs[(cote, code)] = 1.0 if alea.random() < 0.5 else alea.uniform(0.6, 1.0)
    return sens, facteurs


@dataclass
class Rapport:
    dossiers: int = 0
    lignes: dict = field(default_factory=lambda: defaultdict(int))
    etapes: dict = field(default_factory=dict)  # step -> seconds, for --verbosity 2
    _debut: float = field(default_factory=time.monotonic)

    def top(self, etape: str) -> None:
        maintenant = time.monotonic()
        self.etapes[etape] = maintenant - self._debut
        self._debut = maintenant

    def __str__(self):
        details = ", ".join(f"{nom} : {n}" for nom, n in self.lignes.items())
        return f"{self.dossiers} dossiers ({details})"


def generer(nombre: int, *, graine: int = 2015, acteurs: Acteurs | None = None) -> Rapport:
    """Create `nombre` demo dossiers with their whole history (one transaction)."""
    alea = random.Random(graine)  # noqa: S311 - demo data, not secrets
    maintenant = timezone.now()
    acteurs = acteurs or assurer_comptes_et_mandats()
    rapport = Rapport()
    with transaction.atomic():
        _generer(alea, nombre, maintenant, acteurs, rapport)
    rapport.top("commit")
    return rapport


def _generer(alea, nombre, maintenant, acteurs, rapport):  # noqa: C901 - split by stage in demo/
    volets = list(Volet.objects.order_by("numero"))
    financeurs = {f.code: f for f in Financeur.objects.all()}
    enveloppes = defaultdict(dict)
    for e in Enveloppe.objects.select_related("financeur"):
        enveloppes[e.volet_id][e.financeur.code] = e.montant
    communes = list(
        Commune.objects.filter(departement__code__in=["59", "62"]).values(
            "pk",
            "nom",
            "epci_id",
            "epci__siren",
            "arrondissement_id",
            "departement__code",
            "population",
        )
    )
    par_epci = defaultdict(list)
    for commune in communes:
        par_epci[commune["epci_id"]].append(commune)
    poids_communes = [max(commune["population"] or 500, 500) ** 0.8 for commune in communes]
    poids_volets = [float(v.montant) for v in volets]
    seances = _seances(maintenant)
    region_guichet = next(g for g in acteurs.guichets.values() if g.arrondissement_id is None)
    deja = Structure.objects.filter(siret__startswith=PREFIXE_SIREN_DEMO).count()

    # Structures: about one for ten dossiers, located where the projects are.
    nb_structures = max(10, min(nombre // 8, 3000))
    structures = []
    sieges = alea.choices(communes, weights=poids_communes, k=nb_structures)
    for i, siege in enumerate(sieges):
        categorie = alea.choices(
            [
                CategorieStructure.COMMUNE,
                CategorieStructure.EPCI,
                CategorieStructure.UNIVERSITE,
                CategorieStructure.ASSOCIATION,
                CategorieStructure.ETABLISSEMENT_PUBLIC,
            ],
            weights=[50, 25, 8, 10, 7],
        )[0]
        nom = {
            CategorieStructure.COMMUNE: f"Commune de {siege['nom']}",
            CategorieStructure.EPCI: f"Intercommunalité de {siege['nom']}",
            CategorieStructure.UNIVERSITE: f"Université, site de {siege['nom']}",
            CategorieStructure.ASSOCIATION: f"Association pour le développement de {siege['nom']}",
            CategorieStructure.ETABLISSEMENT_PUBLIC: f"Établissement public de {siege['nom']}",
        }[categorie]
        structures.append(
            Structure(
                raison_sociale=f"{nom} ({deja + i + 1})",
                siret=_siret(deja + i + 1),
                categorie=categorie,
                adresse="Place de l'Hôtel de ville",
                commune_id=siege["pk"],
                representant_nom="Représentant de démonstration",
                representant_qualite="Maire"
                if categorie == CategorieStructure.COMMUNE
                else "Président",
            )
        )
    structures = Structure.objects.bulk_create(structures, batch_size=2000)
    structures.insert(0, acteurs.structure_porteur)
    sieges.insert(0, next(c for c in communes if c["pk"] == acteurs.structure_porteur.commune_id))

    rapport.top("structures")
    # Plans: state, place, shares, dates.
    plans: list[Plan] = []
    # The first dossiers cover every state: the porteur@ structure's own, then two more.
    forces = []
    if not Dossier.objects.filter(structure=acteurs.structure_porteur).exists():
        forces = [(etat, 0) for etat in ETATS_PORTEUR_DEMO]
        forces += [(etat, None) for etat in (E.IRRECEVABLE, E.RETIRE)]
    for i in range(nombre):
        etat, index = forces[i] if i < len(forces) else (_tirer_etat(alea), None)
        if index is None:
            index = alea.randrange(1, len(structures))
        siege = sieges[index]
        autour = par_epci[siege["epci_id"]] or [siege]
        lieux = [siege] + (
            alea.sample(autour, min(len(autour), alea.randint(1, 2))) if alea.random() < 0.2 else []
        )
        lieux = list({c["pk"]: c for c in lieux}.values())
        volet = alea.choices(volets, weights=poids_volets)[0]
        parts = _parts(
            alea, volet, enveloppes, siege["departement__code"], siege["epci__siren"] == SIREN_MEL
        )
        sens, facteurs = _facteurs(alea, parts)
        if etat == E.REJETE:
            sens[alea.choice([Cote.ETAT, Cote.REGION])] = SensAvis.DEFAVORABLE
        jalons, retour, seance = _jalons(alea, etat, maintenant, seances)
        guichet = None
        if jalons:
            guichet = (
                region_guichet
                if alea.random() < 0.2
                else acteurs.guichets.get(siege["arrondissement_id"], region_guichet)
            )
        modele = alea.choice(PROJETS.get(volet.code, ["Projet structurant de {v}"]))
        plans.append(
            Plan(
                etat=etat,
                volet=volet,
                structure_index=index,
                communes=[c["pk"] for c in lieux],
                departement=siege["departement__code"],
                dans_mel=siege["epci__siren"] == SIREN_MEL,
                cout_relatif=alea.lognormvariate(0, 0.9),
                tva_recuperable=alea.random() < 0.7,
                parts=parts,
                facteurs=facteurs,
                sens=sens,
                jalons=jalons,
                guichet=guichet,
                retour_complements=retour,
                intitule=modele.format(v=siege["nom"]),
                seance=seance,
            )
        )

    rapport.top("plans")
    # Money: scale each volet so that what is programmed fills 35 to 75 % of its envelope.
    relatif = defaultdict(float)
    for plan in plans:
        if plan.etat == E.PROGRAMME:
            relatif[plan.volet.pk] += plan.cout_relatif * sum(
                share * min(plan.facteurs[(Cote.ETAT, c)], plan.facteurs[(Cote.REGION, c)])
                for c, share in plan.parts.items()
            )
    echelles = {}
    for volet in volets:
        cible = float(volet.montant) * alea.uniform(0.35, 0.75)
        echelles[volet.pk] = cible / relatif[volet.pk] if relatif[volet.pk] else 2_000_000
    for plan in plans:
        ht = max(_arrondi(Decimal(plan.cout_relatif * echelles[plan.volet.pk])), Decimal(20000))
        ht = min(ht, Decimal("900000000"))
        natures = alea.sample(list(NatureDepense.values), alea.randint(1, 3))
        restant = ht
        for j, nature in enumerate(natures):
            part = (
                restant
                if j == len(natures) - 1
                else _arrondi(restant * Decimal(alea.uniform(0.2, 0.6)))
            )
            restant -= part
            plan.depenses.append((nature, part, _arrondi(part * Decimal("1.2"), Decimal("0.01"))))
        eligible = ht if plan.tva_recuperable else sum(d[2] for d in plan.depenses)
        for code, share in plan.parts.items():
            montant = _arrondi(eligible * Decimal(share))
            if montant > 0:
                plan.lignes[code] = montant
        plan.lignes["autofinancement"] = eligible - sum(plan.lignes.values())
        recevable = any(t == "declarer_recevable" for t, *_ in plan.jalons)
        avis_cotes = []
        if plan.etat in (E.INSTRUIT, E.PROGRAMME, E.REJETE):
            avis_cotes = [Cote.ETAT, Cote.REGION]
        elif plan.etat == E.EN_INSTRUCTION or (recevable and plan.etat == E.INCOMPLET):
            avis_cotes = alea.choice([[], [Cote.ETAT], [Cote.REGION], [Cote.ETAT, Cote.REGION]])
        for cote in avis_cotes:
            if plan.sens[cote] == SensAvis.DEFAVORABLE:
                plan.proposes[cote] = {}
                continue
            plan.proposes[cote] = {
                code: _arrondi(plan.lignes[code] * Decimal(plan.facteurs[(cote, code)]))
                for code in plan.parts
                if code in plan.lignes
            }
        if plan.etat == E.PROGRAMME:
            for code in plan.parts:
                if code in plan.lignes:
                    montant = min(plan.proposes[Cote.ETAT][code], plan.proposes[Cote.REGION][code])
                    if montant > 0:
                        plan.programmes[code] = montant

    rapport.top("montants")
    # Numbers: reserve a block per year in SequenceNumero, in the order of filing.
    par_annee = defaultdict(list)
    for plan in plans:
        if plan.jalons:
            par_annee[plan.jalons[0][3].astimezone(PARIS).year].append(plan)
    numeros = {}
    for annee, du_millesime in sorted(par_annee.items()):
        SequenceNumero.objects.bulk_create([SequenceNumero(annee=annee)], ignore_conflicts=True)
        sequence = SequenceNumero.objects.select_for_update().get(annee=annee)
        du_millesime.sort(key=lambda p: p.jalons[0][3])
        for rang, plan in enumerate(du_millesime, start=sequence.dernier + 1):
            numeros[id(plan)] = f"{PREFIXE_NUMERO}-{annee}-{rang:05d}"
        sequence.dernier += len(du_millesime)
        sequence.save(update_fields=["dernier"])

    rapport.top("numeros")
    # Dossiers (bulk_create: their ids are needed by everything else).
    dossiers = []
    for plan in plans:
        depot = plan.jalons[0][3] if plan.jalons else None
        debut = (depot or maintenant).date() + datetime.timedelta(days=alea.randint(60, 240))
        dossiers.append(
            Dossier(
                structure=structures[plan.structure_index],
                cree_par=acteurs.porteur,
                etat=plan.etat,
                intitule=plan.intitule,
                resume=f"{plan.intitule} : projet de démonstration.",
                description="Projet fictif créé pour la démonstration du service.",
                volet=plan.volet,
                date_debut=debut,
                date_fin=debut + datetime.timedelta(days=alea.randint(180, 1400)),
                tva_recuperable=plan.tva_recuperable,
                numero=numeros.get(id(plan)),
                guichet=plan.guichet,
                depose_le=depot,
                etat_avant_complements=plan.retour_complements,
            )
        )
    dossiers = Dossier.objects.bulk_create(dossiers, batch_size=2000)
    rapport.dossiers = len(dossiers)

    communes_dossiers = [
        (d.pk, c) for d, p in zip(dossiers, plans, strict=True) for c in p.communes
    ]
    _copier(Dossier.communes.through, ["dossier", "commune"], communes_dossiers)
    _copier(
        LigneDepense,
        ["dossier", "nature", "libelle", "montant_ht", "montant_ttc"],
        [
            (d.pk, nature, NatureDepense(nature).label, ht, ttc)
            for d, p in zip(dossiers, plans, strict=True)
            for nature, ht, ttc in p.depenses
        ],
    )
    _copier(
        LigneFinancement,
        ["dossier", "financeur", "precision", "montant_demande"],
        [
            (d.pk, financeurs[code].pk, "", montant)
            for d, p in zip(dossiers, plans, strict=True)
            for code, montant in p.lignes.items()
            if montant > 0
        ],
    )
    rapport.lignes["communes"] = len(communes_dossiers)

    # A structure with a dossier declared recevable was verified by the guichet at that act.
    Structure.objects.filter(
        verifiee_le__isnull=True,
        dossiers__etat__in=[E.EN_INSTRUCTION, E.INSTRUIT, E.PROGRAMME, E.REJETE],
    ).update(verifiee_le=timezone.now(), verifiee_par=acteurs.guichet_douai)
    rapport.top("dossiers")
    # History (django-fsm-log), permissions along the dossier's path, routings, complements.
    type_dossier = ContentType.objects.get_for_model(Dossier)
    voir = Permission.objects.get(content_type=type_dossier, codename="view_dossier")
    instruire = Permission.objects.get(content_type=type_dossier, codename="instruire_dossier")
    auteurs = {
        "deposer": acteurs.porteur,
        "retirer": acteurs.porteur,
        "completer": acteurs.porteur,
        "demander_complements": acteurs.guichet_douai,
        "declarer_recevable": acteurs.guichet_douai,
        "declarer_irrecevable": acteurs.guichet_douai,
        "conclure_instruction": acteurs.instructeur_etat,
        "programmer": acteurs.pilotage,
        "rejeter": acteurs.pilotage,
    }
    journaux, permissions, routages, demandes = [], [], [], []
    for dossier, plan in zip(dossiers, plans, strict=True):
        # The porteurs' access is their structure membership (dossiers/acces.py): no grant.
        if plan.guichet:
            permissions.append((voir.pk, plan.guichet.groupe_id, dossier.pk))
        groupe = acteurs.groupes.get(plan.volet.code)
        for transition, source, cible, moment in plan.jalons:
            journaux.append(
                (
                    moment,
                    auteurs[transition].pk,
                    source,
                    cible,
                    transition,
                    type_dossier.pk,
                    dossier.pk,
                    "Historique de démonstration.",
                )
            )
            if transition == "declarer_recevable" and groupe:
                routages.append((dossier.pk, groupe.pk, acteurs.guichet_douai.pk, "", moment))
                permissions += [
                    (voir.pk, groupe.groupe_id, dossier.pk),
                    (instruire.pk, groupe.groupe_id, dossier.pk),
                ]
        if plan.etat == E.INCOMPLET:
            moment = plan.jalons[-1][3]
            demandes.append(
                DemandeComplements(
                    dossier=dossier,
                    motif="La délibération approuvant le plan de financement manque.",
                    pieces_demandees=["deliberation"],
                    echeance=(moment + datetime.timedelta(days=30)).date(),
                    demandee_par=acteurs.guichet_douai,
                    etat_origine=plan.retour_complements,
                )
            )
    _copier(
        StateLog,
        [
            "timestamp",
            "by",
            "source_state",
            "state",
            "transition",
            "content_type",
            "object_id",
            "description",
        ],
        journaux,
    )
    _copier(DossierGroupObjectPermission, ["permission", "group", "content_object"], permissions)
    _copier(Routage, ["dossier", "groupe_technique", "par", "commentaire", "created_at"], routages)
    DemandeComplements.objects.bulk_create(demandes, batch_size=2000)
    rapport.lignes["historique"] = len(journaux)
    rapport.lignes["permissions"] = len(permissions)

    rapport.top("historique")
    # Avis and their proposed amounts.
    avis, plans_avis = [], []
    for dossier, plan in zip(dossiers, plans, strict=True):
        for cote in plan.proposes:
            avis.append(
                Avis(
                    dossier=dossier,
                    cote=cote,
                    sens=plan.sens[cote],
                    motivation=MOTIVATIONS[plan.sens[cote]],
                    donne_par=acteurs.instructeur_etat
                    if cote == Cote.ETAT
                    else acteurs.instructeur_region,
                )
            )
            plans_avis.append(plan.proposes[cote])
    avis = Avis.objects.bulk_create(avis, batch_size=5000)
    _copier(
        MontantPropose,
        ["avis", "financeur", "montant"],
        [
            (a.pk, financeurs[code].pk, montant)
            for a, proposes in zip(avis, plans_avis, strict=True)
            for code, montant in proposes.items()
        ],
    )
    rapport.lignes["avis"] = len(avis)

    rapport.top("avis")
    # Séances, agenda items, decisions and programmed amounts.
    instance = Instance.objects.du_type(TypeInstance.PILOTAGE)
    utiles = sorted({p.seance for p in plans if p.seance is not None})
    objets_seances = Seance.objects.bulk_create(
        [
            Seance(
                instance=instance,
                date=seances[i],
                lieu="Préfecture de la région, Lille",
                etat=EtatSeance.CLOSE,
                close_le=seances[i] + datetime.timedelta(hours=3),
                creee_par=acteurs.pilotage,
            )
            for i in utiles
        ]
    )
    par_index = dict(zip(utiles, objets_seances, strict=True))
    points, decisions_plans = [], []
    ordres = defaultdict(int)
    for dossier, plan in zip(dossiers, plans, strict=True):
        if plan.seance is None:
            continue
        seance = par_index[plan.seance]
        ordres[seance.pk] += 1
        points.append(PointOrdreDuJour(seance=seance, dossier=dossier, ordre=ordres[seance.pk]))
        decisions_plans.append(plan)
    # The next séance, in preparation, already has a few instructed dossiers on its agenda.
    prochaine = Seance.objects.create(
        instance=instance,
        date=(maintenant + datetime.timedelta(days=30))
        .astimezone(PARIS)
        .replace(hour=10, minute=0, second=0, microsecond=0),
        lieu="Préfecture de la région, Lille",
        creee_par=acteurs.pilotage,
    )
    instruits = [d for d, p in zip(dossiers, plans, strict=True) if p.etat == E.INSTRUIT][:12]
    points_preparation = [
        PointOrdreDuJour(seance=prochaine, dossier=d, ordre=i) for i, d in enumerate(instruits, 1)
    ]
    points = PointOrdreDuJour.objects.bulk_create(points, batch_size=5000)
    PointOrdreDuJour.objects.bulk_create(points_preparation)
    decisions = Decision.objects.bulk_create(
        [
            Decision(
                point=point,
                sens=SensDecision.PROGRAMME if plan.etat == E.PROGRAMME else SensDecision.REJETE,
                motif="" if plan.etat == E.PROGRAMME else "Avis défavorable du groupe technique.",
                decidee_par=acteurs.pilotage,
            )
            for point, plan in zip(points, decisions_plans, strict=True)
        ],
        batch_size=5000,
    )
    _copier(
        MontantProgramme,
        ["decision", "financeur", "montant"],
        [
            (decision.pk, financeurs[code].pk, montant)
            for decision, plan in zip(decisions, decisions_plans, strict=True)
            for code, montant in plan.programmes.items()
        ],
    )
    rapport.lignes["séances"] = len(objets_seances) + 1
    rapport.lignes["décisions"] = len(decisions)

    rapport.top("decisions")
    # Dates the models set to "now" on insert: put them back where the history says.
    dates = [
        (
            d.pk,
            (p.jalons[0][3] if p.jalons else maintenant) - datetime.timedelta(days=21),
            p.jalons[-1][3] if p.jalons else maintenant - datetime.timedelta(days=21),
        )
        for d, p in zip(dossiers, plans, strict=True)
    ]
    with connection.cursor() as curseur:
        curseur.execute(
            "CREATE TEMPORARY TABLE demo_dates (id integer, cree timestamptz, modifie timestamptz)"
            " ON COMMIT DROP"
        )
        with curseur.cursor.copy("COPY demo_dates (id, cree, modifie) FROM STDIN") as copie:
            for ligne in dates:
                copie.write_row(ligne)
        curseur.execute(
            f"""
            UPDATE {Dossier._meta.db_table} d SET created_at = t.cree, updated_at = t.modifie
            FROM demo_dates t WHERE t.id = d.id
            """  # noqa: S608
        )

        curseur.execute(
            f"""
            UPDATE {Decision._meta.db_table} dec SET created_at = s.date + interval '2 hours'
            FROM {PointOrdreDuJour._meta.db_table} p JOIN {Seance._meta.db_table} s
                ON s.id = p.seance_id
            WHERE p.id = dec.point_id AND p.dossier_id IN (SELECT id FROM demo_dates)
            """  # noqa: S608
        )
        # Dropped now rather than at commit: an outer transaction (tests) may run us again.
        curseur.execute("DROP TABLE demo_dates")
        # Fresh statistics, so that the dashboards' first queries are planned on real sizes.
        for model in (
            Dossier,
            Dossier.communes.through,
            Commune,
            LigneFinancement,
            StateLog,
            Avis,
            MontantPropose,
            PointOrdreDuJour,
            Decision,
            MontantProgramme,
        ):
            curseur.execute(f"ANALYZE {model._meta.db_table}")

    rapport.top("dates")
    # A few observations of the concertation member on dossiers of the Côte d'Opale.
    ids = [d.pk for d in dossiers]
    mandat = MembreInstance.objects.filter(user=acteurs.concertation).first()
    if mandat and mandat.territoire:
        sur_opale = list(
            dossiers_du_territoire(mandat)
            .filter(pk__gte=min(ids, default=0))
            .values_list("pk", flat=True)[: max(3, nombre // 50)]
        )
        Observation.objects.bulk_create(
            [
                Observation(
                    dossier_id=pk,
                    auteur=acteurs.concertation,
                    texte=(
                        "Projet attendu par les communes du territoire ; le calendrier paraît "
                        "tenable."
                    ),
                )
                for pk in sur_opale
            ]
        )
        rapport.lignes["observations"] = len(sur_opale)
    rapport.top("observations")
    # The dashboards' aggregate rows, rebuilt from everything just written (set-based).
    rapport.lignes["agregats"] = agregats.reconstruire()
    rapport.top("agregats")
