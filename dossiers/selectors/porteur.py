"""Reads of the porteur's space: "Mes dossiers", the dossier page and its timeline.

The dossier page is also what a guichet agent opens: its reads take the viewer into account
only to say whether the viewer belongs to the structure (porteur actions, names shown).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, QuerySet
from django_fsm_log.models import StateLog

from cper.referentiel.models import Commune
from cper.requetes import Dans, RequeteCompilee
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


def _dossiers_de_la_page():
    return Dossier.objects.select_related(
        "structure", "volet", "guichet", "cree_par", "recepisse"
    ).annotate(guichet_conjoint=F("depot_conjoint__guichet__nom"))


def _dossier(pk):
    return avec_membres(_dossiers_de_la_page().filter(pk=pk))


# The page's reads, their SQL compiled once per process (tests/dossiers/test_requetes_compilees.py
# compares each with the ORM's): the dossier by primary key, then its lists.
_DOSSIER = RequeteCompilee(_dossier, "pk")
_COMMUNES = RequeteCompilee(
    lambda dossier_id: (
        Commune.objects.filter(dossiers=dossier_id)
        .select_related("arrondissement", "epci")
        .order_by("nom")
    ),
    "dossier_id",
)
_DEPENSES = RequeteCompilee(
    lambda dossier_id: LigneDepense.objects.filter(dossier=dossier_id), "dossier_id"
)
_FINANCEMENTS = RequeteCompilee(
    lambda dossier_id: LigneFinancement.objects.filter(dossier=dossier_id).select_related(
        "financeur"
    ),
    "dossier_id",
)
_PIECES = RequeteCompilee(lambda dossier_id: Piece.objects.filter(dossier=dossier_id), "dossier_id")


def dossier_complet(user, pk) -> Dossier:
    """One dossier in the user's scope with its money, location, lines and pieces, or 404.

    Five queries whatever the number of lines: the dossier (structure, volet, guichet,
    creator, récépissé, the other guichet of a dépôt conjoint, the structure's member ids —
    whether the user is one, whose names the timeline shows), then its communes
    (`liste_communes`), expenses (`lignes_depense`), financing lines (`lignes_financement`)
    and pieces (`liste_pieces`), each a plain query. The totals of `avec_totaux` are summed
    from those lines.
    """
    dossier = dossier_et_membres_ou_404(
        user,
        pk,
        queryset=_dossiers_de_la_page(),
        compilee=_DOSSIER,
    )
    dossier.liste_communes = _COMMUNES(dossier_id=dossier.pk)
    dossier.lignes_depense = _DEPENSES(dossier_id=dossier.pk)
    dossier.lignes_financement = _FINANCEMENTS(dossier_id=dossier.pk)
    dossier.liste_pieces = _PIECES(dossier_id=dossier.pk)
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

    One query, the transition log with its authors (the structure's member ids come with a
    dossier from `dossier_complet`, else one more query). The
    porteur sees colleagues' names but not agents', and only the comments meant for them.
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
    journal = _JOURNAL(
        content_type_id=ContentType.objects.get_for_model(Dossier).pk, dossier_ids=[dossier.pk]
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
