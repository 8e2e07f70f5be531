"""Reads about the members of the two instances: seats, attendance and quorum, interests."""

import math
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, F, Q, Value, When
from django.http import Http404

from cper.requetes import Dans, RequeteCompilee
from dossiers.enums import CategorieStructure
from dossiers.models import Dossier, MembreStructure
from gouvernance.enums import NatureInteret, RoleMembre, TypeInstance
from gouvernance.models import DeclarationInteret, Instance, MembreInstance

VOTANTS = [RoleMembre.PRESIDENCE, RoleMembre.MEMBRE]


def instance_du_type_ou_404(type_: str) -> Instance:
    if type_ not in TypeInstance.values:
        raise Http404
    return Instance.objects.du_type(type_)


def membres(instance):
    """The members of an instance with their seat and their number of declared interests."""
    return (
        MembreInstance.objects.filter(instance=instance)
        .select_related("user", "financeur", "departement", "epci", "pole")
        .annotate(
            nb_interets=Count("user__interets"),
            rang=Case(
                When(role=RoleMembre.PRESIDENCE, then=Value(0)),
                When(role=RoleMembre.MEMBRE, then=Value(1)),
                default=Value(2),
            ),
        )
        .order_by("rang", "user__last_name", "user__first_name", "pk")
    )


def siege(membre) -> str:
    """« Présidence — État », « Membre — Pôle métropolitain de l'Artois »: who sits for what."""
    representes = [str(x) for x in (membre.financeur, membre.territoire) if x is not None]
    return " — ".join([membre.get_role_display(), *representes])


@dataclass(frozen=True)
class Quorum:
    votants: int
    presents: int
    requis: int
    enregistre: bool

    @property
    def atteint(self) -> bool:
        return self.enregistre and self.presents >= self.requis

    def message(self, *, deportes: int = 0) -> str:
        """Why the séance may not decide, in the words of the secretariat."""
        if not self.enregistre:
            return (
                "Le quorum n'est pas constaté : enregistrez les présences de la séance avant "
                "de décider ou de la clore."
            )
        presents = self.presents - deportes
        texte = (
            f"Le quorum n'est pas atteint : {presents} membre{'s' if presents > 1 else ''} "
            f"votant{'s' if presents > 1 else ''} présent{'s' if presents > 1 else ''}"
        )
        if deportes:
            texte += f" sans compter {deportes} membre(s) qui se déporte(nt)"
        return texte + f", il en faut au moins {self.requis} sur {self.votants}."


def requis(votants: int) -> int:
    return math.ceil(votants * settings.QUORUM_SEANCE)


def quorum(seance) -> Quorum:
    """Voting members of the instance, those present, how many must be (two queries)."""
    votants = MembreInstance.objects.filter(instance=seance.instance_id, role__in=VOTANTS).count()
    presents = seance.presences.filter(votant=True).count() if seance.presences_le else 0
    return Quorum(
        votants=votants,
        presents=presents,
        requis=requis(votants),
        enregistre=seance.presences_le is not None,
    )


def membres_votants(instance):
    """The voting members of an instance (a queryset: count it, or use it as a subquery)."""
    return MembreInstance.objects.filter(instance=instance, role__in=VOTANTS)


def feuille_de_presence(seance, *, nb_votants: int | None = None) -> tuple[list, Quorum]:
    """Who attended (with their seat as it was) and the quorum, in two queries (one when the
    caller read the number of voting members with the séance)."""
    presences = list(seance.presences.select_related("user").order_by("-votant", "pk"))
    if nb_votants is None:
        nb_votants = membres_votants(seance.instance_id).count()
    enregistre = seance.presences_le is not None
    return presences, Quorum(
        votants=nb_votants,
        presents=sum(1 for p in presences if p.votant) if enregistre else 0,
        requis=requis(nb_votants),
        enregistre=enregistre,
    )


def interets(user):
    """The interests a person declared, with what they name (one query)."""
    return DeclarationInteret.objects.filter(user=user).select_related(
        "structure", "commune", "epci", "departement"
    )


def _motif(declaration) -> str:
    fonction = f" ({declaration.fonction})" if declaration.fonction else ""
    if declaration.nature == NatureInteret.STRUCTURE:
        return f"intérêt déclaré dans la structure porteuse{fonction}"
    if declaration.nature == NatureInteret.COMMUNE:
        return f"mandat communal à {declaration.commune.nom}{fonction}"
    if declaration.nature == NatureInteret.EPCI:
        return f"mandat intercommunal : {declaration.epci.nom}{fonction}"
    return f"mandat départemental : {declaration.departement.nom}{fonction}"


def _faits(dossier_ids):
    """What conflicts are read from, per dossier: its porteur and where it is (two queries)."""
    faits = {
        d["pk"]: d
        for d in Dossier.objects.filter(pk__in=dossier_ids).values(
            "pk", "structure_id", "structure__categorie", "structure__commune__departement_id"
        )
    }
    lieux = defaultdict(lambda: (set(), set()))
    for lien in Dossier.communes.through.objects.filter(dossier_id__in=dossier_ids).values(
        "dossier_id", "commune_id", "commune__epci_id"
    ):
        communes, epcis = lieux[lien["dossier_id"]]
        communes.add(lien["commune_id"])
        epcis.add(lien["commune__epci_id"])
    return faits, lieux


def _faits_charges(dossiers, communes):
    """The same facts from dossiers loaded with their structure's commune, and their communes
    ({dossier pk: [communes]})."""
    faits = {
        d.pk: {
            "pk": d.pk,
            "structure_id": d.structure_id,
            "structure__categorie": d.structure.categorie,
            "structure__commune__departement_id": d.structure.commune.departement_id,
        }
        for d in dossiers
    }
    lieux = {
        d.pk: ({c.pk for c in communes[d.pk]}, {c.epci_id for c in communes[d.pk]})
        for d in dossiers
    }
    return faits, lieux


def _adhesions(personnes, structure_ids):
    return (
        MembreStructure.objects.filter(personnes, structure__in=structure_ids)
        .select_related("user")
        .distinct()
    )


def _declarations(personnes):
    return (
        DeclarationInteret.objects.filter(personnes)
        .select_related("user", "commune", "epci", "departement")
        .distinct()
    )


_ADHESIONS = RequeteCompilee(
    lambda instance_id, structure_ids: (
        MembreStructure.objects.filter(
            Q(user__mandats__instance=instance_id), Dans(F("structure_id"), structure_ids)
        )
        .select_related("user")
        .distinct()
    ),
    "instance_id",
    listes=("structure_ids",),
)
_DECLARATIONS = RequeteCompilee(
    lambda instance_id: _declarations(Q(user__mandats__instance=instance_id)), "instance_id"
)


def declarations_des_membres(instance_id: int) -> list:
    """The declared interests of the members of an instance, with their user, commune, EPCI and
    département (one query, its SQL assembled once per process), in their order (nature, pk)."""
    return _DECLARATIONS(instance_id=instance_id)


def conflits(
    dossier_ids,
    *,
    instance=None,
    user=None,
    dossiers=None,
    communes=None,
    adhesions=None,
    declarations=None,
) -> dict[int, list[tuple]]:
    """{dossier pk: [(user, why)]}: who has an interest in each dossier.

    An interest is a membership of the structure that carries it, a declared interest in that
    structure, a communal or intercommunal mandate where the dossier is located, or a
    departmental mandate when the porteur is that département. Restricted to the members of
    `instance`, or to `user`. Two queries when `dossiers` come loaded with their structure's
    commune, with their `communes` ({dossier pk: [communes]}, the agenda), four otherwise;
    none for what the caller read already: the members' `adhesions` to the dossiers'
    structures (MembreStructure with their user) and their `declarations`
    (`declarations_des_membres`).
    """
    dossier_ids = list(dossier_ids)
    if not dossier_ids:
        return {}
    faits, lieux = (
        _faits_charges(dossiers, communes) if dossiers is not None else _faits(dossier_ids)
    )
    structures = {f["structure_id"] for f in faits.values()}
    if instance is not None:
        # The agenda's case: both queries' SQL assembled once per process.
        instance_id = getattr(instance, "pk", instance)
        if adhesions is None:
            adhesions = _ADHESIONS(instance_id=instance_id, structure_ids=structures)
        if declarations is None:
            declarations = declarations_des_membres(instance_id)
    else:
        adhesions = _adhesions(Q(user=user), structures)
        declarations = _declarations(Q(user=user))
    trouves = defaultdict(dict)  # dossier → {user pk: (user, why)}, the first reason kept
    for adhesion in adhesions:
        for pk, fait in faits.items():
            if fait["structure_id"] == adhesion.structure_id:
                trouves[pk].setdefault(
                    adhesion.user_id, (adhesion.user, "membre de la structure porteuse")
                )
    for declaration in declarations:
        for pk, fait in faits.items():
            communes, epcis = lieux.get(pk, (set(), set()))
            nature = declaration.nature
            if (
                (
                    nature == NatureInteret.STRUCTURE
                    and declaration.structure_id == fait["structure_id"]
                )
                or (nature == NatureInteret.COMMUNE and declaration.commune_id in communes)
                or (nature == NatureInteret.EPCI and declaration.epci_id in epcis)
                or (
                    nature == NatureInteret.DEPARTEMENT
                    and fait["structure__categorie"] == CategorieStructure.DEPARTEMENT
                    and fait["structure__commune__departement_id"] == declaration.departement_id
                )
            ):
                trouves[pk].setdefault(declaration.user_id, (declaration.user, _motif(declaration)))
    return {
        pk: sorted(par_personne.values(), key=lambda p: (p[0].last_name, p[0].pk))
        for pk, par_personne in trouves.items()
    }


def en_conflit(user, dossier) -> bool:
    """The user has an interest in the dossier (membership or declaration)."""
    return bool(conflits([dossier.pk], user=user))
