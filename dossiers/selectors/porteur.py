"""Reads of the porteur's space: "Mes dossiers", the dossier page and its timeline.

The dossier page is also what a guichet agent opens: its reads take the viewer into account
only to say whether the viewer belongs to the structure (porteur actions, names shown).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, F, OuterRef, QuerySet
from django.db.models.functions import Cast, JSONObject
from django_fsm_log.models import StateLog

from cper.comptes.models import User
from cper.referentiel.models import Arrondissement, Commune, Epci, Financeur
from cper.requetes import Dans, RequeteCompilee, instance_lue, relier, sql_fige
from dossiers.acces import avec_membres, dossier_et_membres_ou_404, dossiers_des_structures
from dossiers.enums import EtatDossier
from dossiers.models import Dossier, LigneDepense, LigneFinancement, MembreStructure, Piece

E = EtatDossier

PROCHAINE_ACTION = {
    E.BROUILLON: "Compléter puis déposer le dossier",
    E.DEPOSE: "Aucune : le guichet vérifie que le dossier est complet",
    E.INCOMPLET: "Fournir les compléments demandés par le guichet",
    E.IRRECEVABLE: "Aucune : dossier irrecevable",
    E.CLASSE_SANS_SUITE: "Aucune : dossier classé sans suite",
    E.EN_INSTRUCTION: "Aucune : instruction conjointe État-Région en cours",
    E.INSTRUIT: "Aucune : en attente de la décision de l'instance de pilotage",
    E.PROGRAMME: "Aucune : financement programmé",
    E.REJETE: "Aucune : dossier rejeté",
    E.RETIRE: "Aucune : dossier retiré",
    E.ATTRIBUE: "Déclarer le commencement du projet avant la date limite fixée par l'acte",
    E.EN_COURS: "Demander les versements au fil des dépenses réalisées",
    E.SOLDE: "Aucune : subvention soldée",
    E.CLOTURE: "Aucune : dossier clôturé",
    E.CADUC: "Aucune : subvention caduque",
    E.ABANDONNE: "Reverser, le cas échéant, les sommes perçues",
}

# What each transition of the state machine means, as the timeline tells it.
EVENEMENTS = {
    "deposer": "Dossier déposé",
    "retirer": "Dossier retiré",
    "declarer_recevable": "Dossier déclaré recevable",
    "declarer_irrecevable": "Dossier déclaré irrecevable",
    "classer_sans_suite": "Dossier classé sans suite",
    "demander_complements": "Compléments demandés",
    "completer": "Compléments fournis",
    "conclure_instruction": "Instruction conclue",
    "programmer": "Dossier programmé",
    "ajourner": "Dossier ajourné",
    "rejeter": "Dossier rejeté",
    "attribuer": "Acte attributif notifié",
    "commencer": "Commencement déclaré",
    "solder": "Subvention soldée",
    "cloturer": "Dossier clôturé",
    "abandonner": "Renonciation au projet",
    "declarer_caduc": "Subvention déclarée caduque",
}

# Transitions whose logged comment is written for the porteur: the filing, the porteur's own
# withdrawal and answer, the motive of a request for complements, of an irrecevabilité, of a
# rejection, the séance that programmed. The others are notes agents write for agents — the
# routing to a groupe technique, the conclusion of the instruction, an adjournment's reasons
# (the decision itself reaches the porteur through its own block, e-mail and relevé).
COMMENTAIRES_POUR_LE_PORTEUR = frozenset(
    {
        "deposer",
        "retirer",
        "demander_complements",
        "completer",
        "declarer_irrecevable",
        "classer_sans_suite",
        "programmer",
        "rejeter",
    }
)

# Read from the state machine itself, so that the page offers exactly what `retirer` allows.
ETATS_RETIRABLES = frozenset(
    t.source
    for t in Dossier._meta.get_field("etat").get_all_transitions(Dossier)
    if t.name == "retirer"
)


def prochaine_action(etat: str) -> str:
    return PROCHAINE_ACTION.get(etat, "")


def dossiers_du_porteur(user) -> QuerySet[Dossier]:
    """Dossiers of the user's structures that the user may see, latest change first (1 query)."""
    return (
        dossiers_des_structures(user)
        .select_related("structure", "guichet")
        .order_by("-updated_at", "-pk")
    )


# What « Mes dossiers » shows of each dossier: a guichet or a dossier's long texts are
# thousands of bytes a row that the list never reads.
CHAMPS_MES_DOSSIERS = ("intitule", "numero", "etat", "updated_at", "structure__raison_sociale")


def liste_du_porteur(user) -> QuerySet[Dossier]:
    """`dossiers_du_porteur` with only the columns « Mes dossiers » shows (1 query)."""
    return (
        dossiers_des_structures(user)
        .select_related("structure")
        .only(*CHAMPS_MES_DOSSIERS)
        .order_by("-updated_at", "-pk")
    )


def _totaux(dossier: Dossier) -> None:
    """The money of `Dossier.objects.avec_totaux()`, summed from the lines the page lists."""
    zero = Decimal("0.00")
    depenses, financements = dossier.lignes_depense, dossier.lignes_financement
    dossier.depenses_ht = sum((ligne.montant_ht for ligne in depenses), zero)
    dossier.depenses_ttc = sum((ligne.montant_ttc for ligne in depenses), zero)
    dossier.total_financement = sum((ligne.montant_demande for ligne in financements), zero)
    dossier.aide_publique = sum(
        (ligne.montant_demande for ligne in financements if ligne.financeur.public), zero
    )
    dossier.cout_eligible = dossier.depenses_ht if dossier.tva_recuperable else dossier.depenses_ttc
    dossier.ecart_financement = dossier.total_financement - dossier.cout_eligible


def _json(lignes, **valeurs) -> ArraySubquery:
    """The rows of `lignes` (correlated to the dossier's row) as an array of JSON objects."""
    return ArraySubquery(lignes.values(json=JSONObject(**valeurs)))


def _texte(champ: str) -> Cast:
    # An amount as its text, read back exactly (a JSON number would come back a float).
    return Cast(champ, output_field=CharField())


def _listes_orm() -> dict:
    """The page's lists, in the dossier's own query: each an array of the values it shows."""
    return {
        "json_communes": _json(
            Dossier.communes.through.objects.filter(dossier=OuterRef("pk")).order_by(
                "commune__nom", "commune_id"
            ),
            id="commune_id",
            code_insee="commune__code_insee",
            nom="commune__nom",
            epci="commune__epci__nom",
            arrondissement="commune__arrondissement__nom",
        ),
        "json_depenses": _json(
            LigneDepense.objects.filter(dossier=OuterRef("pk")).order_by("pk"),
            id="pk",
            nature="nature",
            libelle="libelle",
            montant_ht=_texte("montant_ht"),
            montant_ttc=_texte("montant_ttc"),
        ),
        "json_financements": _json(
            LigneFinancement.objects.filter(dossier=OuterRef("pk")).order_by(
                "financeur__ordre", "pk"
            ),
            id="pk",
            precision="precision",
            montant_demande=_texte("montant_demande"),
            financeur_id="financeur_id",
            financeur_nom="financeur__nom",
            financeur_public="financeur__public",
        ),
        "json_pieces": _json(
            Piece.objects.filter(dossier=OuterRef("pk")).order_by("type", "created_at", "pk"),
            id="pk",
            type="type",
            nom_original="nom_original",
            statut_antivirus="statut_antivirus",
        ),
        # By the content type's natural key: its id may differ between databases.
        "json_journal": _json(
            StateLog.objects.filter(
                content_type__app_label=Dossier._meta.app_label,
                content_type__model=Dossier._meta.model_name,
                object_id=OuterRef("pk"),
            ).order_by("timestamp", "pk"),
            id="pk",
            timestamp="timestamp",
            transition="transition",
            state="state",
            description="description",
            by_id="by_id",
            by_first_name="by__first_name",
            by_last_name="by__last_name",
            by_email="by__email",
        ),
    }


@cache
def _listes() -> dict:
    """`_listes_orm` compiled once per process (tests/dossiers/test_requetes_compilees.py
    checks they read what the ORM reads)."""
    return sql_fige(_listes_orm(), Dossier)


def _dossiers_de_la_page():
    return Dossier.objects.select_related(
        "structure", "volet", "guichet", "cree_par", "recepisse"
    ).annotate(guichet_conjoint=F("depot_conjoint__guichet__nom"), **_listes())


def _dossier(pk):
    return avec_membres(_dossiers_de_la_page().filter(pk=pk))


# The dossier by primary key with its lists, its SQL compiled once per process
# (tests/dossiers/test_requetes_compilees.py compares it with the ORM's).
_DOSSIER = RequeteCompilee(_dossier, "pk")


def _instance(modele, ligne: dict, champs: tuple[str, ...]):
    """A model instance of the `champs` of a JSON row (the others deferred)."""
    return instance_lue(modele, **{champ: ligne[champ] for champ in champs})


def _communes(lignes: list[dict]) -> list[Commune]:
    communes = []
    for ligne in lignes:
        commune = _instance(Commune, ligne, ("id", "code_insee", "nom"))
        epci, arrondissement = ligne["epci"], ligne["arrondissement"]
        relier(commune, "epci", instance_lue(Epci, nom=epci) if epci is not None else None)
        relier(
            commune,
            "arrondissement",
            instance_lue(Arrondissement, nom=arrondissement)
            if arrondissement is not None
            else None,
        )
        communes.append(commune)
    return communes


def _financements(lignes: list[dict]) -> list[LigneFinancement]:
    financements = []
    for ligne in lignes:
        financement = _instance(LigneFinancement, ligne, ("id", "precision", "montant_demande"))
        relier(
            financement,
            "financeur",
            instance_lue(
                Financeur,
                id=ligne["financeur_id"],
                nom=ligne["financeur_nom"],
                public=ligne["financeur_public"],
            ),
        )
        financements.append(financement)
    return financements


def _journal_lu(lignes: list[dict]) -> list[StateLog]:
    journal = []
    for ligne in lignes:
        entree = _instance(
            StateLog, ligne, ("id", "timestamp", "transition", "state", "description")
        )
        entree.by = (
            instance_lue(
                User,
                id=ligne["by_id"],
                first_name=ligne["by_first_name"],
                last_name=ligne["by_last_name"],
                email=ligne["by_email"],
            )
            if ligne["by_id"] is not None
            else None
        )
        journal.append(entree)
    return journal


def dossier_complet(user, pk) -> Dossier:
    """One dossier in the user's scope with its money, location, lines, pieces and
    transition log, or 404.

    One query whatever the number of lines: the dossier (structure, volet, guichet, creator,
    récépissé, the other guichet of a dépôt conjoint, the structure's member ids — whether
    the user is one, whose names the timeline shows) with, as arrays in the same row, its
    communes (`liste_communes`), expenses (`lignes_depense`), financing lines
    (`lignes_financement`), pieces (`liste_pieces`) and transition log (`journal`, read by
    `chronologie`), rebuilt as instances of the fields the page shows. The totals of
    `avec_totaux` are summed from those lines.
    """
    dossier = dossier_et_membres_ou_404(
        user,
        pk,
        # Built only for a user with agent roles: a porteur's read is compiled.
        queryset=_dossiers_de_la_page,
        compilee=_DOSSIER,
    )
    dossier.liste_communes = _communes(dossier.json_communes)
    dossier.lignes_depense = [
        _instance(LigneDepense, ligne, ("id", "nature", "libelle", "montant_ht", "montant_ttc"))
        for ligne in dossier.json_depenses
    ]
    dossier.lignes_financement = _financements(dossier.json_financements)
    dossier.liste_pieces = [
        _instance(Piece, ligne, ("id", "type", "nom_original", "statut_antivirus"))
        for ligne in dossier.json_pieces
    ]
    dossier.journal = _journal_lu(dossier.json_journal)
    _totaux(dossier)
    return dossier


@dataclass(frozen=True)
class Evenement:
    date: datetime
    titre: str
    par: str
    commentaire: str = ""


def _auteur(user, membres: set[int], voit_les_noms: bool) -> str:
    if user is None:
        return ""
    if voit_les_noms or user.pk in membres:
        return user.get_full_name() or user.email
    # A porteur is told which service acted, not which agent.
    return "l'administration"


def _journal(content_type_id, dossier_ids):
    # `Dans`, not `object_id=`: the stand-in id the SQL is compiled with is below zero, out of
    # the range of the positive integer field, a condition the ORM would drop.
    return (
        StateLog.objects.filter(Dans(F("object_id"), dossier_ids), content_type=content_type_id)
        .select_related("by")
        .order_by("timestamp", "pk")
    )


# The content type's id is a parameter: it may differ between databases.
_JOURNAL = RequeteCompilee(_journal, "content_type_id", listes=("dossier_ids",))


def chronologie(dossier: Dossier, *, pour_le_porteur: bool) -> list[Evenement]:
    """What happened to the dossier, oldest first: creation, every transition, the récépissé.

    No query for a dossier from `dossier_complet`, which brings its transition log and its
    structure's member ids; otherwise one query for each. The porteur sees colleagues'
    names but not agents', and only the comments meant for them.
    """
    voit_les_noms = not pour_le_porteur
    membres = getattr(dossier, "membres_ids", None)
    if membres is None:
        membres = MembreStructure.objects.filter(structure_id=dossier.structure_id).values_list(
            "user_id", flat=True
        )
    membres = set(membres)
    evenements = [
        Evenement(
            date=dossier.created_at,
            titre="Dossier créé",
            par=_auteur(dossier.cree_par, membres, voit_les_noms),
        )
    ]
    journal = getattr(dossier, "journal", None)
    if journal is None:
        journal = _JOURNAL(
            content_type_id=ContentType.objects.get_for_model(Dossier).pk,
            dossier_ids=[dossier.pk],
        )
    for log in journal:
        titre = EVENEMENTS.get(log.transition)
        if titre is None:
            titre = f"Passage à l'état « {E(log.state).label} »"
        evenements.append(
            Evenement(
                date=log.timestamp,
                titre=titre,
                par=_auteur(log.by, membres, voit_les_noms),
                commentaire=(
                    log.description or ""
                    if not pour_le_porteur or log.transition in COMMENTAIRES_POUR_LE_PORTEUR
                    else ""
                ),
            )
        )
    recepisse = getattr(dossier, "recepisse", None)
    if recepisse is not None:
        evenements.append(
            Evenement(date=recepisse.created_at, titre="Récépissé de dépôt émis", par="")
        )
    return sorted(evenements, key=lambda e: e.date)
