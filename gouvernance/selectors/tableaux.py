"""Reads of the dashboards: funnel, delays, territorial breakdowns, the concertation's scope.

Each function is one query computed in PostgreSQL, whatever the number of dossiers.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django_fsm_log.models import StateLog

from cper import lecture
from cper.referentiel.models import (
    Arrondissement,
    Commune,
    Departement,
    Epci,
    Financeur,
    PoleMetropolitain,
)
from dossiers.enums import ETATS_PROGRAMMES
from dossiers.enums import EtatDossier as E
from dossiers.models import AgregatFinancement, Dossier
from gouvernance.enums import TypeInstance
from gouvernance.models import MembreInstance
from gouvernance.selectors.maquette import ETATS_EN_COURS, ZERO, taux

MONTANT = DecimalField(max_digits=16, decimal_places=2)
# States whose requested money is still wanted or has been granted: the base of a territory's
# programming rate.
ETATS_DEMANDE_ACTIVE = [*ETATS_EN_COURS, *ETATS_PROGRAMMES]


def _lignes(sql: str, parametres) -> list[tuple]:
    with lecture.connexion().cursor() as curseur:
        curseur.execute(sql, parametres)
        return curseur.fetchall()


# --- Funnel ---------------------------------------------------------------------------------

ETAPES = [
    ("deposer", "Déposés"),
    ("declarer_recevable", "Déclarés recevables"),
    ("conclure_instruction", "Instruits"),
    ("programmer", "Programmés"),
]


@dataclass
class Entonnoir:
    etapes: list[tuple[str, int, Decimal | None]]  # libellé, dossiers, % of the filed ones
    etats: list[tuple[str, int]]  # libellé of the current state, dossiers
    deposes: int


def entonnoir() -> Entonnoir:
    """Dossiers per current state, and how many ever reached each stage (one query).

    A stage counts the dossiers that went through its transition at least once (django-fsm-log),
    so a dossier withdrawn after being declared recevable still counts as recevable.
    """
    type_dossier = ContentType.objects.get_for_model(Dossier)
    sql = f"""
        SELECT 'etat', etat, COUNT(*) FROM {Dossier._meta.db_table}
        WHERE etat <> %s AND numero IS NOT NULL GROUP BY etat
        UNION ALL
        SELECT 'etape', transition, COUNT(DISTINCT object_id) FROM {StateLog._meta.db_table}
        WHERE content_type_id = %s AND transition = ANY(%s) GROUP BY transition
    """  # noqa: S608 - table names from the models, values as parameters
    lignes = _lignes(sql, [E.BROUILLON.value, type_dossier.pk, [code for code, _ in ETAPES]])
    par_etat = {code: n for genre, code, n in lignes if genre == "etat"}
    par_etape = {code: n for genre, code, n in lignes if genre == "etape"}
    # Dossiers filed without a logged dépôt (imports) still count as filed: they have a number.
    deposes = max(par_etape.get("deposer", 0), sum(par_etat.values()))
    par_etape["deposer"] = deposes
    return Entonnoir(
        etapes=[
            (libelle, par_etape.get(code, 0), taux(Decimal(par_etape.get(code, 0)), deposes))
            for code, libelle in ETAPES
        ],
        etats=[(etat.label, par_etat.get(etat.value, 0)) for etat in E if etat != E.BROUILLON],
        deposes=deposes,
    )


# --- Delays ---------------------------------------------------------------------------------

DELAIS = [
    ("depot_recevabilite", "Dépôt → recevabilité"),
    ("recevabilite_conclusion", "Recevabilité → conclusion de l'instruction"),
    ("conclusion_decision", "Conclusion → décision"),
    ("depot_decision", "Dépôt → décision (total)"),
]


@dataclass
class Delai:
    libelle: str
    dossiers: int
    mediane: Decimal | None
    p90: Decimal | None


def delais() -> list[Delai]:
    """Median and 90th percentile, in days, of each step of the processing (one query).

    Recevabilité: the first declarer_recevable or declarer_irrecevable; conclusion: the last
    conclure_instruction (an adjourned dossier is concluded again); décision: the last
    programmer or rejeter. Dates come from django-fsm-log, the dépôt from Dossier.depose_le.
    """
    type_dossier = ContentType.objects.get_for_model(Dossier)
    sql = f"""
        WITH jalons AS (
            SELECT object_id,
                MIN(timestamp) FILTER (WHERE transition IN
                    ('declarer_recevable', 'declarer_irrecevable')) AS recevabilite,
                MIN(timestamp) FILTER (WHERE transition = 'declarer_recevable') AS recevable,
                MAX(timestamp) FILTER (WHERE transition = 'conclure_instruction') AS conclusion,
                MAX(timestamp) FILTER (WHERE transition IN ('programmer', 'rejeter')) AS decision
            FROM {StateLog._meta.db_table}
            WHERE content_type_id = %s
            GROUP BY object_id
        ), durees AS (
            SELECT EXTRACT(EPOCH FROM j.recevabilite - d.depose_le) / 86400 AS depot_recevabilite,
                   EXTRACT(EPOCH FROM j.conclusion - j.recevable) / 86400
                       AS recevabilite_conclusion,
                   EXTRACT(EPOCH FROM j.decision - j.conclusion) / 86400 AS conclusion_decision,
                   EXTRACT(EPOCH FROM j.decision - d.depose_le) / 86400 AS depot_decision
            FROM jalons j JOIN {Dossier._meta.db_table} d ON d.id = j.object_id
            WHERE d.depose_le IS NOT NULL
        )
        SELECT {
        ", ".join(
            f"COUNT({code}), "
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {code}), "
            f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {code})"
            for code, _ in DELAIS
        )
    }
        FROM durees
    """  # noqa: S608 - table and column names from the code, values as parameters
    ligne = _lignes(sql, [type_dossier.pk])[0]

    def jours(valeur):
        return None if valeur is None else Decimal(valeur).quantize(Decimal("0.1"))

    return [
        Delai(
            libelle=libelle,
            dossiers=ligne[3 * i],
            mediane=jours(ligne[3 * i + 1]),
            p90=jours(ligne[3 * i + 2]),
        )
        for i, (_code, libelle) in enumerate(DELAIS)
    ]


# --- Territories ----------------------------------------------------------------------------

NIVEAUX = [
    ("departement", "Département"),
    ("arrondissement", "Arrondissement"),
    ("epci", "EPCI"),
    ("pole", "Pôle métropolitain"),
]

REGLE_MULTI_TERRITOIRES = (
    "Un dossier situé sur plusieurs communes compte une fois, avec la totalité de ses montants, "
    "dans chaque territoire où se trouve au moins une de ses communes : la somme des lignes d'un "
    "niveau peut donc dépasser le total régional. Les montants sont ceux demandés aux "
    "signataires par les dossiers en cours (déposés, incomplets, en instruction, instruits) et "
    "ceux programmés par l'instance de pilotage ; les dossiers comptés sont tous les dossiers "
    "déposés."
)


@dataclass
class LigneTerritoire:
    nom: str
    dossiers: int
    demande: Decimal
    programme: Decimal


def repartition_territoriale() -> dict[str, list[LigneTerritoire]]:
    """Dossiers, requested and programmed per département, arrondissement, EPCI, pôle (1 query).

    The amounts come from the aggregate rows (one per dossier × financeur), not from the
    financing lines and decisions.

    See REGLE_MULTI_TERRITOIRES for dossiers on several territories.
    """
    lien = Dossier.communes.through._meta.db_table
    sql = f"""
        WITH montants AS (
            SELECT a.dossier_id,
                   SUM(a.demande) FILTER (WHERE a.etat = ANY(%s)) AS demande,
                   SUM(a.programme) AS programme
            FROM {AgregatFinancement._meta.db_table} a
            JOIN {Financeur._meta.db_table} f ON f.id = a.financeur_id AND f.signataire
            GROUP BY a.dossier_id
        ), lieux AS (
            SELECT DISTINCT l.dossier_id, c.departement_id, c.arrondissement_id, c.epci_id
            FROM {lien} l
            JOIN {Commune._meta.db_table} c ON c.id = l.commune_id
            JOIN {Dossier._meta.db_table} d
                ON d.id = l.dossier_id AND d.etat <> %s AND d.numero IS NOT NULL
        ), par_territoire AS (
            SELECT DISTINCT 'departement' AS niveau, departement_id AS territoire, dossier_id
                FROM lieux
            UNION ALL SELECT DISTINCT 'arrondissement', arrondissement_id, dossier_id
                FROM lieux WHERE arrondissement_id IS NOT NULL
            UNION ALL SELECT DISTINCT 'epci', epci_id, dossier_id
                FROM lieux WHERE epci_id IS NOT NULL
            UNION ALL SELECT DISTINCT 'pole', pm.polemetropolitain_id, lieux.dossier_id
                FROM lieux JOIN {PoleMetropolitain.membres.through._meta.db_table} pm
                ON pm.epci_id = lieux.epci_id
        ), totaux AS (
            SELECT t.niveau, t.territoire, COUNT(*) AS dossiers,
                   COALESCE(SUM(m.demande), 0) AS demande,
                   COALESCE(SUM(m.programme), 0) AS programme
            FROM par_territoire t
            LEFT JOIN montants m ON m.dossier_id = t.dossier_id
            GROUP BY t.niveau, t.territoire
        )
        SELECT t.niveau, COALESCE(dep.nom, arr.nom, epci.nom, pole.nom) AS nom,
               t.dossiers, t.demande, t.programme
        FROM totaux t
        LEFT JOIN {Departement._meta.db_table} dep
            ON t.niveau = 'departement' AND dep.id = t.territoire
        LEFT JOIN {Arrondissement._meta.db_table} arr
            ON t.niveau = 'arrondissement' AND arr.id = t.territoire
        LEFT JOIN {Epci._meta.db_table} epci ON t.niveau = 'epci' AND epci.id = t.territoire
        LEFT JOIN {PoleMetropolitain._meta.db_table} pole
            ON t.niveau = 'pole' AND pole.id = t.territoire
        ORDER BY t.niveau, 2
    """  # noqa: S608 - table names from the models, values as parameters
    lignes = _lignes(
        sql,
        [[str(e) for e in ETATS_EN_COURS], E.BROUILLON.value],
    )
    resultat = {code: [] for code, _ in NIVEAUX}
    for niveau, nom, n, demande, programme in lignes:
        if niveau == "arrondissement":
            nom = f"Arrondissement de {nom}"
        resultat[niveau].append(LigneTerritoire(nom, n, demande, programme))
    return resultat


# --- Concertation: a member's territory -----------------------------------------------------


def mandat_concertation(user) -> MembreInstance | None:
    """The user's seat in the concertation instance, with its territory (one query)."""
    return (
        MembreInstance.objects.filter(instance__type=TypeInstance.CONCERTATION, user=user)
        .select_related("pole", "epci", "departement")
        .first()
    )


def dossiers_du_territoire(mandat: MembreInstance | None):
    """Filed dossiers located (at least partly) on the member's territory.

    Never drafts, nor drafts withdrawn before being filed (they have no number).
    """
    if mandat is None or mandat.territoire is None:
        return Dossier.objects.none()
    communes = Commune.objects.du_territoire(mandat.territoire)
    return (
        Dossier.objects.sur_territoire(communes)
        .exclude(etat=E.BROUILLON)
        .filter(numero__isnull=False)
    )


def _somme_par_dossier(champ):
    """Per dossier, one column of its aggregate rows summed over the signatories."""
    return Coalesce(
        Subquery(
            AgregatFinancement.objects.filter(dossier=OuterRef("pk"), financeur__signataire=True)
            .order_by()
            .values("dossier")
            .annotate(total=Sum(champ))
            .values("total")
        ),
        Value(ZERO, output_field=MONTANT),
        output_field=MONTANT,
    )


def montant_demande():
    """Per dossier, what it asks of the signatories (whatever its state)."""
    return _somme_par_dossier("demande")


def montant_programme():
    """Per dossier, what the instance de pilotage programmed on it for the signatories."""
    return _somme_par_dossier("programme")


def avec_montants(queryset):
    return queryset.annotate(demande=montant_demande(), programme=montant_programme())


@dataclass
class SyntheseTerritoire:
    lignes: list[dict]  # volet, etat, dossiers, demande, programme
    par_volet: list[dict]
    dossiers: int
    demande_active: Decimal
    programme: Decimal

    @property
    def taux_programmation(self):
        return taux(self.programme, self.demande_active)


def synthese_territoire(dossiers) -> SyntheseTerritoire:
    """Dossiers, requested and programmed per volet × state of a territory (one query)."""
    lignes = list(
        avec_montants(dossiers)
        .values("volet__numero", "volet__intitule", "etat")
        .annotate(n=Count("pk"), total_demande=Sum("demande"), total_programme=Sum("programme"))
        .order_by("volet__numero", "etat")
    )
    libelles = dict(E.choices)
    par_volet: dict = {}
    demande_active = programme = ZERO
    for ligne in lignes:
        ligne["etat_libelle"] = libelles[ligne["etat"]]
        ligne["volet"] = (
            f"{ligne['volet__numero']}. {ligne['volet__intitule']}"
            if ligne["volet__numero"]
            else "Sans volet"
        )
        cumul = par_volet.setdefault(
            ligne["volet"],
            {"volet": ligne["volet"], "n": 0, "demande_active": ZERO, "programme": ZERO},
        )
        cumul["n"] += ligne["n"]
        cumul["programme"] += ligne["total_programme"]
        if ligne["etat"] in ETATS_DEMANDE_ACTIVE:
            cumul["demande_active"] += ligne["total_demande"]
            demande_active += ligne["total_demande"]
        programme += ligne["total_programme"]
    for cumul in par_volet.values():
        cumul["taux"] = taux(cumul["programme"], cumul["demande_active"])
    return SyntheseTerritoire(
        lignes=lignes,
        par_volet=list(par_volet.values()),
        dossiers=sum(ligne["n"] for ligne in lignes),
        demande_active=demande_active,
        programme=programme,
    )


def dossier_du_territoire_ou_404(mandat, pk) -> Dossier:
    """A dossier of the member's territory with its public fields and amounts; 404 otherwise."""
    try:
        return (
            avec_montants(dossiers_du_territoire(mandat))
            .select_related("structure", "volet")
            .only(
                "numero",
                "intitule",
                "etat",
                "depose_le",
                "structure__raison_sociale",
                "volet__numero",
                "volet__intitule",
            )
            .get(pk=pk)
        )
    except Dossier.DoesNotExist:
        raise Http404("Dossier introuvable.") from None
