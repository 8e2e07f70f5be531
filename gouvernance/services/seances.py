"""Every write of the instance de pilotage: séances, agenda, decisions, closing, what-if.

Each service: access check → state check → save → log → side effects after commit.
PermissionDenied means "not for this user"; TransitionNotAllowed and ConcurrentTransition mean
the séance or the dossier has moved on (views say "Action déjà effectuée").
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from cper.effets import differer
from dossiers import agregats
from dossiers.models import Dossier
from gouvernance.enums import EtatSeance, SensDecision
from gouvernance.models import (
    Decision,
    Deport,
    MontantProgramme,
    MontantSimule,
    PointOrdreDuJour,
    Presence,
    Seance,
)
from gouvernance.selectors import instances
from gouvernance.selectors import seances as selectors
from instruction.models import DemandeArbitrage
from instruction.selectors import plan_compare

TRANSITIONS = {
    SensDecision.PROGRAMME: "programmer",
    SensDecision.AJOURNE: "ajourner",
    SensDecision.REJETE: "rejeter",
}


class ConflitInterets(PermissionDenied):
    """The member belongs to the structure that carries the dossier or declared an interest."""


def _exiger_quorum(seance, *, deportes: int = 0) -> None:
    quorum = instances.quorum(seance)
    if not quorum.atteint or quorum.presents - deportes < quorum.requis:
        raise ValidationError(quorum.message(deportes=deportes))


def _exiger_secretariat(user) -> None:
    if not selectors.est_secretariat(user):
        raise PermissionDenied


def _verrouiller(seance, *etats) -> Seance:
    # Lock the séance row: two members acting at once see each other's work.
    seance = Seance.objects.select_for_update().get(pk=seance.pk)
    if seance.etat not in etats:
        raise TransitionNotAllowed("La séance a changé d'état.")
    return seance


@transaction.atomic
def seance_creer(*, par, date, lieu: str) -> Seance:
    """The secretariat opens a séance of the instance de pilotage, in preparation."""
    _exiger_secretariat(par)
    return Seance.objects.create(
        instance=selectors.instance_pilotage(), date=date, lieu=lieu, creee_par=par
    )


@transaction.atomic
def ordre_du_jour_enregistrer(*, seance, par, dossiers: list[tuple[int, int]]) -> int:
    """Replace the agenda of a séance in preparation with (dossier pk, order) pairs.

    Only instruit dossiers that no other séance is about to decide on may be put on it.
    """
    _exiger_secretariat(par)
    seance = _verrouiller(seance, EtatSeance.PREPARATION)
    choisis = [pk for pk, _ in dossiers]
    # Lock the chosen dossiers first, then check them in a statement of its own: it sees what
    # another séance committed while this one waited for the locks.
    list(Dossier.objects.filter(pk__in=choisis).order_by("pk").select_for_update().values("pk"))
    permis = set(
        selectors.dossiers_inscriptibles(seance).filter(pk__in=choisis).values_list("pk", flat=True)
    )
    refuses = set(choisis) - permis
    if refuses:
        raise ValidationError(
            "Seuls les dossiers instruits qui ne sont pas déjà inscrits à une autre séance "
            "peuvent être portés à l'ordre du jour."
        )
    seance.points.all().delete()
    rangs = sorted(dossiers, key=lambda paire: (paire[1], paire[0]))
    PointOrdreDuJour.objects.bulk_create(
        PointOrdreDuJour(seance=seance, dossier_id=pk, ordre=rang)
        for rang, (pk, _) in enumerate(rangs, start=1)
    )
    return len(rangs)


@transaction.atomic
def seance_convoquer(*, seance, par) -> Seance:
    """Freeze the agenda and send each member the convocation with the agenda in PDF."""
    _exiger_secretariat(par)
    seance = _verrouiller(seance, EtatSeance.PREPARATION)
    if not seance.points.exists():
        raise ValidationError("L'ordre du jour est vide : ajoutez au moins un dossier.")
    seance.etat = EtatSeance.CONVOQUEE
    seance.save(update_fields=["etat"])
    differer("gouvernance.tasks.convoquer", seance.pk, cle=f"convocation:{seance.pk}")
    return seance


@transaction.atomic
def decision_prendre(
    *, point, par, sens: str, motif: str = "", montants: dict | None = None
) -> Decision:
    """Record the decision on one item and fire the dossier's transition.

    Amounts are programmed per financeur of the financing plan, never above what was requested;
    adjourning or rejecting needs a motive.
    """
    _exiger_secretariat(par)
    point = PointOrdreDuJour.objects.select_for_update().get(pk=point.pk)
    seance = Seance.objects.get(pk=point.seance_id)
    if seance.etat != EtatSeance.CONVOQUEE or Decision.objects.filter(point=point).exists():
        raise TransitionNotAllowed("La décision est déjà prise ou la séance n'est pas ouverte.")
    dossier = Dossier.objects.select_related("structure").get(pk=point.dossier_id)
    if selectors.en_conflit(par, dossier):
        raise ConflitInterets
    # Present members with an interest in the dossier take no part in its decision: they are
    # recorded as withdrawn, and the quorum is counted without them.
    presents = {p.user_id: p for p in Presence.objects.filter(seance=seance)}
    deports = [
        (user, pourquoi)
        for user, pourquoi in instances.conflits([dossier.pk], instance=seance.instance_id).get(
            dossier.pk, []
        )
        if user.pk in presents
    ]
    _exiger_quorum(seance, deportes=sum(1 for u, _ in deports if presents[u.pk].votant))
    motif = (motif or "").strip()
    if sens != SensDecision.PROGRAMME and not motif:
        raise ValidationError(
            {"motif": "Le motif est obligatoire pour un ajournement ou un rejet."}
        )
    montants = {k: v for k, v in (montants or {}).items() if v is not None}
    if sens == SensDecision.PROGRAMME:
        plafonds = selectors.plafonds(dossier)
        erreurs = {}
        for financeur_id, montant in montants.items():
            if financeur_id not in plafonds:
                erreurs[f"montant_{financeur_id}"] = (
                    "Ce financeur n'est pas au plan de financement."
                )
            elif montant < 0 or montant > plafonds[financeur_id]:
                erreurs[f"montant_{financeur_id}"] = (
                    "Le montant programmé ne peut pas dépasser le montant demandé."
                )
        if erreurs:
            raise ValidationError(erreurs)
        if not any(m > 0 for m in montants.values()):
            raise ValidationError("Indiquez au moins un montant programmé.")
    methode = getattr(dossier, TRANSITIONS[SensDecision(sens)])
    if not can_proceed(methode):
        raise TransitionNotAllowed(
            "Le dossier n'est plus instruit.", object=dossier, method=methode
        )
    if not has_transition_perm(methode, par):
        raise PermissionDenied
    decision = Decision.objects.create(point=point, sens=sens, motif=motif, decidee_par=par)
    Deport.objects.bulk_create(
        Deport(point=point, user=user, motif=pourquoi[:255]) for user, pourquoi in deports
    )
    # The decision settles the arbitration the groupe technique asked for.
    DemandeArbitrage.objects.filter(dossier=dossier, tranchee_le__isnull=True).update(
        tranchee_le=timezone.now()
    )
    if sens == SensDecision.PROGRAMME:
        MontantProgramme.objects.bulk_create(
            MontantProgramme(decision=decision, financeur_id=f, montant=m)
            for f, m in montants.items()
            if m > 0
        )
    # The transition comes after the decision's rows: the event it publishes
    # (`dossier.programmer`, cper.evenements) carries the programmed amounts.
    methode(by=par, description=motif or f"Programmé en séance du {seance.date:%d/%m/%Y}")
    dossier.save()
    # The state changed (programmé, ajourné, rejeté) and maybe the programmed amounts.
    agregats.recalculer_dossier(dossier.pk)
    return decision


def decisions_programmer_restants(*, seance, par) -> tuple[int, list[str]]:
    """Programme every item still undecided at the suggested amounts (one transaction each).

    Items the user is in conflict with, or with no proposed amount, are left for a decision of
    their own; their numbers are returned.
    """
    _exiger_secretariat(par)
    _exiger_quorum(seance)
    points = list(
        selectors.points_sans_decision(seance).select_related("dossier").order_by("ordre")
    )
    montants = plan_compare([p.dossier_id for p in points])
    faits, laisses = 0, []
    for point in points:
        proposes = {
            ligne["financeur_id"]: ligne["propose"]
            for ligne in montants.get(point.dossier_id, [])
            if ligne["demande"] is not None and ligne["propose"]
        }
        if not proposes:
            laisses.append(point.dossier.numero)
            continue
        try:
            decision_prendre(point=point, par=par, sens=SensDecision.PROGRAMME, montants=proposes)
            faits += 1
        except (ConflitInterets, ValidationError):
            # In conflict, or short of the quorum once the members in conflict withdrew.
            laisses.append(point.dossier.numero)
        except TransitionNotAllowed:
            # Decided meanwhile by someone else: nothing to do.
            continue
    return faits, laisses


@transaction.atomic
def seance_clore(*, seance, par) -> Seance:
    """Close a séance whose every item is decided; the relevé and the porteurs' notices follow."""
    _exiger_secretariat(par)
    seance = _verrouiller(seance, EtatSeance.CONVOQUEE)
    _exiger_quorum(seance)
    if selectors.points_sans_decision(seance).exists():
        raise ValidationError("Chaque point de l'ordre du jour doit avoir sa décision.")
    seance.etat = EtatSeance.CLOSE
    seance.close_le = timezone.now()
    seance.save(update_fields=["etat", "close_le"])
    differer("gouvernance.tasks.cloturer", seance.pk, cle=f"cloture:{seance.pk}")
    return seance


@transaction.atomic
def simulation_enregistrer(*, seance, par, montants: dict) -> int:
    """Store provisional amounts {(point pk, financeur pk): amount or None}; decides nothing."""
    _exiger_secretariat(par)
    seance = _verrouiller(seance, EtatSeance.PREPARATION, EtatSeance.CONVOQUEE)
    points = set(seance.points.values_list("pk", flat=True))
    if any(point_id not in points for point_id, _ in montants):
        raise PermissionDenied
    MontantSimule.objects.filter(point__seance=seance).delete()
    crees = MontantSimule.objects.bulk_create(
        MontantSimule(point_id=point_id, financeur_id=financeur_id, montant=montant)
        for (point_id, financeur_id), montant in montants.items()
        if montant is not None
    )
    return len(crees)
