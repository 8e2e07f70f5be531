"""Reads of the agents' work: scoped fetches (404 outside scope) and the workbench queues."""

from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import cache, lru_cache

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject, NullIf, Trim
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django_fsm import can_proceed
from django_fsm_log.models import StateLog

from cper.comptes.enums import Role
from cper.comptes.models import User
from cper.pagination import (
    PLAFOND,
    Compte,
    compter_bornes,
    compter_sql_envoye,
    paginer,
    requete_bornee,
    requete_de_page,
    sens_de_la_page,
)
from cper.referentiel.models import Financeur
from cper.referentiel.selectors import VOLETS
from cper.requetes import (
    Constante,
    Dans,
    Identifiant,
    Jour,
    RequeteCompilee,
    constantes,
    instance_lue,
    relier,
    sql_fige,
)
from dossiers import recherche
from dossiers.enums import ETATS_INSTRUCTION_EN_COURS
from dossiers.enums import EtatDossier as E
from dossiers.models import (
    AgregatFinancement,
    DemandeAdhesion,
    DepotConjoint,
    Dossier,
    LigneFinancement,
    Structure,
)

from .enums import Cote, avis_divergents
from .models import (
    Affectation,
    Annotation,
    Avis,
    AvisCofinanceur,
    Courrier,
    DemandeComplements,
    EtatInstruction,
    GroupeTechnique,
    HistoriqueAvis,
    LectureMessage,
    MembreGroupe,
    Message,
    MontantPropose,
    PieceJointe,
    Routage,
    Transfert,
)
from .perimetres import (  # noqa: F401 - the scopes, read here by the views
    UnDe,
    au_guichet_de,
    au_perimetre_des_agents,
    dans_mes_groupes,
    dossier_des_groupes_ou_404,
    dossier_du_guichet_ou_404,
    dossier_du_porteur_ou_404,
    dossiers_de_ces_groupes,
    dossiers_des_agents,
    dossiers_des_groupes,
    dossiers_des_guichets,
    dossiers_du_guichet,
    dossiers_du_porteur,
    dossiers_en_lecture,
    file_du_guichet,
    guichets_et_conjoints,
    mes_groupes,
    ou_404,
    pour_une_page,
)


def dossier_pour_agent_ou_404(user, pk) -> Dossier:
    """The dossier, annotated with whether the user works at its guichet (same query)."""
    return ou_404(
        dossiers_des_agents(user).annotate(
            agent_du_guichet=au_guichet_de(user),
            guichet_conjoint=F("depot_conjoint__guichet__nom"),
            demandes_adhesion_en_cours=Exists(
                DemandeAdhesion.objects.filter(
                    structure=OuterRef("structure"), decidee_le__isnull=True
                )
            ),
        ),
        pk,
    )


def collegues(user, dossier):
    """Who `user` may hand the dossier to: the agents of its guichet when `user` is one of
    them, the members of the groupe technique in charge when `user` belongs to it."""
    q = Q(pk__in=[])
    if dossier.guichet_id and user.groups.filter(guichet=dossier.guichet_id).exists():
        q |= Q(groups__guichet=dossier.guichet_id)
    routage = Routage.objects.en_vigueur().filter(dossier=dossier).values("groupe_technique")
    if MembreGroupe.objects.filter(user=user, groupe_technique__in=routage).exists():
        q |= Q(adhesions_groupes__groupe_technique__in=routage)
    return User.objects.filter(pk__in=User.objects.filter(q).values("pk"), is_active=True).order_by(
        "last_name", "first_name", "email"
    )


def affectes_a(user):
    """Subquery of the dossiers currently assigned to `user`."""
    return Affectation.objects.filter(agent=user, en_cours=True).values("dossier")


def _suivi_par():
    en_cours = Affectation.objects.filter(dossier=OuterRef("pk"), en_cours=True)
    return {
        "suivi_par_id": Subquery(en_cours.values("agent_id")[:1]),
        "suivi_par_nom": Subquery(
            en_cours.annotate(
                nom=Coalesce(
                    NullIf(
                        Trim(
                            Concat(
                                "agent__first_name",
                                Value(" "),
                                "agent__last_name",
                                output_field=CharField(),
                            )
                        ),
                        Value(""),
                    ),
                    "agent__email",
                    output_field=CharField(),
                )
            ).values("nom")[:1]
        ),
    }


def groupe_en_charge(dossier) -> GroupeTechnique | None:
    routage = (
        Routage.objects.en_vigueur()
        .filter(dossier=dossier)
        .select_related("groupe_technique")
        .first()
    )
    return routage.groupe_technique if routage else None


def groupe_par_defaut(dossier) -> GroupeTechnique | None:
    """The group that covers the dossier's volet (the first by name if several do)."""
    if dossier.volet_id is None:
        return None
    return GroupeTechnique.objects.filter(volets=dossier.volet_id).first()


def cote_de(user, dossier) -> str | None:
    """The side (État or Région) the user instructs this dossier for, through its current group."""
    groupe = groupe_en_charge(dossier)
    if groupe is None:
        return None
    return (
        MembreGroupe.objects.filter(groupe_technique=groupe, user=user)
        .values_list("cote", flat=True)
        .first()
    )


def cote_dans_le_groupe(user):
    """Subquery on Routage rows: the side the user holds in that routing's group, if any."""
    return Subquery(
        MembreGroupe.objects.filter(
            groupe_technique=OuterRef("groupe_technique"), user=user
        ).values("cote")[:1]
    )


def courrier_visible_ou_404(user, pk) -> Courrier:
    """A letter, for the agents of its dossier and the members of its structure; else 404."""
    courrier = Courrier.objects.filter(pk=pk).first()
    if courrier is None or not (
        dossiers_des_agents(user).filter(pk=courrier.dossier_id).exists()
        or dossiers_du_porteur(user).filter(pk=courrier.dossier_id).exists()
    ):
        raise Http404("Courrier introuvable.")
    return courrier


def demande_ouverte(dossier) -> DemandeComplements | None:
    return DemandeComplements.objects.filter(dossier=dossier).en_attente().first()


def _sens_avis(cote):
    return Subquery(Avis.objects.filter(dossier=OuterRef("pk"), cote=cote).values("sens")[:1])


# What the rows of a queue (and its export) print of the dossier and its relations.
CHAMPS_FILE = (
    "numero",
    "intitule",
    "etat",
    "depose_le",
    "structure",
    "volet",
    "guichet",
    "structure__raison_sociale",
    "volet__intitule",
    "guichet__nom",
)


def _annotations_file_orm() -> dict:
    """The subqueries of a queue's rows, which do not depend on the viewer, as ORM
    expressions (correlated to the dossier's row)."""
    return {
        # A scalar subquery rather than two outer joins: fewer join orders to plan.
        "guichet_conjoint": Subquery(
            DepotConjoint.objects.filter(dossier=OuterRef("pk")).values("guichet__nom")[:1]
        ),
        "groupe_nom": Subquery(
            Routage.objects.filter(dossier=OuterRef("pk")).values("groupe_technique__nom")[:1]
        ),
        "avis_etat": _sens_avis(Cote.ETAT),
        "avis_region": _sens_avis(Cote.REGION),
        "echeance_complements": Subquery(
            DemandeComplements.objects.filter(dossier=OuterRef("pk"), repondue_le__isnull=True)
            .order_by("-created_at")
            .values("echeance")[:1]
        ),
        **_suivi_par(),
    }


@cache
def _annotations_file() -> dict:
    """The rows' subqueries compiled to SQL once per process: resolving and compiling six
    correlated subqueries on every page cost more than PostgreSQL's run of the page
    (tests/instruction/test_lignes_file.py checks they read what the ORM reads)."""
    return sql_fige(_annotations_file_orm(), Dossier)


def annoter_file(queryset):
    """What each row of a workbench shows, in the same query: group, both avis, deadlines;
    of the dossier and its relations, only what the rows print (`CHAMPS_FILE`)."""
    return (
        queryset.select_related("structure", "volet", "guichet")
        .only(*CHAMPS_FILE)
        .avec_limite_recevabilite()
        .annotate(**_annotations_file())
    )


# What the page of a queue prints of each row (`instruction_files.lignes_file`), the keys of
# its dicts; "pk" and the sorts' keys (`ORDRES`) for the pagination's cursors.
CHAMPS_LIGNE = (
    "pk",
    "numero",
    "intitule",
    "etat",
    "depose_le",
    "volet_id",
    "structure__raison_sociale",
    "volet__intitule",
    "guichet__nom",
    "limite_recevabilite",
    *_annotations_file_orm(),
)


def lignes_de_file(queryset):
    """The rows of a queue's page: `annoter_file`'s values as dicts (building a dossier and
    its three relations per row cost more than PostgreSQL's run of the page)."""
    return annoter_file(queryset).values(*CHAMPS_LIGNE)


def filtrer(
    queryset,
    *,
    etat="",
    volet=None,
    commune="",
    epci="",
    depuis=None,
    jusqu_a=None,
    texte="",
    tri="",
    agent=None,
):
    """The workbench filters and sort; every one of them is applied in the database.

    `agent`: only the dossiers assigned to that agent (« mes dossiers »)."""
    if agent is not None:
        queryset = queryset.filter(pk__in=affectes_a(agent))
    if etat:
        queryset = queryset.filter(etat=etat)
    if volet:
        queryset = queryset.filter(volet=volet)
    # Subqueries rather than joins: no DISTINCT, so the sort stays on the dossier's index.
    if commune:
        queryset = queryset.filter(
            pk__in=Dossier.communes.through.objects.filter(
                Q(commune__code_insee=commune) | Q(commune__nom__iexact=commune)
            ).values("dossier")
        )
    if epci:
        queryset = queryset.filter(
            pk__in=Dossier.communes.through.objects.filter(
                Q(commune__epci__siren=epci) | Q(commune__epci__nom__icontains=epci)
            ).values("dossier")
        )
    if depuis:
        queryset = queryset.filter(depose_le__date__gte=depuis)
    if jusqu_a:
        queryset = queryset.filter(depose_le__date__lte=jusqu_a)
    if texte:
        queryset = queryset.filter(recherche_texte(texte))
    return queryset.order_by(*ordre_de(tri))


# Each sort ends with the primary key: rows whose keys tie keep one place across pages.
ORDRES = {
    "depot": ["depose_le", "pk"],
    "-depot": ["-depose_le", "-pk"],
    "numero": ["numero", "pk"],
    "intitule": ["intitule", "pk"],
    "structure": ["structure__raison_sociale", "pk"],
}


def ordre_de(tri: str) -> list[str]:
    return ORDRES.get(tri, ORDRES["depot"])


def recherche_texte(texte: str, *, une_fois: bool = False) -> Q:
    """Number, title or structure's name containing the text, case aside: compared on the
    dossier's kept search text (`dossiers.recherche`), the three already in upper case; a text
    that would span two of them there (it holds the separator) on the three fields.

    `une_fois` (the tabs' counts): the pattern put in upper case by a scalar subquery, once per
    query — a prepared statement's generic plan then compares each entry with a value, and is
    kept instead of being planned again on every page; its row estimate is a default one,
    which a count (every entry of the tab read anyway) does not mind, unlike a page (sorted on
    its index until it is full), which keeps the pattern a parameter."""
    if recherche.contient_le_separateur(texte):
        return (
            Q(numero__icontains=texte)
            | Q(intitule__icontains=texte)
            | Q(structure__in=Structure.objects.filter(raison_sociale__icontains=texte))
        )
    lookup = recherche.ContientMajusculesUneFois if une_fois else recherche.ContientMajuscules
    return Q(lookup(F("recherche"), texte))


def _mon_avis_donne(user) -> Q:
    """Condition on Dossier rows in the instructors' scope: the avis of the side the user
    holds in the group in force is given (read from the kept `EtatInstruction`)."""
    return Q(
        etat_instruction__groupe_technique__in=mes_groupes(user, Cote.ETAT),
        etat_instruction__avis_etat=True,
    ) | Q(
        etat_instruction__groupe_technique__in=mes_groupes(user, Cote.REGION),
        etat_instruction__avis_region=True,
    )


def en_attente_de_mon_avis(queryset, user):
    """Dossiers in instruction whose avis on the user's side is still missing."""
    return queryset.filter(etat=E.EN_INSTRUCTION).exclude(_mon_avis_donne(user))


# --- Tabs of the workbenches: what is the person's to act on first -------------------------

A_TRAITER, EN_COURS, CLOS, TOUS = "a_traiter", "en_cours", "clos", "tous"
LIBELLES_ONGLETS = {
    A_TRAITER: "À traiter",
    EN_COURS: "En cours ailleurs",
    CLOS: "Clos ou décidés",
    TOUS: "Tous",
}
# The guichet acts on filed dossiers (a completed one comes back to « déposé »); it waits on
# the porteur (incomplet) or on the instruction and the decision.
ETATS_GUICHET = {
    A_TRAITER: [E.DEPOSE],
    EN_COURS: [E.INCOMPLET, E.EN_INSTRUCTION, E.INSTRUIT],
}


# The others, named rather than excluded: each tab is then a range of the dossiers'
# (guichet, state) index. A workbench never shows a draft.
ETATS_GUICHET[CLOS] = [
    etat
    for etat in E.values
    if etat != E.BROUILLON and not any(etat in etats for etats in ETATS_GUICHET.values())
]


def onglets_guichet(queryset) -> dict:
    """{tab: queryset} of the guichet's workbench (filed dossiers), « à traiter » first; the
    first three split « tous » (see `somme_des_onglets`). The states written in the SQL
    (`constantes`): bound, a search's counts had a generic plan that guessed each tab's share,
    and PostgreSQL planned them again on every page."""
    return {
        **{
            cle: queryset.filter(etat__in=constantes(ETATS_GUICHET[cle]))
            for cle in (A_TRAITER, EN_COURS, CLOS)
        },
        TOUS: queryset,
    }


def somme_des_onglets(comptes: dict) -> Compte:
    """The bounded count of « tous » from those of the tabs that split it: exact when each
    is, beyond the ceiling when one is (no second scan of the whole workbench)."""
    nombre = sum(compte.nombre for cle, compte in comptes.items() if cle != TOUS)
    return Compte(min(nombre, PLAFOND + 1))


# The user's groups and sides, by SQL compiled once per process (the user's id its parameter).
_GROUPES_ET_COTES = RequeteCompilee(
    lambda user_id: MembreGroupe.objects.filter(user=user_id).values_list(
        "groupe_technique", "cote"
    ),
    "user_id",
)


def onglets_groupes(user) -> dict:
    """{tab: queryset} of the instructors' workbench, on their scope: « à traiter » is the avis
    of my side still missing, or both avis given (the instruction may be concluded);
    « en cours » waits on the other side, the porteur or the decision. The first three split
    « tous » (the avis given are booleans, never null; see `somme_des_onglets`).

    One query reads the user's groups and sides; the tabs then name them, and read the kept
    `EtatInstruction` row of each dossier (group in force, avis given)."""
    groupes_par_cote = groupes_et_cotes(user)
    queryset = dossiers_des_groupes(
        user, groupes=[g for groupes in groupes_par_cote.values() for g in groupes]
    )
    return _onglets_des_groupes(queryset, groupes_par_cote)


def groupes_et_cotes(user) -> dict[str, list[int]]:
    """{side: [ids of the user's groups on that side]} (one query)."""
    groupes_par_cote: dict[str, list[int]] = {}
    for groupe, cote in _GROUPES_ET_COTES(user_id=user.pk):
        groupes_par_cote.setdefault(cote, []).append(groupe)
    return groupes_par_cote


def _onglets_des_groupes(queryset, groupes_par_cote: dict[str, list[int]]) -> dict:
    """The tabs of `onglets_groupes` on `queryset`, the scope of those groups."""
    conditions = _conditions_des_groupes(groupes_par_cote, "etat_instruction__")
    return {cle: queryset.filter(condition) for cle, condition in conditions.items()}


def _lignes_des_groupes(groupes_par_cote: dict[str, list[int]]) -> dict:
    """{tab: queryset of the kept `EtatInstruction` rows} of the same tabs, for their counts:
    the rows carry the dossier's state, the counts read them (and their index) alone."""
    groupes = [g for groupes in groupes_par_cote.values() for g in groupes]
    lignes = EtatInstruction.objects.filter(groupe_technique__in=groupes)
    conditions = _conditions_des_groupes(groupes_par_cote, "")
    return {cle: lignes.filter(condition) for cle, condition in conditions.items()}


def _conditions_des_groupes(groupes_par_cote: dict[str, list[int]], prefixe: str) -> dict:
    """{tab: condition} of the instructors' tabs: on a dossier (`prefixe` "etat_instruction__",
    the path to its kept row) or on its kept row (""); `etat` names the dossier's state on
    both (the row's copy of it, compared by `instruction.suivi.ecarts()`)."""
    if len(groupes_par_cote) == 1:  # one side in every group (the usual case)
        mon_avis = Q(**{f"{prefixe}avis_{next(iter(groupes_par_cote))}": True})
    else:
        mon_avis = Q(pk__in=[])
        for cote, groupes in groupes_par_cote.items():
            mon_avis |= Q(
                **{
                    f"{prefixe}groupe_technique__in": groupes,
                    f"{prefixe}avis_{cote}": True,
                }
            )
    deux_avis = Q(**{f"{prefixe}avis_etat": True, f"{prefixe}avis_region": True})
    # The states as literals: bound as parameters, the prepared statement's generic plan
    # could not tell « en instruction » (a fifth of the dossiers) and hashed them all.
    en_instruction = Q(etat=Constante(E.EN_INSTRUCTION))
    # « En cours » names its states twice: the first condition is the partial index's
    # (`dossier_instruction_idx`), which PostgreSQL then walks instead of every dossier.
    en_cours = Q(etat__in=constantes(ETATS_INSTRUCTION_EN_COURS))
    return {
        A_TRAITER: en_instruction & (~mon_avis | deux_avis),
        EN_COURS: en_cours
        & (
            Q(etat__in=constantes([E.INCOMPLET, E.INSTRUIT]))
            | (en_instruction & mon_avis & ~deux_avis)
        ),
        CLOS: ~en_cours,
        TOUS: Q(),
    }


# --- The queues' SQL, compiled once per shape ------------------------------------------------

# The filters compared with names as well as codes (`iexact` or `icontains` on a commune or an
# EPCI): a queue filtered by them is read by the ORM. The search (`q`) is a parameter.
CRITERES_TEXTES = ("commune", "epci")
GUICHET, GROUPES = "guichet", "groupes"


def filtrer_selon(queryset, criteres: dict, *, tri: str, agent=None):
    """`filtrer` with the filter form's cleaned data; `agent`: the user (or their id) when
    « mes dossiers » is ticked."""
    return filtrer(
        queryset,
        etat=criteres.get("etat", ""),
        volet=criteres.get("volet"),
        commune=criteres.get("commune", ""),
        epci=criteres.get("epci", ""),
        texte=criteres.get("q", ""),
        depuis=criteres.get("depuis"),
        jusqu_a=criteres.get("jusqu_a"),
        tri=tri,
        agent=agent if criteres.get("miens") else None,
    )


@dataclass(frozen=True)
class Perimetre:
    """A workbench's scope as ids read once (one query), from which its tabs are built:
    `sorte` (GUICHET or GROUPES), `forme` what else changes their SQL (how many guichets,
    whether there are dépôts conjoints; the sides of the user's groups and how many groups on
    each), `ids` {name: id} (each guichet or group, one parameter each, as `__in` writes
    them) and `listes` {name: [ids]} (the dépôts conjoints, one array parameter)."""

    sorte: str
    forme: tuple
    ids: dict
    listes: dict

    def onglets(self) -> dict:
        """{tab: queryset} for these ids (`onglets_guichet`, `onglets_groupes`)."""
        return _onglets_du_perimetre(self.sorte, self.forme, **self.ids, **self.listes)

    def dossiers(self):
        """Every dossier of the scope (« tous »)."""
        return _dossiers_du_perimetre(self.sorte, self.forme, **self.ids, **self.listes)[0]

    @property
    def vide(self) -> bool:
        """No guichet, no group: nothing to read."""
        return not self.ids


def perimetre_du_guichet(user) -> Perimetre | None:
    """The scope of `file_du_guichet`; None for a user who is no agent de guichet."""
    lu = guichets_et_conjoints(user)
    if lu is None:
        return None
    guichets, conjoints = lu
    return Perimetre(
        GUICHET,
        (len(guichets), bool(conjoints)),
        {f"guichet_{i}": guichet for i, guichet in enumerate(guichets)},
        {"conjoints": conjoints} if conjoints else {},
    )


def perimetre_des_groupes(user) -> Perimetre | None:
    """The scope of `onglets_groupes`; None for a user who is no instructor."""
    if not (user.is_authenticated and user.a_le_role(Role.INSTRUCTEUR)):
        return None
    groupes_par_cote = groupes_et_cotes(user)
    return Perimetre(
        GROUPES,
        tuple((cote, len(groupes)) for cote, groupes in groupes_par_cote.items()),
        {
            f"groupe_{cote}_{i}": groupe
            for cote, groupes in groupes_par_cote.items()
            for i, groupe in enumerate(groupes)
        },
        {},
    )


def _dossiers_du_perimetre(sorte: str, forme: tuple, **valeurs):
    """(the scope's dossiers, {side: [groups]} for the groups' scope) from a shape's values."""
    if sorte == GUICHET:
        nombre, _conjoints = forme
        guichets = [valeurs[f"guichet_{i}"] for i in range(nombre)]
        return dossiers_des_guichets(guichets, valeurs.get("conjoints", [])), None
    groupes_par_cote = {
        cote: [valeurs[f"groupe_{cote}_{i}"] for i in range(nombre)] for cote, nombre in forme
    }
    groupes = [g for groupes in groupes_par_cote.values() for g in groupes]
    return dossiers_de_ces_groupes(groupes), groupes_par_cote


def _onglets_du_perimetre(sorte: str, forme: tuple, **valeurs) -> dict:
    dossiers, groupes_par_cote = _dossiers_du_perimetre(sorte, forme, **valeurs)
    if sorte == GUICHET:
        return onglets_guichet(dossiers)
    return _onglets_des_groupes(dossiers, groupes_par_cote)


def _forme_criteres(criteres: dict) -> tuple:
    """What of the filters changes the SQL: the state filtered (a name of the code) and which
    of the others are given (their values are parameters)."""
    return (
        criteres.get("etat", ""),
        *(bool(criteres.get(cle)) for cle in ("volet", "depuis", "jusqu_a", "miens", "q")),
    )


def _ids_criteres(criteres: dict, agent_id: int) -> dict:
    ids = {}
    if criteres.get("volet"):
        ids["volet"] = criteres["volet"].pk
    for cle in ("depuis", "jusqu_a"):
        if criteres.get(cle):
            ids[cle] = criteres[cle]
    if criteres.get("miens"):
        ids["agent"] = agent_id
    if criteres.get("q"):
        ids["texte"] = criteres["q"]
    return ids


def _fabrique(sorte, forme, portee, forme_criteres, tri, *, compter=False):
    """fabrique(**ids) -> {tab: queryset filtered}, for `RequeteCompilee`; `portee` the names
    of the scope's ids and lists; `compter`: for the counts (the text searched put in upper
    case once per query, see `recherche_texte`)."""
    etat, volet, depuis, jusqu_a, miens, texte = forme_criteres

    def fabrique(**ids):
        if texte and compter:
            cherche = recherche_texte(ids["texte"], une_fois=True)
            return {cle: queryset.filter(cherche) for cle, queryset in filtrees(ids, "").items()}
        return filtrees(ids, ids["texte"] if texte else "")

    def filtrees(ids, q):
        criteres = {
            "q": q,
            "etat": etat,
            "volet": ids["volet"] if volet else None,
            "depuis": ids["depuis"] if depuis else None,
            "jusqu_a": ids["jusqu_a"] if jusqu_a else None,
            "miens": miens,
        }
        onglets = _onglets_du_perimetre(sorte, forme, **{nom: ids[nom] for nom in portee})
        return {
            cle: filtrer_selon(queryset, criteres, tri=tri, agent=ids.get("agent"))
            for cle, queryset in onglets.items()
        }

    return fabrique


def _noms(ids: tuple, listes: tuple, forme_criteres: tuple) -> dict:
    """The names `RequeteCompilee` takes for a shape: the scope's ids and lists, the filters'
    ids and days."""
    _etat, volet, depuis, jusqu_a, miens, texte = forme_criteres
    return {
        "motifs": ("texte",) if texte else (),
        "noms": (*ids, *(("volet",) if volet else ()), *(("agent",) if miens else ())),
        "listes": listes,
        "dates": (*(("depuis",) if depuis else ()), *(("jusqu_a",) if jusqu_a else ())),
    }


@lru_cache(maxsize=256)
def _comptes_compiles(sorte, forme, ids, listes, forme_criteres, cles, ecrits=()) -> dict:
    """{tab: RequeteCompilee of its bounded count}, for one shape. The groups' tabs without
    filters count their kept `EtatInstruction` rows (`_lignes_des_groupes`), not the dossiers:
    the same conditions, read from the rows' index alone. `ecrits`: ((name, id), …) of the
    scope's ids written in the SQL (`Identifiant`) rather than bound."""
    if ecrits:
        valeurs = {nom: Identifiant(valeur) for nom, valeur in ecrits}
        fabrique_liee = _fabrique(
            sorte, forme, (*ids, *valeurs, *listes), forme_criteres, "", compter=True
        )

        def fabrique(**ids):
            return fabrique_liee(**ids, **valeurs)

    elif sorte == GROUPES and not any(forme_criteres):
        portee = (*ids, *listes)

        def fabrique(**ids):
            _dossiers, groupes_par_cote = _dossiers_du_perimetre(
                sorte, forme, **{nom: ids[nom] for nom in portee}
            )
            return _lignes_des_groupes(groupes_par_cote)

    else:
        fabrique = _fabrique(sorte, forme, (*ids, *listes), forme_criteres, "", compter=True)
    noms = _noms(ids, listes, forme_criteres)
    return {
        cle: RequeteCompilee(
            lambda cle=cle, **ids: requete_bornee(fabrique(**ids)[cle]),
            *noms["noms"],
            listes=noms["listes"],
            dates=noms["dates"],
            motifs=noms["motifs"],
        )
        for cle in cles
    }


@lru_cache(maxsize=256)
def _page_compilee(sorte, forme, ids, listes, forme_criteres, tri, onglet, par_page, en_arriere):
    """The RequeteCompilee of a tab's first page (or last, `en_arriere`), for one shape."""
    fabrique = _fabrique(sorte, forme, (*ids, *listes), forme_criteres, tri)
    noms = _noms(ids, listes, forme_criteres)
    return RequeteCompilee(
        lambda **ids: requete_de_page(
            lignes_de_file(fabrique(**ids)[onglet]),
            ordre_de(tri),
            par_page,
            en_arriere=en_arriere,
        ),
        *noms["noms"],
        listes=noms["listes"],
        dates=noms["dates"],
        motifs=noms["motifs"],
    )


def file_compilable(perimetre, criteres: dict) -> bool:
    """Whether the queue's counts and pages can be read by SQL compiled once per shape (no
    commune or EPCI filter; a scope of at least one guichet or group)."""
    return (
        perimetre is not None
        and not perimetre.vide
        and not any(criteres.get(cle) for cle in CRITERES_TEXTES)
        and not recherche.contient_le_separateur(criteres.get("q") or "")
    )


def comptes_compiles(perimetre: Perimetre, criteres: dict, agent_id: int, cles) -> dict:
    """{tab: (sql, params)} of the bounded counts of those tabs (`cper.pagination.compter_sql`)."""
    forme_criteres = _forme_criteres(criteres)
    # A guichet's ids written in the SQL, a statement per guichet (a few dozen at most): bound,
    # the prepared statement's generic plan estimated an average guichet, costlier than the
    # agent's own, and PostgreSQL planned the counts again on every page.
    ecrits = tuple(perimetre.ids.items()) if perimetre.sorte == GUICHET else ()
    requetes = _comptes_compiles(
        perimetre.sorte,
        perimetre.forme,
        tuple(nom for nom in perimetre.ids if not ecrits),
        tuple(perimetre.listes),
        forme_criteres,
        tuple(cles),
        ecrits,
    )
    ids = {**perimetre.ids, **perimetre.listes, **_ids_criteres(criteres, agent_id)}
    return {cle: requete.sql(**ids) for cle, requete in requetes.items()}


# Every groupe technique in its model's order (the choices of the guichet's selects), its SQL
# compiled once per process.
GROUPES_TECHNIQUES = RequeteCompilee(GroupeTechnique.objects.all)


def choix_envoyes(*, groupes: bool) -> tuple:
    """What reads the choices of a workbench's selects: every volet, and every groupe
    technique when `groupes` (else None); their queries sent (inside
    `cper.requetes.ensemble()`, with the others of the block: one round trip)."""
    return VOLETS.envoyer().lignes, (GROUPES_TECHNIQUES.envoyer().lignes if groupes else None)


def lecteur_de_page(
    perimetre: Perimetre, criteres: dict, agent_id: int, *, tri, onglet, par_page, envoyer=None
):
    """`lire(en_arriere)` for `cper.pagination.paginer`: the rows of the tab's first (or last)
    page by SQL compiled once per shape. `envoyer`: the direction of the page whose query is
    sent now (inside `cper.requetes.ensemble()`, with the others of the block), which `lire`
    then reads from there."""
    forme_criteres = _forme_criteres(criteres)
    ids = {**perimetre.ids, **perimetre.listes, **_ids_criteres(criteres, agent_id)}

    def requete(en_arriere: bool):
        return _page_compilee(
            perimetre.sorte,
            perimetre.forme,
            tuple(perimetre.ids),
            tuple(perimetre.listes),
            forme_criteres,
            tri,
            onglet,
            par_page,
            en_arriere,
        )

    envoi = requete(envoyer).envoyer(**ids) if envoyer is not None else None

    def lire(en_arriere: bool) -> list:
        if envoi is not None and en_arriere == envoyer:
            return envoi.lignes()
        return requete(en_arriere)(**ids)

    return lire


def lire_file_envoyee(
    onglets, criteres: dict, *, onglet, tri, user, parametres, par_page, partition
):
    """What reads (bounded count of each tab, the page of `onglet` the query string asks for)
    of a queue, when called.

    `onglets`: {tab: queryset}, or a `Perimetre`, whose counts and first and last pages are
    then read by SQL compiled once per shape (unless a commune or an EPCI is given), the ORM
    building the queryset for a cursor's page only; those two queries are sent here (inside
    `cper.requetes.ensemble()`, with the others of the block: one round trip). `partition`:
    the other tabs split « tous », whose count is their sum."""
    compilee = isinstance(onglets, Perimetre) and file_compilable(onglets, criteres)
    if isinstance(onglets, Perimetre) and not compilee:
        onglets = onglets.onglets()
    cles = tuple(LIBELLES_ONGLETS) if compilee else tuple(onglets)
    comptees = [cle for cle in cles if not (partition and cle == TOUS)]

    def avec_tous(comptes):
        if partition:
            comptes[TOUS] = somme_des_onglets(comptes)
        return comptes

    if compilee:
        perimetre = onglets
        lire_comptes = compter_sql_envoye(
            comptes_compiles(perimetre, criteres, user.pk, comptees), "default"
        )
        lire_page = lecteur_de_page(
            perimetre,
            criteres,
            user.pk,
            tri=tri,
            onglet=onglet,
            par_page=par_page,
            envoyer=sens_de_la_page(parametres),
        )

        def lire():
            comptes = lire_comptes()
            page = paginer(
                lambda: lignes_de_file(
                    filtrer_selon(perimetre.onglets()[onglet], criteres, tri=tri, agent=user)
                ),
                parametres,
                ordre=ordre_de(tri),
                par_page=par_page,
                modele=Dossier,
                lire=lire_page,
            )
            return avec_tous(comptes), page

        return lire
    filtrees = {cle: filtrer_selon(onglets[cle], criteres, tri=tri, agent=user) for cle in cles}
    comptes = compter_bornes({cle: filtrees[cle] for cle in comptees})
    page = paginer(
        lignes_de_file(filtrees[onglet]), parametres, ordre=ordre_de(tri), par_page=par_page
    )
    lu = (avec_tous(comptes), page)
    return lambda: lu


def annotations_etape_porteur() -> dict:
    """For « Mes dossiers »: the deadline of the open request for complements (same query)."""
    return {
        "echeance_complements": Subquery(
            DemandeComplements.objects.filter(dossier=OuterRef("pk"), repondue_le__isnull=True)
            .order_by("-created_at")
            .values("echeance")[:1]
        )
    }


def etape_complements(dossier) -> str | None:
    echeance = getattr(dossier, "echeance_complements", None)
    if dossier.etat != E.INCOMPLET or echeance is None:
        return None
    return f"Répondre à la demande de compléments avant le {date_format(echeance, 'j F Y')}"


def _annotations_en_retard_orm() -> dict:
    """Of a dossier, the deadline of its open request for complements (one at most:
    `demande_ouverte_unique`) and its structure's name, as ORM expressions."""
    return {
        "echeance_ouverte": Subquery(
            DemandeComplements.objects.en_attente()
            .filter(dossier=OuterRef("pk"))
            .order_by()
            .values("echeance")
        ),
        "nom_structure": Subquery(
            Structure.objects.filter(pk=OuterRef("structure_id"))
            .order_by()
            .values("raison_sociale")
        ),
    }


@cache
def _annotations_en_retard() -> dict:
    """The same, compiled to SQL once per process (tests/instruction/test_relances.py)."""
    return sql_fige(_annotations_en_retard_orm(), Dossier)


def demandes_en_retard(user, aujourdhui, perimetre=None, *, nombre=20) -> list[dict]:
    """`demandes_en_retard_envoyees`, read at once."""
    return demandes_en_retard_envoyees(user, aujourdhui, perimetre, nombre=nombre)()


def demandes_en_retard_envoyees(user, aujourdhui, perimetre=None, *, nombre=20):
    """What reads, when called, the first `nombre` requests for complements past their
    deadline (the earliest first), on the dossiers the user handles: what the list prints
    (dossier, number, structure, deadline), as dicts.

    `perimetre`: the dossiers of a small scope (the guichet's), when the user acts in that role
    alone; the requests are then read from that scope's dossiers in « incomplet » (an index
    range), each with its one open request (`demande_ouverte_unique`) probed by its index,
    not from every open request of the database hashed against the scope.
    Without it (the groups, whose scope is most of the database), the requests are walked by
    deadline and each checked against the scope until the page is full; for an instructor
    (the role alone), by SQL compiled once per process. A compiled query is sent here (inside
    `cper.requetes.ensemble()`, with the others of the block: one round trip)."""
    un_seul_role = user.a_le_role(Role.AGENT_GUICHET) != user.a_le_role(Role.INSTRUCTEUR)
    if isinstance(perimetre, Perimetre) and un_seul_role and not perimetre.vide:
        # The same query on the scope's ids, by SQL compiled once per shape of scope.
        # A guichet's ids and the day written in the SQL, as for its tabs' counts
        # (`comptes_compiles`) and the groups' (`_en_retard_des_groupes`): bound, the
        # statement was planned again on every page.
        ecrits = tuple(perimetre.ids.items()) if perimetre.sorte == GUICHET else ()
        requete = _en_retard_du_perimetre(
            perimetre.sorte,
            perimetre.forme,
            tuple(nom for nom in perimetre.ids if not ecrits),
            tuple(perimetre.listes),
            nombre,
            ecrits,
            aujourdhui if ecrits else None,
        )
        lire = requete.envoyer(**perimetre.ids, **perimetre.listes, aujourdhui=aujourdhui).lignes
    elif perimetre is not None and un_seul_role:
        if isinstance(perimetre, Perimetre):
            perimetre = perimetre.dossiers()
        lignes = _en_retard_dans(perimetre, aujourdhui, nombre)
        lire = lignes.__iter__
    elif un_seul_role and user.a_le_role(Role.INSTRUCTEUR):
        lire = _en_retard_des_groupes(nombre, aujourdhui).envoyer(user_id=user.pk).lignes
    else:
        lignes = _en_retard(
            DemandeComplements.objects.en_retard(aujourdhui).filter(au_perimetre_des_agents(user))
        )[:nombre]
        lire = lignes.__iter__
    return lambda: [
        {"dossier_id": dossier_id, "echeance": echeance, "numero": numero, "structure": structure}
        for dossier_id, echeance, numero, structure in lire()
    ]


def _en_retard_dans(dossiers, aujourdhui, nombre: int):
    """What `demandes_en_retard` lists, read from `dossiers` in « incomplet » (the state
    written in the SQL, a few percent of the dossiers)."""
    return (
        dossiers.filter(etat=Constante(E.INCOMPLET))
        .annotate(**_annotations_en_retard())
        .filter(echeance_ouverte__lt=aujourdhui)
        .order_by("echeance_ouverte")
        .values_list("pk", "echeance_ouverte", "numero", "nom_structure")[:nombre]
    )


@lru_cache(maxsize=64)
def _en_retard_du_perimetre(
    sorte, forme, ids, listes, nombre: int, ecrits=(), jour=None
) -> RequeteCompilee:
    """`_en_retard_dans` the dossiers of a `Perimetre`'s shape, compiled once; `ecrits` as for
    `_comptes_compiles`, `jour` the day written in the SQL (`Jour`), else a parameter."""
    lus = {nom: Identifiant(valeur) for nom, valeur in ecrits}
    if jour is not None:
        return RequeteCompilee(
            lambda **valeurs: _en_retard_dans(
                _dossiers_du_perimetre(sorte, forme, **valeurs, **lus)[0], Jour(jour), nombre
            ),
            *ids,
            listes=listes,
        )
    return RequeteCompilee(
        lambda aujourdhui, **valeurs: _en_retard_dans(
            _dossiers_du_perimetre(sorte, forme, **valeurs, **lus)[0], aujourdhui, nombre
        ),
        *ids,
        listes=listes,
        dates=("aujourdhui",),
    )


def _en_retard(demandes):
    """What the list prints of requests, the earliest deadline first."""
    return demandes.order_by("echeance").values_list(
        "dossier_id", "echeance", "dossier__numero", "dossier__structure__raison_sociale"
    )


@lru_cache(maxsize=4)
def _en_retard_des_groupes(nombre: int, aujourdhui) -> RequeteCompilee:
    """The first `nombre` overdue requests of an instructor's groups on that day, read from the
    kept instruction rows (the open request's deadline, `echeance_demande`) on their index in
    deadline order, rather than from every open request checked against the groups; its SQL
    compiled once per process and per day (the user's id its parameter): the day and the
    state written in the SQL (`Jour`, `Constante`), PostgreSQL keeps the statement's plan
    instead of planning it on every page (≈ 0.5 ms)."""
    return RequeteCompilee(
        lambda user_id: (
            EtatInstruction.objects.filter(
                UnDe(F("groupe_technique"), ArraySubquery(mes_groupes(user_id))),
                etat=Constante(E.INCOMPLET),
                echeance_demande__lt=Jour(aujourdhui),
            )
            .order_by("echeance_demande", "dossier_id")
            .values_list(
                "dossier_id",
                "echeance_demande",
                "dossier__numero",
                "dossier__structure__raison_sociale",
            )[:nombre]
        ),
        "user_id",
    )


# --- The plan comparé: requested vs proposed, per financeur ---------------------------------


CHAMPS_PLAN = (
    "dossier_id",
    "financeur_id",
    "financeur__nom",
    "financeur__signataire",
    "demande",
    "propose",
    "au_plan",
    "etat_",
    "region_",
)
MONTANTS_PLAN = ("demande", "propose", "etat_", "region_")


def _lignes_plan(condition):
    """The kept aggregates of the dossiers `condition` selects, with each side's proposal."""

    def cote(valeur):
        return Subquery(
            MontantPropose.objects.filter(
                avis__dossier=OuterRef("dossier_id"),
                avis__cote=valeur,
                financeur=OuterRef("financeur_id"),
            )
            # One proposal per avis and financeur, one avis per side: no order to sort by (the
            # model's own ordering joined the financeurs and sorted for every line).
            .order_by()
            .values("montant")[:1]
        )

    au_plan = LigneFinancement.objects.filter(
        dossier=OuterRef("dossier_id"), financeur=OuterRef("financeur_id")
    )
    return (
        AgregatFinancement.objects.filter(condition)
        .annotate(au_plan=Exists(au_plan), etat_=cote(Cote.ETAT), region_=cote(Cote.REGION))
        .order_by("dossier_id", "financeur__ordre", "financeur__nom")
    )


def _plan_compare(dossier_ids):
    return _lignes_plan(Dans(F("dossier_id"), dossier_ids)).values(*CHAMPS_PLAN)


# Its SQL assembled once per process: the dossiers' ids are its one (array) parameter.
_PLAN_COMPARE = RequeteCompilee(_plan_compare, listes=("dossier_ids",))


def _plan_json():
    """The plan comparé of the outer dossier row, as an array of JSON objects (the amounts as
    text, read back exactly), for `plan_du_dossier`."""
    return ArraySubquery(
        _lignes_plan(Q(dossier_id=OuterRef("pk"))).values(
            json=JSONObject(
                **{
                    c: Cast(c, output_field=CharField()) if c in MONTANTS_PLAN else c
                    for c in CHAMPS_PLAN
                }
            )
        )
    )


def _ligne_plan(ligne: dict) -> dict:
    return {
        "financeur_id": ligne["financeur_id"],
        "nom": ligne["financeur__nom"],
        "signataire": ligne["financeur__signataire"],
        "demande": ligne["demande"] if ligne["au_plan"] else None,
        "propose": ligne["propose"],
        "etat": ligne["etat_"],
        "region": ligne["region_"],
    }


def plan_compare(dossier_ids) -> dict[int, list[dict]]:
    """{dossier_id: [ {financeur_id, nom, signataire, demande, etat, region, propose} ]}, 1 query.

    Read from the kept aggregates (`AgregatFinancement`): `demande` (None for a financeur
    outside the plan) and `propose`, the one rule of « proposé » (docs/tableaux.md); `etat` and
    `region` are each side's own proposal. Rows in the financeurs' order. Used by the agents'
    dossier page (read in the dossier's own query, `plan_du_dossier`), the rapport
    d'instruction, the séance's agenda and the decision form.
    """

    return plan_compare_envoye(dossier_ids)()


def plan_compare_envoye(dossier_ids):
    """`plan_compare`, its query sent (inside `cper.requetes.ensemble()`, with the others of
    the block: one round trip) and its result read by calling what this returns."""
    dossier_ids = list(dossier_ids)
    envoi = _PLAN_COMPARE.envoyer(dossier_ids=dossier_ids) if dossier_ids else None

    def lire() -> dict[int, list[dict]]:
        resultat: dict[int, list[dict]] = {}
        for ligne in envoi.lignes() if envoi is not None else ():
            resultat.setdefault(ligne["dossier_id"], []).append(_ligne_plan(ligne))
        return resultat

    return lire


def plan_du_dossier(lignes: list[dict]) -> list[dict]:
    """`plan_compare` of one dossier from the rows of `_plan_json` (its own query)."""
    return [
        _ligne_plan(
            {
                **ligne,
                **{c: Decimal(ligne[c]) if ligne[c] is not None else None for c in MONTANTS_PLAN},
            }
        )
        for ligne in lignes
    ]


@dataclass(frozen=True)
class Divergences:
    """How the État and Région avis of a dossier diverge: on the direction, on the amounts."""

    sens: bool
    montants: list  # plan comparé lines whose two proposals are too far apart
    seuil: Decimal  # percent

    @property
    def divergent(self) -> bool:
        return self.sens or bool(self.montants)


def seuil_ecart_montants() -> Decimal:
    return Decimal(str(settings.AVIS_ECART_MONTANTS_POURCENT))


def montants_divergents(lignes) -> list[dict]:
    """Lines of the plan comparé where the two sides propose amounts apart by more than the
    threshold (`AVIS_ECART_MONTANTS_POURCENT` of the larger one)."""
    part = seuil_ecart_montants() / 100
    return [
        ligne
        for ligne in lignes
        if ligne["etat"] is not None
        and ligne["region"] is not None
        and abs(ligne["etat"] - ligne["region"]) > part * max(ligne["etat"], ligne["region"])
    ]


def divergences(dossier, *, avis=None, lignes=None) -> Divergences:
    """The dossier's divergences, from its avis and plan comparé when the caller has them."""
    if avis is None:
        avis = list(Avis.objects.filter(dossier=dossier, cote__in=[Cote.ETAT, Cote.REGION]))
    if lignes is None:
        lignes = plan_compare([dossier.pk]).get(dossier.pk, [])
    return Divergences(
        sens=avis_divergents(*(a.sens for a in avis if a.cote in (Cote.ETAT, Cote.REGION))),
        montants=montants_divergents(lignes),
        seuil=seuil_ecart_montants(),
    )


def historique_avis(dossier):
    """Every edit of the dossier's avis, newest first, with who made it (one query)."""
    return HistoriqueAvis.objects.filter(dossier=dossier).select_related("par", "financeur")


def totaux_du_plan(lignes) -> dict:
    """The plan comparé's totals per column (a missing amount counts 0)."""
    return {
        cle: sum((ligne[cle] or 0) for ligne in lignes)
        for cle in ("demande", "etat", "region", "propose")
    }


# --- The dossier as agents see it -----------------------------------------------------------

LIBELLES_TRANSITIONS = {
    "deposer": "Dépôt",
    "retirer": "Retrait par le porteur",
    "demander_complements": "Demande de compléments",
    "completer": "Compléments transmis",
    "declarer_recevable": "Déclaré recevable",
    "declarer_irrecevable": "Déclaré irrecevable",
    "classer_sans_suite": "Classé sans suite",
    "conclure_instruction": "Instruction conclue",
    "ajourner": "Ajourné",
    "programmer": "Programmé",
    "rejeter": "Rejeté",
    "attribuer": "Acte attributif notifié",
    "commencer": "Commencement déclaré",
    "solder": "Soldé",
    "cloturer": "Clôturé",
    "abandonner": "Abandon par le porteur",
    "declarer_caduc": "Déclaré caduc",
}


@dataclass
class PageDossierAgent:
    """What an agent (guichet or groupe technique) sees of one dossier: the page and the API."""

    dossier: Dossier
    communes: list[str]
    lignes: list[dict]  # the plan comparé
    totaux: dict
    avis_etat: Avis | None
    avis_region: Avis | None
    avis_divergents: bool
    mon_cote: str | None  # the label of the user's side in the groupe in charge
    actions: dict[str, bool]  # which transitions the user may start from here
    peut_donner_avis: bool
    peut_rerouter: bool
    agent_du_guichet: bool
    routages: list[Routage]
    demandes: list[DemandeComplements]
    courriers: list[Courrier]  # the letters to the porteur, latest first
    transferts: list[Transfert]  # from a wrong guichet to the competent one
    journal: list[dict]
    fil: list[Message]
    non_lus: list[Message]  # the thread's messages the user has not read yet
    annotations: list[Annotation]
    rapport: object | None
    # Lines of the plan comparé whose two proposals are further apart than the threshold.
    montants_divergents: list = field(default_factory=list)
    # The optional avis of the co-financing signatories (Départements, MEL).
    avis_cofinanceurs: list = field(default_factory=list)

    def contexte(self) -> dict:
        """The fields as a template context (shallow: model instances stay instances)."""
        return {champ.name: getattr(self, champ.name) for champ in fields(self)}


PERSONNE = ("id", "first_name", "last_name", "email")


def _liste_json(queryset, champs: tuple[str, ...], personne: str, **autres):
    """The rows of `queryset` as an array of JSON objects, in the dossier's own query.

    `champs` of the model, the names of the user behind the foreign key `personne`, and
    `autres` values read through other relations (name → lookup).
    """
    return ArraySubquery(
        queryset.values(
            json=JSONObject(
                **{c: c for c in champs},
                **{f"{personne}__{c}": f"{personne}__{c}" for c in PERSONNE},
                **autres,
            )
        )
    )


def _instances(modele, lignes: list[dict], champs: tuple[str, ...], personne: str) -> list:
    """Model instances rebuilt from `_liste_json` rows (values typed by each field)."""
    resultat = []
    for ligne in lignes:
        instance = instance_lue(modele, **{c: ligne[c] for c in champs})
        if ligne[f"{personne}__id"] is not None:
            setattr(
                instance,
                personne,
                instance_lue(User, **{c: ligne[f"{personne}__{c}"] for c in PERSONNE}),
            )
        resultat.append(instance)
    return resultat


CHAMPS_DEMANDE = (
    "id",
    "created_at",
    "echeance",
    "motif",
    "pieces_demandees",
    "repondue_le",
    "reponse",
    "close_le",
)
CHAMPS_ANNOTATION = ("id", "created_at", "texte")
CHAMPS_COURRIER = ("id", "created_at", "type", "genere_le")
CHAMPS_TRANSFERT = ("id", "created_at", "de_nom", "vers_nom", "motif")
CHAMPS_JOURNAL = ("id", "timestamp", "transition", "state", "description")
CHAMPS_AVIS = ("id", "cote", "sens", "motivation", "created_at", "updated_at")
CHAMPS_AVIS_COFINANCEUR = ("id", "updated_at", "sens", "motivation", "montant")
CHAMPS_ROUTAGE = ("id", "created_at", "groupe_technique_id", "commentaire", "en_vigueur")
CHAMPS_MESSAGE = ("id", "created_at", "de_l_administration", "texte")
CHAMPS_PIECE_JOINTE = ("id", "nom_original", "statut_antivirus")


def _avis_cofinanceurs(lignes: list[dict]) -> list[AvisCofinanceur]:
    avis = _instances(AvisCofinanceur, lignes, CHAMPS_AVIS_COFINANCEUR, "donne_par")
    for un_avis, ligne in zip(avis, lignes, strict=True):
        relier(un_avis, "financeur", instance_lue(Financeur, nom=ligne["financeur_nom"]))
    return avis


def _annotations_page_agent_orm() -> dict:
    """What the agents' dossier page reads in the dossier's own query and that does not
    depend on the viewer, as ORM expressions (correlated to the dossier's row)."""
    return {
        "demandes_adhesion_en_cours": Exists(
            DemandeAdhesion.objects.filter(structure=OuterRef("structure"), decidee_le__isnull=True)
        ),
        # Who follows the dossier, by name (the queues also need the id, this page does not).
        "suivi_par_nom": _suivi_par()["suivi_par_nom"],
        "noms_communes": ArraySubquery(
            Dossier.communes.through.objects.filter(dossier=OuterRef("pk"))
            .order_by("commune__nom")
            .annotate(
                libelle=Concat(
                    "commune__nom",
                    Value(" ("),
                    "commune__code_insee",
                    Value(")"),
                    output_field=CharField(),
                )
            )
            .values("libelle")
        ),
        "liste_demandes": _liste_json(
            DemandeComplements.objects.filter(dossier=OuterRef("pk")).order_by(
                "-created_at", "-pk"
            ),
            CHAMPS_DEMANDE,
            "demandee_par",
        ),
        "liste_courriers": _liste_json(
            Courrier.objects.filter(dossier=OuterRef("pk")).order_by("-created_at", "-pk"),
            CHAMPS_COURRIER,
            "emis_par",
        ),
        "liste_transferts": _liste_json(
            Transfert.objects.filter(dossier=OuterRef("pk")).order_by("-created_at", "-pk"),
            CHAMPS_TRANSFERT,
            "par",
        ),
        "liste_annotations": _liste_json(
            Annotation.objects.filter(dossier=OuterRef("pk")).order_by("-created_at", "-pk"),
            CHAMPS_ANNOTATION,
            "auteur",
        ),
        "liste_avis": _liste_json(
            Avis.objects.filter(dossier=OuterRef("pk")).order_by("cote"),
            CHAMPS_AVIS,
            "donne_par",
        ),
        "liste_avis_cofinanceurs": _liste_json(
            AvisCofinanceur.objects.filter(dossier=OuterRef("pk")).order_by("financeur__nom", "pk"),
            CHAMPS_AVIS_COFINANCEUR,
            "donne_par",
            financeur_nom="financeur__nom",
        ),
        "plan_json": _plan_json(),
        # By the content type's natural key: its id may differ between databases.
        "liste_journal": _liste_json(
            StateLog.objects.filter(
                content_type__app_label=Dossier._meta.app_label,
                content_type__model=Dossier._meta.model_name,
                object_id=OuterRef("pk"),
            ).order_by("pk"),
            CHAMPS_JOURNAL,
            "by",
        ),
    }


@cache
def _annotations_page_agent() -> dict:
    """The page's viewer-independent annotations, compiled once per process: building and
    compiling these nine subqueries on every request took a third of the page's time
    (tests/instruction/test_page_dossier.py checks they read what the ORM reads)."""
    return {
        "guichet_conjoint": F("depot_conjoint__guichet__nom"),
        **sql_fige(_annotations_page_agent_orm(), Dossier),
    }


# The roles that shape the agents' scopes (`dossiers_des_agents`).
ROLES_DES_PERIMETRES = (Role.AGENT_GUICHET, Role.INSTRUCTEUR)


def _annotations_du_lecteur(user) -> dict:
    """What the agents' dossier page reads in the dossier's own query and that depends on
    the viewer: the routings with the side the viewer holds in each one's group, and the
    thread with whether the viewer has read each message."""
    return {
        "liste_routages": _liste_json(
            Routage.objects.filter(dossier=OuterRef("pk")).order_by("-created_at", "-pk"),
            CHAMPS_ROUTAGE,
            "par",
            groupe_technique_nom="groupe_technique__nom",
            mon_cote=cote_dans_le_groupe(user),
        ),
        "liste_fil": _liste_json(
            Message.objects.filter(dossier=OuterRef("pk")).order_by("created_at", "pk"),
            CHAMPS_MESSAGE,
            "auteur",
            lu=Exists(LectureMessage.objects.filter(message=OuterRef("pk"), user=user)),
            pieces_jointes=ArraySubquery(
                PieceJointe.objects.filter(message=OuterRef("pk"))
                .order_by("pk")
                .values(json=JSONObject(**{c: c for c in CHAMPS_PIECE_JOINTE}))
            ),
        ),
    }


def _page_agent(user_id, pk, roles):
    # The scope's functions read the user's id and roles only: a stand-in user carries them.
    user = User(pk=user_id)
    user._roles = roles
    return pour_une_page(
        dossiers_des_agents(user)
        .annotate(
            agent_du_guichet=au_guichet_de(user),
            **_annotations_page_agent(),
            **_annotations_du_lecteur(user),
        )
        .filter(pk=pk)
    )


def _routages(lignes: list[dict]) -> list[Routage]:
    routages = _instances(Routage, lignes, CHAMPS_ROUTAGE, "par")
    for routage, ligne in zip(routages, lignes, strict=True):
        relier(
            routage,
            "groupe_technique",
            instance_lue(
                GroupeTechnique, id=routage.groupe_technique_id, nom=ligne["groupe_technique_nom"]
            ),
        )
        routage.mon_cote = ligne["mon_cote"]
    return routages


def _fil(lignes: list[dict]) -> list[Message]:
    messages = _instances(Message, lignes, CHAMPS_MESSAGE, "auteur")
    for message, ligne in zip(messages, lignes, strict=True):
        message.lu = ligne["lu"]
        pieces = [
            instance_lue(PieceJointe, **{c: piece[c] for c in CHAMPS_PIECE_JOINTE})
            for piece in ligne["pieces_jointes"]
        ]
        # As `prefetch_related` leaves them: `message.pieces_jointes.all()` reads this list.
        jointes = message.pieces_jointes.all()
        jointes._result_cache, jointes._prefetch_done = pieces, True
        message._prefetched_objects_cache = {"pieces_jointes": jointes}
    return messages


# The page's dossier query, its SQL compiled once per process for each set of roles (whose
# scopes differ in shape); tests/instruction/test_page_dossier.py compares it with the ORM's.
_PAGES_AGENT: dict[frozenset, RequeteCompilee] = {}


def page_agent_compilee(roles: frozenset) -> RequeteCompilee:
    """The compiled dossier query of the agents' page for users of these scope roles."""
    if roles not in _PAGES_AGENT:
        _PAGES_AGENT[roles] = RequeteCompilee(
            lambda user_id, pk: _page_agent(user_id, pk, roles), "user_id", "pk"
        )
    return _PAGES_AGENT[roles]


def _dossier_de_la_page(user, pk) -> Dossier:
    roles = frozenset(role for role in ROLES_DES_PERIMETRES if user.a_le_role(role))
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("Dossier introuvable.") from None
    if not roles or not 0 < pk < 2**63:
        raise Http404("Dossier introuvable.")
    trouves = page_agent_compilee(roles)(user_id=user.pk, pk=pk)
    if not trouves:
        raise Http404("Dossier introuvable.")
    return trouves[0]


def page_dossier_agent(user, pk) -> PageDossierAgent:
    """The agents' dossier page in scope (404 outside), in a fixed number of queries."""
    dossier = _dossier_de_la_page(user, pk)
    avis = {a.cote: a for a in _instances(Avis, dossier.liste_avis, CHAMPS_AVIS, "donne_par")}
    lignes = plan_du_dossier(dossier.plan_json)
    routages = _routages(dossier.liste_routages)
    # Which buttons to show, from the state and two facts read once; the services check
    # the transition permissions again on every POST.
    mon_cote = routages[0].mon_cote if routages else None
    instructeur = mon_cote is not None and user.a_le_role(Role.INSTRUCTEUR)
    agent_du_guichet = dossier.agent_du_guichet and user.a_le_role(Role.AGENT_GUICHET)
    demandes = _instances(
        DemandeComplements, dossier.liste_demandes, CHAMPS_DEMANDE, "demandee_par"
    )
    ouverte = next((d for d in demandes if d.repondue_le is None and d.close_le is None), None)
    echeance_depassee = ouverte is not None and ouverte.echeance < timezone.localdate()
    actions = {
        "declarer_recevable": can_proceed(dossier.declarer_recevable) and agent_du_guichet,
        "declarer_irrecevable": dossier.etat == E.DEPOSE
        and can_proceed(dossier.declarer_irrecevable)
        and agent_du_guichet,
        "clore": dossier.etat == E.INCOMPLET and agent_du_guichet and echeance_depassee,
        "transferer": dossier.etat in (E.DEPOSE, E.INCOMPLET) and agent_du_guichet,
        "demander_complements": can_proceed(dossier.demander_complements)
        and (agent_du_guichet if dossier.etat == E.DEPOSE else instructeur),
        "conclure_instruction": can_proceed(dossier.conclure_instruction) and instructeur,
    }
    fil = _fil(dossier.liste_fil)
    return PageDossierAgent(
        dossier=dossier,
        communes=dossier.noms_communes,
        lignes=lignes,
        totaux=totaux_du_plan(lignes),
        avis_etat=avis.get(Cote.ETAT),
        avis_region=avis.get(Cote.REGION),
        avis_divergents=avis_divergents(*(a.sens for a in avis.values())),
        montants_divergents=montants_divergents(lignes),
        avis_cofinanceurs=_avis_cofinanceurs(dossier.liste_avis_cofinanceurs),
        mon_cote=Cote(mon_cote).label if mon_cote else None,
        actions=actions,
        peut_donner_avis=actions["conclure_instruction"],
        peut_rerouter=dossier.etat == E.EN_INSTRUCTION and agent_du_guichet,
        agent_du_guichet=agent_du_guichet,
        routages=routages,
        demandes=demandes,
        courriers=_instances(Courrier, dossier.liste_courriers, CHAMPS_COURRIER, "emis_par"),
        transferts=_instances(Transfert, dossier.liste_transferts, CHAMPS_TRANSFERT, "par"),
        journal=[
            {
                "entree": entree,
                "libelle": LIBELLES_TRANSITIONS.get(entree.transition, entree.transition),
                "vers": E(entree.state).label,
            }
            for entree in _instances(StateLog, dossier.liste_journal, CHAMPS_JOURNAL, "by")
        ],
        fil=fil,
        non_lus=[message for message in fil if not message.lu],
        annotations=_instances(Annotation, dossier.liste_annotations, CHAMPS_ANNOTATION, "auteur"),
        rapport=getattr(dossier, "rapport_instruction", None),
    )
