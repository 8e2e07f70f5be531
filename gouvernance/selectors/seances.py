"""Reads of the instance de pilotage: séances, their agenda and its money, conflicts."""

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce, JSONObject
from django.http import Http404
from django.shortcuts import get_object_or_404

from cper.comptes.enums import Role
from cper.comptes.models import User
from cper.referentiel.models import Commune, Departement, Epci, Financeur, Volet
from cper.requetes import (
    Dans,
    Envoi,
    Identifiant,
    RequeteCompilee,
    instance_de_ligne,
    relier,
)
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier, LigneFinancement, MembreStructure, Structure
from gouvernance.enums import EtatSeance, RoleMembre, TypeInstance
from gouvernance.models import (
    Decision,
    DeclarationInteret,
    Deport,
    Instance,
    MembreInstance,
    MontantProgramme,
    Observation,
    PointOrdreDuJour,
    Seance,
)
from gouvernance.selectors import instances
from instruction.enums import Cote
from instruction.models import Avis, AvisCofinanceur, DemandeArbitrage
from instruction.selectors import divergences, dossiers_des_agents, plan_compare_envoye


def instance_pilotage() -> Instance:
    return Instance.objects.du_type(TypeInstance.PILOTAGE)


def _secretariat(user):
    return MembreInstance.objects.filter(
        instance__type=TypeInstance.PILOTAGE, user=user, role=RoleMembre.SECRETARIAT
    )


def est_secretariat(user) -> bool:
    """Members of the pilotage body's secretariat create and run the séances."""
    return (
        user.is_authenticated
        and user.a_le_role(Role.MEMBRE_PILOTAGE)
        and _secretariat(user).exists()
    )


def seances():
    """Séances of the instance de pilotage with their number of items (one query).

    The counts are subqueries, computed for the rows of the page only (no GROUP BY over every
    item of every séance).
    """
    points = PointOrdreDuJour.objects.filter(seance=OuterRef("pk")).order_by().values("seance")
    return Seance.objects.filter(instance__type=TypeInstance.PILOTAGE).annotate(
        nb_points=Subquery(points.annotate(n=Count("pk")).values("n")),
        nb_decisions=Subquery(
            points.filter(decision__isnull=False).annotate(n=Count("pk")).values("n")
        ),
    )


def _seance(user_id, pk):
    votants = (
        instances.membres_votants(OuterRef("instance_id"))
        .order_by()
        .values("instance")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Seance.objects.filter(instance__type=TypeInstance.PILOTAGE, pk=pk)
        .select_related("presidee_par")
        .annotate(
            secretariat=Exists(_secretariat(user_id)),
            nb_votants=Coalesce(Subquery(votants), 0),
            # What `agenda` reads first, in the same row.
            ids_des_points=ArraySubquery(_ids_des_points(OuterRef("pk"))),
        )
    )


def _seance_de_la_page(user_id, pk):
    """The séance as `_seance` reads it, with what its page reads first, in the same row: the
    interests its instance's members declared (`agenda`) and the volets (the search form of
    the agenda's candidates, `volets_lus`)."""
    membre = MembreInstance.objects.filter(
        user=OuterRef("user_id"), instance=OuterRef(OuterRef("instance_id"))
    )
    return _seance(user_id, pk).annotate(
        json_declarations=_liste_json(
            DeclarationInteret.objects.filter(Exists(membre)).order_by("nature", "pk"),
            CHAMPS_DECLARATION,
            "user",
            commune__nom="commune__nom",
            epci__nom="epci__nom",
            departement__nom="departement__nom",
        ),
        json_volets=_liste_json(
            Volet.objects.order_by(*Volet._meta.ordering, "pk"), ("id", *CHAMPS_VOLET)
        ),
        # Its items' dossiers: their plan comparé is sent with the items (`agenda_envoye`).
        ids_des_dossiers=ArraySubquery(
            PointOrdreDuJour.objects.filter(seance=OuterRef("pk"))
            .order_by()
            .values_list("dossier_id", flat=True)
        ),
    )


_SEANCE = RequeteCompilee(_seance, "user_id", "pk")
_SEANCE_DE_LA_PAGE = RequeteCompilee(_seance_de_la_page, "user_id", "pk")


def seance_ou_404(user, pk, *, page: bool = False) -> Seance:
    """The séance, annotated with whether the user runs it and the number of voting members of
    its instance (same query); with `page`, also what the pages that show its agenda read
    first: the interests its members declared (`agenda` then reads them from the séance) and
    the volets (`volets_lus`)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    requete = _SEANCE_DE_LA_PAGE if page else _SEANCE
    trouvees = requete(user_id=user.pk if user.is_authenticated else 0, pk=pk)
    if not trouvees:
        raise Http404
    return trouvees[0]


def volets_lus(seance) -> list[Volet] | None:
    """The volets read with the séance (`seance_ou_404(..., page=True)`), in their order; None
    for a séance read otherwise."""
    lignes = seance.__dict__.get("json_volets")
    if lignes is None:
        return None
    return _instances(Volet, lignes, ("id", *CHAMPS_VOLET))


def point_ou_404(seance, pk) -> PointOrdreDuJour:
    return get_object_or_404(
        PointOrdreDuJour.objects.select_related(
            "dossier__structure", "dossier__volet", "decision"
        ).filter(seance=seance),
        pk=pk,
    )


def points_sans_decision(seance):
    """Items still to decide. A dossier withdrawn by its porteur meanwhile needs no decision."""
    return PointOrdreDuJour.objects.filter(
        seance=seance, decision__isnull=True, dossier__etat=E.INSTRUIT
    )


def dossiers_inscriptibles(seance):
    """Instruit dossiers that no other séance has on its agenda awaiting a decision.

    A dossier ajourné goes back to instruction; once instruit again it may be put on a new agenda.
    """
    ailleurs = PointOrdreDuJour.objects.filter(
        dossier=OuterRef("pk"), decision__isnull=True
    ).exclude(seance=seance)
    return (
        Dossier.objects.filter(etat=E.INSTRUIT)
        .exclude(Exists(ailleurs))
        .select_related("structure")
        .order_by("numero")
    )


@dataclass(frozen=True)
class Candidat:
    """A dossier the agenda form shows: on the agenda (`ordre_inscrit`) or that may be put on it."""

    pk: int
    numero: str
    intitule: str
    raison_sociale: str  # its structure's
    ordre_inscrit: int | None
    arbitrage_demande: bool

    @classmethod
    def de(cls, ligne: dict) -> "Candidat":
        return cls(
            pk=ligne["pk"],
            numero=ligne["numero"],
            intitule=ligne["intitule"],
            raison_sociale=ligne["structure__raison_sociale"],
            ordre_inscrit=ligne["ordre_inscrit"],
            arbitrage_demande=ligne["arbitrage_demande"],
        )


def candidats_ordre_du_jour(
    seance, *, volet=None, mots: str | None = None, limite: int, apres: str | None = None
) -> list[Candidat]:
    """In one query: the dossiers on the séance's agenda (with `ordre_inscrit`), then at most
    `limite` other instruit dossiers of the volet and matching the words (number, intitulé,
    structure), by number, after the number `apres` (the next candidates).

    The candidates are a LIMIT subquery that walks the (etat, numero) index: the cost is the
    page's, whatever the number of instruit dossiers. Plain values: up to a hundred dossiers
    and their structures cost more to load as model instances than the query.
    """
    return candidats_envoyes(seance, volet=volet, mots=mots, limite=limite, apres=apres)()


def candidats_envoyes(
    seance, *, volet=None, mots: str | None = None, limite: int, apres: str | None = None
):
    """`candidats_ordre_du_jour`, its query sent (inside `cper.requetes.ensemble()`, with the
    others of the block) and its candidates read by calling what this returns."""
    if volet is None and not mots and not apres:
        # The page as first shown (no search): its SQL assembled once per séance and limit,
        # the séance's id written in it (`Identifiant`): a parameter there is planned as the
        # average séance's hundreds of items (one in preparation has a dozen), and
        # PostgreSQL, judging the generic plan costlier, planned the query on every request.
        envoi = _candidats_compiles(seance.pk, limite).envoyer()
        return lambda: [Candidat.de(ligne) for ligne in envoi.lignes()]
    lignes = _candidats(seance, volet=volet, mots=mots, limite=limite, apres=apres)
    return lambda: [Candidat.de(ligne) for ligne in lignes]


# A few séances are in preparation at a time.
@lru_cache(maxsize=32)
def _candidats_compiles(seance_id: int, limite: int) -> RequeteCompilee:
    return RequeteCompilee(lambda: _candidats(Identifiant(seance_id), limite=limite))


def _candidats(seance, *, volet=None, mots=None, limite: int, apres=None):
    deja = (
        PointOrdreDuJour.objects.filter(seance=seance, dossier=OuterRef("pk"))
        .order_by()
        .values("ordre")
    )
    candidats = dossiers_inscriptibles(seance).exclude(points_ordre_du_jour__seance=seance)
    if volet:
        candidats = candidats.filter(volet=volet)
    if mots:
        candidats = candidats.filter(
            Q(numero__icontains=mots)
            | Q(intitule__icontains=mots)
            | Q(structure__raison_sociale__icontains=mots)
        )
    if apres:
        candidats = candidats.filter(numero__gt=apres)
    candidats = candidats.order_by("numero", "pk").values("pk")[:limite]
    # One list of keys (the agenda's, then the candidates'): the rows are then fetched by primary
    # key. An OR of the two IN made PostgreSQL filter every instruit dossier and hash every item
    # of every séance to exclude those awaiting a decision elsewhere.
    inscrits = PointOrdreDuJour.objects.filter(seance=seance).order_by().values("dossier")
    return (
        dossiers_inscriptibles(seance)
        .filter(pk__in=inscrits.union(candidats, all=True))
        .annotate(
            ordre_inscrit=Subquery(deja[:1]),
            arbitrage_demande=Exists(
                DemandeArbitrage.objects.filter(dossier=OuterRef("pk"), tranchee_le__isnull=True)
            ),
        )
        # The agenda's dossiers first, in their order, then the candidates by number.
        .order_by(F("ordre_inscrit").asc(nulls_last=True), "numero")
        .values(
            "pk",
            "numero",
            "intitule",
            "structure__raison_sociale",
            "ordre_inscrit",
            "arbitrage_demande",
        )
    )


def en_conflit(user, dossier) -> bool:
    """The user belongs to the structure that carries the dossier or declared an interest in it."""
    return instances.en_conflit(user, dossier)


def plafonds(dossier) -> dict[int, Decimal]:
    """{financeur pk: amount requested}: nothing may be programmed above it."""
    return dict(
        LigneFinancement.objects.filter(dossier=dossier)
        .values("financeur_id")
        .annotate(total=Sum("montant_demande"))
        .order_by()
        .values_list("financeur_id", "total")
    )


PERSONNE = ("id", "first_name", "last_name", "email")


def _liste_json(queryset, champs: tuple[str, ...], personne: str | None = None, **autres):
    """The rows of `queryset` as an array of JSON objects, read in the items' own query.

    `champs` of the model, the names of the user behind the foreign key `personne`, and
    `autres` values read through other relations (name → expression).
    """
    noms = {f"{personne}__{c}": f"{personne}__{c}" for c in PERSONNE} if personne else {}
    return ArraySubquery(
        queryset.values(json=JSONObject(**{c: c for c in champs}, **noms, **autres))
    )


def _en_texte(champ: str):
    """A decimal amount as text in JSON, so it comes back exact (not a float)."""
    return Cast(champ, output_field=CharField())


@lru_cache(maxsize=64)
def _champs(modele, champs: tuple[str, ...]) -> tuple:
    return tuple((c, modele._meta.get_field(c).to_python) for c in champs)


def _instances(modele, lignes, champs: tuple[str, ...], personne: str | None = None) -> list:
    """Model instances rebuilt from `_liste_json` rows (values typed by each field), with the
    user behind `personne`; the fields not read are deferred (`instance_de_ligne`)."""
    types = _champs(modele, champs)
    resultat = []
    for ligne in lignes or ():
        instance = instance_de_ligne(modele, {c: type_(ligne[c]) for c, type_ in types})
        if personne:
            relier(instance, personne, _personne(ligne, personne))
        resultat.append(instance)
    return resultat


def _personne(ligne: dict, personne: str):
    if ligne[f"{personne}__id"] is None:
        return None
    return instance_de_ligne(User, {c: ligne[f"{personne}__{c}"] for c in PERSONNE})


CHAMPS_COMMUNE = ("id", "code_insee", "nom", "departement_id", "epci_id")
CHAMPS_AVIS = ("id", "cote", "sens", "motivation")
CHAMPS_AVIS_COFINANCEUR = ("id", "financeur_id", "sens", "motivation", "montant")
CHAMPS_OBSERVATION = ("id", "created_at", "texte")
CHAMPS_DEPORT = ("id", "motif")
CHAMPS_ARBITRAGE = ("id", "created_at", "motif", "tranchee_le")
CHAMPS_ADHESION = ("id", "structure_id", "user_id")
CHAMPS_DECLARATION = (
    "id",
    "user_id",
    "nature",
    "structure_id",
    "commune_id",
    "epci_id",
    "departement_id",
    "fonction",
)


def _ids_des_points(seance_id):
    return PointOrdreDuJour.objects.filter(seance=seance_id).order_by().values_list("pk", flat=True)


def _points(point_ids):
    """The agenda's query: items with dossier, structure, volet and decision, and what the
    members read of each as JSON arrays (see `agenda`)."""
    dossier = OuterRef("dossier_id")
    return (
        PointOrdreDuJour.objects.filter(Dans(F("pk"), point_ids))
        .annotate(
            json_communes=_liste_json(
                Commune.objects.filter(dossiers=dossier).order_by("nom", "code_insee"),
                CHAMPS_COMMUNE,
                departement__nom="departement__nom",
            ),
            json_avis=_liste_json(
                Avis.objects.filter(dossier=dossier, cote__in=[Cote.ETAT, Cote.REGION]).order_by(
                    "cote"
                ),
                CHAMPS_AVIS,
            ),
            json_cofinanceurs=_liste_json(
                AvisCofinanceur.objects.filter(dossier=dossier).order_by("financeur__ordre", "pk"),
                CHAMPS_AVIS_COFINANCEUR[:-1],
                montant=_en_texte("montant"),
                financeur__nom="financeur__nom",
            ),
            json_observations=_liste_json(
                Observation.objects.filter(dossier=dossier).order_by("created_at", "pk"),
                CHAMPS_OBSERVATION,
                "auteur",
            ),
            json_programmes=_liste_json(
                MontantProgramme.objects.filter(decision__point=OuterRef("pk")).order_by("pk"),
                ("financeur_id",),
                montant=_en_texte("montant"),
            ),
            json_deports=_liste_json(
                Deport.objects.filter(point=OuterRef("pk")).order_by("pk"), CHAMPS_DEPORT, "user"
            ),
            json_arbitrages=_liste_json(
                DemandeArbitrage.objects.filter(dossier=dossier).order_by("-created_at", "-pk"),
                CHAMPS_ARBITRAGE,
                "demandee_par",
            ),
            # The members of the séance's instance who belong to the dossier's structure (the
            # conflicts' first kind, instances.conflits).
            json_adhesions=_liste_json(
                MembreStructure.objects.filter(
                    Exists(
                        MembreInstance.objects.filter(
                            user=OuterRef("user_id"),
                            instance=OuterRef(OuterRef("seance__instance_id")),
                        )
                    ),
                    structure=OuterRef("dossier__structure_id"),
                ).order_by("pk"),
                CHAMPS_ADHESION,
                "user",
            ),
        )
        .order_by("ordre")
        .values(*COLONNES_POINT, *(nom for nom in _JSON_POINT))
    )


# What the pages read of an item, its dossier, the dossier's structure and volet, and the
# decision (`agenda` builds the instances: `_point_lu`).
CHAMPS_POINT = ("id", "seance_id", "dossier_id", "ordre")
CHAMPS_DOSSIER = ("numero", "intitule", "etat", "structure_id", "volet_id")
CHAMPS_STRUCTURE = ("raison_sociale", "categorie", "commune_id")
CHAMPS_VOLET = ("numero", "intitule")
CHAMPS_DECISION = ("id", "sens", "motif", "created_at")
COLONNES_POINT = (
    *CHAMPS_POINT,
    *(f"dossier__{c}" for c in CHAMPS_DOSSIER),
    *(f"dossier__structure__{c}" for c in CHAMPS_STRUCTURE),
    "dossier__structure__commune__departement_id",
    *(f"dossier__volet__{c}" for c in CHAMPS_VOLET),
    *(f"decision__{c}" for c in CHAMPS_DECISION),
)
_JSON_POINT = (
    "json_communes",
    "json_avis",
    "json_cofinanceurs",
    "json_observations",
    "json_programmes",
    "json_deports",
    "json_arbitrages",
    "json_adhesions",
)


def _point_lu(ligne: dict) -> PointOrdreDuJour:
    """The item of a `_points` row, with its dossier, the dossier's structure (and the
    structure's commune: its département), volet and decision as select_related leaves them."""
    point = instance_de_ligne(PointOrdreDuJour, {c: ligne[c] for c in CHAMPS_POINT})
    dossier = instance_de_ligne(
        Dossier, {"id": ligne["dossier_id"], **{c: ligne[f"dossier__{c}"] for c in CHAMPS_DOSSIER}}
    )
    structure = instance_de_ligne(
        Structure,
        {
            "id": dossier.structure_id,
            **{c: ligne[f"dossier__structure__{c}"] for c in CHAMPS_STRUCTURE},
        },
    )
    relier(
        structure,
        "commune",
        instance_de_ligne(
            Commune,
            {
                "id": structure.commune_id,
                "departement_id": ligne["dossier__structure__commune__departement_id"],
            },
        ),
    )
    relier(dossier, "structure", structure)
    volet = None
    if dossier.volet_id is not None:
        volet = instance_de_ligne(
            Volet,
            {"id": dossier.volet_id, **{c: ligne[f"dossier__volet__{c}"] for c in CHAMPS_VOLET}},
        )
    relier(dossier, "volet", volet)
    relier(point, "dossier", dossier)
    decision = None
    if ligne["decision__id"] is not None:
        decision = instance_de_ligne(
            Decision,
            {"point_id": point.pk, **{c: ligne[f"decision__{c}"] for c in CHAMPS_DECISION}},
        )
        relier(decision, "point", point)
    relier(point, "decision", decision)
    for nom in _JSON_POINT:
        setattr(point, nom, ligne[nom])
    return point


# Their SQL assembled once per process (eight subqueries, five joined tables): only the ids
# change. The items are read by their ids, not by their séance's: PostgreSQL plans a query on
# a séance for that séance (the séances' sizes differ), about 1.5 ms for this one at every
# request; on a list of ids it keeps one plan for every séance.
_IDS_DES_POINTS = RequeteCompilee(_ids_des_points, "seance_id")
_POINTS = RequeteCompilee(_points, listes=("point_ids",))


@dataclass(frozen=True)
class AgendaEnvoye:
    points: Envoi
    plan: object  # instruction.selectors.plan_compare_envoye's reader


def agenda_envoye(seance) -> AgendaEnvoye | None:
    """The queries of `agenda`'s items and of their plan comparé sent (inside
    `cper.requetes.ensemble()`, with the others of the block: one round trip), for
    `agenda(..., envoi=)`; None when the séance's row (`seance_ou_404(..., page=True)`) says it
    has no item, or does not name its dossiers."""
    ids = seance.__dict__.get("ids_des_points")
    dossier_ids = seance.__dict__.get("ids_des_dossiers")
    if not ids or dossier_ids is None:
        return None
    return AgendaEnvoye(
        points=_POINTS.envoyer(point_ids=ids), plan=plan_compare_envoye(dossier_ids)
    )


def agenda(seance, user=None, *, envoi: AgendaEnvoye | None = None) -> list[PointOrdreDuJour]:
    """Every item of the séance with what the members need to decide, in a fixed number of queries.

    1 the items' ids (none when the séance comes from `seance_ou_404`, whose row has them), 2
    the items with dossier, structure, volet and decision, and as JSON arrays in the same rows
    the communes with their département, the avis, the co-financers' avis, the observations,
    the amounts programmed, the members who withdrew from the decision, the arbitrations the
    groupes techniques asked for and the members of the body who belong to the dossier's
    structure; 3 the plan comparé (requested, proposed: with `envoi`, sent with the items in
    one round trip); 4 the interests the members declared (none when the séance comes from
    `seance_ou_404(..., page=True)`, whose row has them): with the memberships, who has an
    interest in each dossier (instances.conflits).
    """
    # The séance's query (seance_ou_404) gives them; a séance read otherwise, their query.
    ids = seance.__dict__.get("ids_des_points")
    if ids is None:
        ids = _IDS_DES_POINTS(seance_id=seance.pk)
    if not ids:
        return []
    lignes = envoi.points.lignes() if envoi is not None else _POINTS(point_ids=ids)
    points = [_point_lu(ligne) for ligne in lignes]
    dossier_ids = [p.dossier_id for p in points]
    # Sent with the items, read last: PostgreSQL reads it while the items are built.
    lire_le_plan = envoi.plan if envoi is not None else plan_compare_envoye(dossier_ids)
    adhesions = []
    for point in points:
        structure_id = point.dossier.structure_id
        for adhesion in _instances(MembreStructure, point.json_adhesions, CHAMPS_ADHESION, "user"):
            adhesion.structure_id = structure_id
            adhesions.append(adhesion)
    json_declarations = seance.__dict__.get("json_declarations")
    declarations = None if json_declarations is None else _declarations_lues(json_declarations)
    communes = {}
    for point in points:
        communes[point.dossier_id] = _instances(Commune, point.json_communes, CHAMPS_COMMUNE)
        for commune, ligne in zip(
            communes[point.dossier_id], point.json_communes or (), strict=True
        ):
            relier(
                commune,
                "departement",
                instance_de_ligne(
                    Departement, {"id": commune.departement_id, "nom": ligne["departement__nom"]}
                ),
            )
    conflits = instances.conflits(
        dossier_ids,
        instance=seance.instance_id,
        dossiers=[p.dossier for p in points],
        communes=communes,
        adhesions=adhesions,
        declarations=declarations,
    )
    montants = lire_le_plan()
    for point in points:
        dossier = point.dossier
        avis = {a.cote: a for a in _instances(Avis, point.json_avis, CHAMPS_AVIS)}
        cofinanceurs = _instances(AvisCofinanceur, point.json_cofinanceurs, CHAMPS_AVIS_COFINANCEUR)
        for un_avis, ligne in zip(cofinanceurs, point.json_cofinanceurs or (), strict=True):
            relier(
                un_avis,
                "financeur",
                instance_de_ligne(
                    Financeur, {"id": un_avis.financeur_id, "nom": ligne["financeur__nom"]}
                ),
            )
        programmes = {
            ligne["financeur_id"]: MontantProgramme._meta.get_field("montant").to_python(
                ligne["montant"]
            )
            for ligne in point.json_programmes or ()
        }
        arbitrages = _instances(
            DemandeArbitrage, point.json_arbitrages, CHAMPS_ARBITRAGE, "demandee_par"
        )
        point.lignes = montants.get(dossier.pk, [])
        decision = getattr(point, "decision", None)
        point.decision_prise = decision
        point.a_decider = decision is None and dossier.etat == E.INSTRUIT
        for ligne in point.lignes:
            ligne["programme"] = programmes.get(ligne["financeur_id"])
        point.avis_etat = avis.get(Cote.ETAT)
        point.avis_region = avis.get(Cote.REGION)
        point.avis_cofinanceurs = cofinanceurs
        point.divergences = divergences(dossier, avis=list(avis.values()), lignes=point.lignes)
        point.avis_divergents = point.divergences.sens
        # Undecided: the open request; decided: the request this decision settled.
        point.arbitrage = next(
            (
                a
                for a in arbitrages
                if (a.tranchee_le is None and decision is None)
                or (decision and a.tranchee_le and a.tranchee_le >= decision.created_at)
            ),
            None,
        )
        point.observations = _instances(
            Observation, point.json_observations, CHAMPS_OBSERVATION, "auteur"
        )
        point.conflits = conflits.get(dossier.pk, [])
        point.membres_en_conflit = [u for u, _ in point.conflits]
        point.deportes = _instances(Deport, point.json_deports, CHAMPS_DEPORT, "user")
        point.conflit_pour_moi = user is not None and any(
            u.pk == user.pk for u in point.membres_en_conflit
        )
        point.communes = communes[dossier.pk]
        point.departements = sorted({c.departement.nom for c in point.communes if c.departement})
    return points


def _declarations_lues(lignes) -> list[DeclarationInteret]:
    """The members' declarations from the séance's row (`_seance_de_la_page`), with their
    user and what `instances.conflits` names of their commune, EPCI and département."""
    declarations = _instances(DeclarationInteret, lignes, CHAMPS_DECLARATION, "user")
    for declaration, ligne in zip(declarations, lignes or (), strict=True):
        for nom, modele in (("commune", Commune), ("epci", Epci), ("departement", Departement)):
            pk = getattr(declaration, f"{nom}_id")
            lu = (
                None
                if pk is None
                else instance_de_ligne(modele, {"id": pk, "nom": ligne[f"{nom}__nom"]})
            )
            relier(declaration, nom, lu)
    return declarations


def seances_du_porteur(user):
    """Closed séances that decided on a dossier of one of the user's structures."""
    return Seance.objects.filter(
        etat=EtatSeance.CLOSE,
        points__dossier__structure__membres=user,
    ).distinct()


def seances_des_agents(user):
    """Closed séances that decided on a dossier the agent handles (guichet or groupe)."""
    return Seance.objects.filter(
        etat=EtatSeance.CLOSE, points__dossier__in=dossiers_des_agents(user)
    ).distinct()


def decisions_du_dossier(dossier):
    """Decisions taken on a dossier in closed séances, newest first, with their amounts."""
    return (
        PointOrdreDuJour.objects.filter(
            dossier=dossier, seance__etat=EtatSeance.CLOSE, decision__isnull=False
        )
        .select_related("seance", "decision")
        .prefetch_related(
            Prefetch(
                "decision__montants",
                queryset=MontantProgramme.objects.select_related("financeur").order_by(
                    "financeur__ordre"
                ),
            )
        )
        .order_by("-seance__date")
    )
