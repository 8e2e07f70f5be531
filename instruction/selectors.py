"""Reads of the agents' work: scoped fetches (404 outside scope) and the workbench queues."""

from dataclasses import dataclass, fields

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat, JSONObject
from django.http import Http404
from django.utils import timezone
from django_fsm import can_proceed
from django_fsm_log.models import StateLog
from guardian.shortcuts import get_objects_for_user

from cper.comptes.enums import Role
from cper.comptes.models import User
from dossiers.enums import EtatDossier as E
from dossiers.models import AgregatFinancement, DemandeAdhesion, Dossier, LigneFinancement

from .enums import Cote, avis_divergents
from .models import (
    Annotation,
    Avis,
    Courrier,
    DemandeComplements,
    GroupeTechnique,
    LectureMessage,
    MembreGroupe,
    Message,
    MontantPropose,
    Routage,
    Transfert,
)


def dossiers_du_guichet(user):
    """Dossiers filed at the guichets the user works for (and that their group may see)."""
    if not user.a_le_role(Role.AGENT_GUICHET):
        return Dossier.objects.none()
    return get_objects_for_user(
        user,
        "dossiers.view_dossier",
        klass=Dossier.objects.filter(guichet__groupe__user=user).exclude(etat=E.BROUILLON),
        accept_global_perms=False,
    )


def dossiers_des_groupes(user):
    """Dossiers routed to the groupes techniques the user belongs to."""
    if not user.a_le_role(Role.INSTRUCTEUR):
        return Dossier.objects.none()
    return get_objects_for_user(
        user, "dossiers.instruire_dossier", klass=Dossier, accept_global_perms=False
    )


def dossiers_des_agents(user):
    return Dossier.objects.filter(
        Q(pk__in=dossiers_du_guichet(user).values("pk"))
        | Q(pk__in=dossiers_des_groupes(user).values("pk"))
    )


def dossiers_du_porteur(user):
    """Filed dossiers of the porteur's structures."""
    return Dossier.objects.filter(structure__membres=user).exclude(etat=E.BROUILLON)


def _ou_404(queryset, pk):
    try:
        return queryset.select_related("structure", "guichet", "volet", "rapport_instruction").get(
            pk=pk
        )
    except Dossier.DoesNotExist:
        raise Http404("Dossier introuvable.") from None


def dossier_pour_agent_ou_404(user, pk) -> Dossier:
    """The dossier, annotated with whether the user works at its guichet (same query)."""
    return _ou_404(
        dossiers_des_agents(user).annotate(
            agent_du_guichet=Exists(Group.objects.filter(guichet=OuterRef("guichet"), user=user)),
            demandes_adhesion_en_cours=Exists(
                DemandeAdhesion.objects.filter(
                    structure=OuterRef("structure"), decidee_le__isnull=True
                )
            ),
        ),
        pk,
    )


def dossier_du_guichet_ou_404(user, pk) -> Dossier:
    return _ou_404(dossiers_du_guichet(user), pk)


def dossier_des_groupes_ou_404(user, pk) -> Dossier:
    return _ou_404(dossiers_des_groupes(user), pk)


def dossier_du_porteur_ou_404(user, pk) -> Dossier:
    return _ou_404(dossiers_du_porteur(user), pk)


def groupe_en_charge(dossier) -> GroupeTechnique | None:
    routage = Routage.objects.filter(dossier=dossier).select_related("groupe_technique").first()
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


def annoter_file(queryset):
    """What each row of a workbench shows, in the same query: group, both avis, deadlines."""
    return (
        queryset.select_related("structure", "volet", "guichet")
        .avec_limite_recevabilite()
        .annotate(
            groupe_nom=Subquery(
                Routage.objects.filter(dossier=OuterRef("pk")).values("groupe_technique__nom")[:1]
            ),
            avis_etat=_sens_avis(Cote.ETAT),
            avis_region=_sens_avis(Cote.REGION),
            echeance_complements=Subquery(
                DemandeComplements.objects.filter(dossier=OuterRef("pk"), repondue_le__isnull=True)
                .order_by("-created_at")
                .values("echeance")[:1]
            ),
        )
    )


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
):
    """The workbench filters and sort; every one of them is applied in the database."""
    if etat:
        queryset = queryset.filter(etat=etat)
    if volet:
        queryset = queryset.filter(volet=volet)
    if commune:
        queryset = queryset.filter(
            Q(communes__code_insee=commune) | Q(communes__nom__iexact=commune)
        )
    if epci:
        queryset = queryset.filter(
            Q(communes__epci__siren=epci) | Q(communes__epci__nom__icontains=epci)
        )
    if commune or epci:
        queryset = queryset.distinct()
    if depuis:
        queryset = queryset.filter(depose_le__date__gte=depuis)
    if jusqu_a:
        queryset = queryset.filter(depose_le__date__lte=jusqu_a)
    if texte:
        queryset = queryset.filter(
            Q(numero__icontains=texte)
            | Q(intitule__icontains=texte)
            | Q(structure__raison_sociale__icontains=texte)
        )
    ordres = {
        "depot": ["depose_le", "pk"],
        "-depot": ["-depose_le", "-pk"],
        "numero": ["numero"],
        "intitule": ["intitule", "pk"],
        "structure": ["structure__raison_sociale", "pk"],
    }
    return queryset.order_by(*ordres.get(tri, ["depose_le", "pk"]))


def en_attente_de_mon_avis(queryset, user):
    """Dossiers in instruction whose avis on the user's side is still missing."""
    mes_cotes = MembreGroupe.objects.filter(
        user=user, groupe_technique__routages__dossier=OuterRef("pk")
    ).values("cote")
    return queryset.filter(etat=E.EN_INSTRUCTION).exclude(
        Exists(Avis.objects.filter(dossier=OuterRef("pk"), cote__in=mes_cotes))
    )


def demandes_en_retard(user, aujourdhui):
    """Requests for complements past their deadline, on the dossiers the user handles."""
    return (
        DemandeComplements.objects.en_retard(aujourdhui)
        .filter(dossier__in=dossiers_des_agents(user))
        .select_related("dossier", "dossier__structure")
        .order_by("echeance")
    )


# --- The plan comparé: requested vs proposed, per financeur ---------------------------------


def plan_compare(dossier_ids) -> dict[int, list[dict]]:
    """{dossier_id: [ {financeur_id, nom, signataire, demande, etat, region, propose} ]}, 1 query.

    Read from the kept aggregates (`AgregatFinancement`): `demande` (None for a financeur
    outside the plan) and `propose`, the one rule of « proposé » (docs/tableaux.md); `etat` and
    `region` are each side's own proposal. Rows in the financeurs' order. Used by the agents'
    dossier page, the rapport d'instruction, the séance's agenda and the decision form.
    """

    def cote(valeur):
        return Subquery(
            MontantPropose.objects.filter(
                avis__dossier=OuterRef("dossier_id"),
                avis__cote=valeur,
                financeur=OuterRef("financeur_id"),
            ).values("montant")[:1]
        )

    au_plan = LigneFinancement.objects.filter(
        dossier=OuterRef("dossier_id"), financeur=OuterRef("financeur_id")
    )
    resultat: dict[int, list[dict]] = {}
    for ligne in (
        AgregatFinancement.objects.filter(dossier__in=dossier_ids)
        .annotate(au_plan=Exists(au_plan), etat_=cote(Cote.ETAT), region_=cote(Cote.REGION))
        .order_by("dossier_id", "financeur__ordre", "financeur__nom")
        .values(
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
    ):
        resultat.setdefault(ligne["dossier_id"], []).append(
            {
                "financeur_id": ligne["financeur_id"],
                "nom": ligne["financeur__nom"],
                "signataire": ligne["financeur__signataire"],
                "demande": ligne["demande"] if ligne["au_plan"] else None,
                "propose": ligne["propose"],
                "etat": ligne["etat_"],
                "region": ligne["region_"],
            }
        )
    return resultat


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

    def contexte(self) -> dict:
        """The fields as a template context (shallow: model instances stay instances)."""
        return {champ.name: getattr(self, champ.name) for champ in fields(self)}


PERSONNE = ("id", "first_name", "last_name", "email")


def _liste_json(queryset, champs: tuple[str, ...], personne: str):
    """The rows of `queryset` as an array of JSON objects, in the dossier's own query.

    `champs` of the model, and the names of the user behind the foreign key `personne`.
    """
    return ArraySubquery(
        queryset.values(
            json=JSONObject(
                **{c: c for c in champs},
                **{f"{personne}__{c}": f"{personne}__{c}" for c in PERSONNE},
            )
        )
    )


def _instances(modele, lignes: list[dict], champs: tuple[str, ...], personne: str) -> list:
    """Model instances rebuilt from `_liste_json` rows (values typed by each field)."""
    resultat = []
    for ligne in lignes:
        instance = modele(**{c: modele._meta.get_field(c).to_python(ligne[c]) for c in champs})
        if ligne[f"{personne}__id"] is not None:
            setattr(instance, personne, User(**{c: ligne[f"{personne}__{c}"] for c in PERSONNE}))
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


def page_dossier_agent(user, pk) -> PageDossierAgent:
    """The agents' dossier page in scope (404 outside), in a fixed number of queries."""
    dossier = _ou_404(
        dossiers_des_agents(user).annotate(
            agent_du_guichet=Exists(Group.objects.filter(guichet=OuterRef("guichet"), user=user)),
            demandes_adhesion_en_cours=Exists(
                DemandeAdhesion.objects.filter(
                    structure=OuterRef("structure"), decidee_le__isnull=True
                )
            ),
            noms_communes=ArraySubquery(
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
            liste_demandes=_liste_json(
                DemandeComplements.objects.filter(dossier=OuterRef("pk")).order_by(
                    "-created_at", "-pk"
                ),
                CHAMPS_DEMANDE,
                "demandee_par",
            ),
            liste_courriers=_liste_json(
                Courrier.objects.filter(dossier=OuterRef("pk")).order_by("-created_at", "-pk"),
                CHAMPS_COURRIER,
                "emis_par",
            ),
            liste_transferts=_liste_json(
                Transfert.objects.filter(dossier=OuterRef("pk")).order_by("-created_at", "-pk"),
                CHAMPS_TRANSFERT,
                "par",
            ),
            liste_annotations=_liste_json(
                Annotation.objects.filter(dossier=OuterRef("pk")).order_by("-created_at", "-pk"),
                CHAMPS_ANNOTATION,
                "auteur",
            ),
            liste_journal=_liste_json(
                StateLog.objects.filter(
                    content_type=ContentType.objects.get_for_model(Dossier),
                    object_id=OuterRef("pk"),
                ).order_by("pk"),
                CHAMPS_JOURNAL,
                "by",
            ),
        ),
        pk,
    )
    avis = {a.cote: a for a in Avis.objects.filter(dossier=dossier).select_related("donne_par")}
    lignes = plan_compare([dossier.pk]).get(dossier.pk, [])
    routages = list(
        Routage.objects.filter(dossier=dossier)
        .select_related("groupe_technique", "par")
        .annotate(mon_cote=cote_dans_le_groupe(user))
    )
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
    fil = list(
        Message.objects.filter(dossier=dossier)
        .select_related("auteur")
        .prefetch_related("pieces_jointes")
        .annotate(lu=Exists(LectureMessage.objects.filter(message=OuterRef("pk"), user=user)))
    )
    return PageDossierAgent(
        dossier=dossier,
        communes=dossier.noms_communes,
        lignes=lignes,
        totaux=totaux_du_plan(lignes),
        avis_etat=avis.get(Cote.ETAT),
        avis_region=avis.get(Cote.REGION),
        avis_divergents=avis_divergents(*(a.sens for a in avis.values())),
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
