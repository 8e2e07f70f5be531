"""Every write an agent or a porteur causes during instruction.

Each service: access check → transition → save → log → side effects after commit.
PermissionDenied means "not for this user" (views answer 404); TransitionNotAllowed and
ConcurrentTransition mean the dossier has moved on (views say "Action déjà effectuée").
"""

import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from cper.effets import differer
from cper.televersement.controle import controler
from cper.televersement.enums import Usage
from cper.templatetags.cper_tags import euros
from dossiers import agregats
from dossiers.enums import EtatDossier as E
from dossiers.models import DepotConjoint, Dossier, Piece
from dossiers.models.dossier import est_agent_du_guichet, est_instructeur_du_dossier
from dossiers.services.depot import guichets_proposes
from dossiers.services.structures import structure_verifier

from . import cofinancement, suivi
from .enums import Cote, TypeCourrier
from .models import (
    Affectation,
    Annotation,
    Avis,
    AvisCofinanceur,
    Courrier,
    DemandeArbitrage,
    DemandeComplements,
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
from .perimetres import dossiers_des_agents, guichets_de
from .selectors import collegues, cote_de, divergences


def _verifier(methode, user) -> None:
    """The dossier's state first (it may have moved on), then who may fire the transition."""
    if not can_proceed(methode):
        raise TransitionNotAllowed(
            "Transition non permise depuis cet état.", object=methode.__self__, method=methode
        )
    if not has_transition_perm(methode, user):
        raise PermissionDenied


def _recharger(dossier) -> Dossier:
    # Work on the committed state, so that a second agent's click sees the first one's.
    return Dossier.objects.select_related("guichet", "structure").get(pk=dossier.pk)


def _notifier_apres(dossier, evenement: str) -> None:
    # The key lets a task run again know it has already notified.
    cle = f"{evenement}:{uuid.uuid4().hex}"
    differer("instruction.tasks.notifier", dossier.pk, evenement, cle, cle=cle)


def _courrier(*, dossier, type: TypeCourrier, par, demande=None, motif: str = "") -> Courrier:
    """The letter's row in the service's transaction; its PDF is built in Celery after commit."""
    courrier = Courrier.objects.create(
        dossier=dossier, type=type, emis_par=par, demande=demande, motif=motif
    )
    differer("instruction.tasks.generer_courrier", courrier.pk, cle=f"courrier:{courrier.pk}")
    return courrier


def _router(*, dossier, par, groupe_technique, commentaire) -> Routage:
    """The new routing is the one in force: its group's members see and instruct the dossier."""
    Routage.objects.en_vigueur().filter(dossier=dossier).update(en_vigueur=False)
    routage = Routage.objects.create(
        dossier=dossier, groupe_technique=groupe_technique, par=par, commentaire=commentaire
    )
    suivi.tenir(dossier.pk)
    return routage


def _au_titre_de(dossier, par) -> str:
    """For a dépôt conjoint, the guichet the agent acts for, as the history names it."""
    conjoint = (
        DepotConjoint.objects.filter(dossier=dossier).values_list("guichet_id", flat=True).first()
    )
    if conjoint is None:
        return ""
    guichet = guichets_de(par).filter(pk__in=[dossier.guichet_id, conjoint]).first()
    return f"Pour le guichet « {guichet} ». " if guichet else ""


@transaction.atomic
def dossier_declarer_recevable(
    *, dossier, par, groupe_technique: GroupeTechnique, commentaire: str = ""
) -> Dossier:
    """The guichet finds the dossier complete and routes it to a groupe technique."""
    dossier = _recharger(dossier)
    _verifier(dossier.declarer_recevable, par)
    description = f"Routé vers {groupe_technique}. {commentaire}".strip()
    dossier.declarer_recevable(by=par, description=_au_titre_de(dossier, par) + description)
    dossier.save()
    if dossier.structure.verifiee_le is None:
        # Declaring a dossier recevable vouches for the structure that filed it.
        structure_verifier(
            structure=dossier.structure, par=par, motif=f"recevabilité du dossier {dossier.pk}"
        )
    agregats.recalculer_dossier(dossier.pk)
    _router(dossier=dossier, par=par, groupe_technique=groupe_technique, commentaire=commentaire)
    _courrier(dossier=dossier, type=TypeCourrier.ATTESTATION_COMPLET, par=par)
    _notifier_apres(dossier, "recevable")
    return dossier


@transaction.atomic
def dossier_rerouter(
    *, dossier, par, groupe_technique: GroupeTechnique, commentaire: str
) -> Routage:
    """The guichet sends a dossier in instruction to another groupe technique."""
    dossier = _recharger(dossier)
    if dossier.etat != E.EN_INSTRUCTION:
        raise TransitionNotAllowed("Le dossier n'est pas en instruction.")
    if not est_agent_du_guichet(dossier, par):
        raise PermissionDenied
    routage = _router(
        dossier=dossier, par=par, groupe_technique=groupe_technique, commentaire=commentaire
    )
    _notifier_apres(dossier, "recevable")
    return routage


@transaction.atomic
def dossier_declarer_irrecevable(*, dossier, par, motif: str) -> Dossier:
    """The guichet rejects the request as inadmissible; the motive is mandatory (CRPA L211-2)."""
    if not motif.strip():
        raise ValidationError("Le motif est obligatoire.")
    dossier = _recharger(dossier)
    if dossier.etat != E.DEPOSE:
        # An incomplete dossier is closed once its deadline passed: dossier_clore_incomplet.
        raise TransitionNotAllowed("Le dossier n'est plus en attente de recevabilité.")
    _verifier(dossier.declarer_irrecevable, par)
    dossier.declarer_irrecevable(by=par, description=motif)
    dossier.save()
    agregats.recalculer_dossier(dossier.pk)
    _courrier(dossier=dossier, type=TypeCourrier.IRRECEVABILITE, par=par, motif=motif)
    _notifier_apres(dossier, "irrecevable")
    return dossier


class EcheanceNonDepassee(ValidationError):
    pass


ISSUES_CLOTURE = {"classement": "classer_sans_suite", "irrecevable": "declarer_irrecevable"}


@transaction.atomic
def dossier_clore_incomplet(*, dossier, par, issue: str, motif: str) -> Dossier:
    """Close an incomplete dossier whose complements deadline has passed, with a motive.

    `issue`: « classement » (classement sans suite) or « irrecevable » (irrecevable after
    complements, only while the recevabilité was still pending). The porteur is told.
    """
    if issue not in ISSUES_CLOTURE:
        raise ValidationError("Choisissez le classement sans suite ou l'irrecevabilité.")
    if not motif.strip():
        raise ValidationError("Le motif est obligatoire.")
    dossier = _recharger(dossier)
    if dossier.etat != E.INCOMPLET:
        raise TransitionNotAllowed("Le dossier n'attend plus de compléments.")
    if not est_agent_du_guichet(dossier, par):
        raise PermissionDenied
    demande = DemandeComplements.objects.filter(dossier=dossier).en_attente().first()
    if demande is not None and demande.echeance >= timezone.localdate():
        raise EcheanceNonDepassee(
            f"Le porteur a jusqu'au {demande.echeance:%d/%m/%Y} pour répondre : le dossier ne "
            "peut être clos qu'une fois cette échéance dépassée."
        )
    methode = getattr(dossier, ISSUES_CLOTURE[issue])
    if not can_proceed(methode):
        raise ValidationError(
            "L'irrecevabilité n'est plus possible : le dossier avait été déclaré recevable avant "
            "la demande de compléments. Classez-le sans suite."
        )
    _verifier(methode, par)
    methode(by=par, description=motif.strip())
    dossier.save()
    agregats.recalculer_dossier(dossier.pk)
    if demande is not None:
        demande.close_le = timezone.now()
        demande.save(update_fields=["close_le"])
        suivi.tenir(dossier.pk)
    _courrier(
        dossier=dossier,
        type=TypeCourrier.IRRECEVABILITE if issue == "irrecevable" else TypeCourrier.CLASSEMENT,
        par=par,
        demande=demande,
        motif=motif.strip(),
    )
    _notifier_apres(dossier, "irrecevable" if issue == "irrecevable" else "classe_sans_suite")
    return dossier


@transaction.atomic
def dossier_demander_complements(
    *, dossier, par, motif: str, pieces: list[str], echeance
) -> DemandeComplements:
    """Ask the porteur for missing pieces or information, with a deadline."""
    if echeance <= timezone.localdate():
        raise ValidationError("L'échéance doit être postérieure à aujourd'hui.")
    dossier = _recharger(dossier)
    _verifier(dossier.demander_complements, par)
    origine = dossier.etat
    dossier.demander_complements(by=par, description=motif)
    dossier.save()
    agregats.recalculer_dossier(dossier.pk)
    demande = DemandeComplements.objects.create(
        dossier=dossier,
        motif=motif,
        pieces_demandees=list(pieces),
        echeance=echeance,
        demandee_par=par,
        etat_origine=origine,
    )
    suivi.tenir(dossier.pk)
    _courrier(dossier=dossier, type=TypeCourrier.DEMANDE_PIECES, par=par, demande=demande)
    _notifier_apres(dossier, "complements_demandes")
    return demande


def dossier_completer(*, dossier, par, reponse: str, pieces=()) -> Dossier:
    """The porteur answers the open request; the dossier goes back to where it was."""
    # The upload gate runs before the transaction: an antivirus alert outlives the refusal.
    controles = [
        (type_piece, fichier, controler(fichier, usage=Usage.PIECE, par=par))
        for type_piece, fichier in pieces
    ]
    ecrits: list = []
    try:
        return _dossier_completer(
            dossier=dossier, par=par, reponse=reponse, controles=controles, ecrits=ecrits
        )
    except Exception:
        _effacer(ecrits)
        raise


@transaction.atomic
def _dossier_completer(*, dossier, par, reponse: str, controles, ecrits) -> Dossier:
    dossier = _recharger(dossier)
    _verifier(dossier.completer, par)
    demande = (
        DemandeComplements.objects.select_for_update()
        .filter(dossier=dossier, repondue_le__isnull=True)
        .first()
    )
    for type_piece, fichier, controle in controles:
        piece = Piece(
            dossier=dossier,
            type=type_piece,
            nom_original=controle.nom,
            type_mime=controle.format.type_mime,
            taille=controle.taille,
            sha256=controle.sha256,
            statut_antivirus=controle.statut_antivirus,
            deposee_par=par,
        )
        _stocker(piece, fichier, ecrits)
    dossier.completer(by=par, description=reponse[:500])
    dossier.save()
    agregats.recalculer_dossier(dossier.pk)
    if demande is not None:
        demande.reponse = reponse
        demande.repondue_par = par
        demande.repondue_le = timezone.now()
        demande.save(update_fields=["reponse", "repondue_par", "repondue_le"])
        suivi.tenir(dossier.pk)
    _notifier_apres(dossier, "complete")
    return dossier


def _stocker(objet, fichier, ecrits: list) -> None:
    """Write the file under a name of ours, then the row; `ecrits` lists what went to disk."""
    objet.fichier.save("televersement", fichier, save=False)
    ecrits.append((objet.fichier.storage, objet.fichier.name))
    objet.save()


def _effacer(ecrits: list) -> None:
    """The transaction failed: the files it wrote leave the disk with it."""
    for stockage, nom in ecrits:
        stockage.delete(nom)


@transaction.atomic
def avis_donner(*, dossier, par, sens: str, motivation: str, montants: dict) -> Avis:
    """Give or change the avis of the instructor's side, with proposed amounts per financeur."""
    # Lock the dossier row: an avis cannot change while someone concludes.
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    if dossier.etat != E.EN_INSTRUCTION:
        raise TransitionNotAllowed("L'instruction est close ou suspendue.")
    cote = cote_de(par, dossier)
    if cote is None or not est_instructeur_du_dossier(dossier, par):
        raise PermissionDenied
    avant = Avis.objects.filter(dossier=dossier, cote=cote).first()
    montants_avant = _montants_avis(avant)
    avis, _ = Avis.objects.update_or_create(
        dossier=dossier,
        cote=cote,
        defaults={"sens": sens, "motivation": motivation, "donne_par": par},
    )
    avis.montants.all().delete()
    MontantPropose.objects.bulk_create(
        MontantPropose(avis=avis, financeur_id=financeur_id, montant=montant)
        for financeur_id, montant in montants.items()
        if montant is not None and montant >= Decimal(0)
    )
    _historiser(avis, par=par, avant=avant, montants_avant=montants_avant)
    agregats.recalculer_dossier(dossier.pk)
    suivi.tenir(dossier.pk)
    _notifier_apres(dossier, f"avis_{cote}")
    return avis


def _montants_avis(avis) -> dict[str, Decimal]:
    if avis is None:
        return {}
    return {m.financeur.nom: m.montant for m in avis.montants.select_related("financeur")}


def _changements(avant, apres, montants_avant: dict, montants_apres: dict) -> list[str]:
    """What an edit of an avis changed, in French, from the previous version (or none)."""
    changements = []
    if avant is None:
        changements.append(f"Avis donné : {apres.get_sens_display()}")
    else:
        if avant.sens != apres.sens:
            changements.append(f"Sens : {avant.get_sens_display()} → {apres.get_sens_display()}")
        if avant.motivation != apres.motivation:
            changements.append("Motivation modifiée")
    for nom in sorted(set(montants_avant) | set(montants_apres)):
        ancien, nouveau = montants_avant.get(nom), montants_apres.get(nom)
        if ancien != nouveau:
            changements.append(f"Montant proposé — {nom} : {euros(ancien)} → {euros(nouveau)}")
    return changements or ["Enregistré sans modification"]


def _historiser(avis, *, par, avant, montants_avant) -> HistoriqueAvis:
    """Keep this edit of the avis with what changed since the previous one."""
    apres = _montants_avis(avis)
    return HistoriqueAvis.objects.create(
        dossier_id=avis.dossier_id,
        cote=avis.cote,
        par=par,
        sens=avis.sens,
        motivation=avis.motivation,
        montants={nom: str(montant) for nom, montant in apres.items()},
        changements=_changements(avant, avis, montants_avant, apres),
    )


@transaction.atomic
def avis_cofinanceur_donner(
    *, dossier, par, sens: str, motivation: str, montant=None
) -> AvisCofinanceur:
    """An agent of a co-financing signatory gives or changes its optional avis.

    Only on a dossier whose financing plan names its financeur, while it is instructed; the
    conclusion never waits for it. Each edit is kept like the État and Région ones.
    """
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    financeur = cofinancement.financeur_du_dossier(par, dossier)
    if (
        financeur is None
        or not cofinancement.dossiers_cofinances(par).filter(pk=dossier.pk).exists()
    ):
        raise PermissionDenied
    if dossier.etat != E.EN_INSTRUCTION:
        raise TransitionNotAllowed("L'instruction est close ou suspendue.")
    avant = AvisCofinanceur.objects.filter(dossier=dossier, financeur=financeur).first()
    montants_avant = {financeur.nom: avant.montant} if avant and avant.montant is not None else {}
    avis, _ = AvisCofinanceur.objects.update_or_create(
        dossier=dossier,
        financeur=financeur,
        defaults={"sens": sens, "motivation": motivation, "montant": montant, "donne_par": par},
    )
    apres = {financeur.nom: avis.montant} if avis.montant is not None else {}
    HistoriqueAvis.objects.create(
        dossier=dossier,
        financeur=financeur,
        par=par,
        sens=avis.sens,
        motivation=avis.motivation,
        montants={nom: str(m) for nom, m in apres.items()},
        changements=_changements(avant, avis, montants_avant, apres),
    )
    return avis


@transaction.atomic
def arbitrage_demander(*, dossier, par, motif: str) -> DemandeArbitrage:
    """The groupe technique asks the pilotage secretariat to arbitrate between its avis.

    Only when the avis diverge (direction or amounts), once at a time per dossier.
    """
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    if dossier.etat not in (E.EN_INSTRUCTION, E.INSTRUIT):
        raise TransitionNotAllowed("Le dossier n'est plus en instruction.")
    if cote_de(par, dossier) is None or not est_instructeur_du_dossier(dossier, par):
        raise PermissionDenied
    if DemandeArbitrage.objects.filter(dossier=dossier, tranchee_le__isnull=True).exists():
        raise TransitionNotAllowed("Un arbitrage est déjà demandé.")
    if not divergences(dossier).divergent:
        raise ValidationError(
            "Les avis de l'État et de la Région ne divergent pas : il n'y a rien à arbitrer."
        )
    return DemandeArbitrage.objects.create(dossier=dossier, demandee_par=par, motif=motif.strip())


class AvisManquant(ValidationError):
    pass


@transaction.atomic
def dossier_conclure_instruction(*, dossier, par, commentaire: str = "") -> Dossier:
    """Close the joint instruction; both avis must have been given."""
    dossier = _recharger(dossier)
    _verifier(dossier.conclure_instruction, par)
    cotes = set(Avis.objects.filter(dossier=dossier).values_list("cote", flat=True))
    manquants = [c.label for c in Cote if c not in cotes]
    if manquants:
        raise AvisManquant(
            "L'instruction ne peut être conclue qu'avec les deux avis : il manque l'avis "
            + " et l'avis ".join(manquants)
            + "."
        )
    dossier.conclure_instruction(by=par, description=commentaire or "Instruction conclue")
    dossier.save()
    agregats.recalculer_dossier(dossier.pk)
    differer("instruction.tasks.generer_rapport_instruction", dossier.pk)
    _notifier_apres(dossier, "instruit")
    return dossier


def message_envoyer(*, dossier, par, texte: str, pieces_jointes=()) -> Message:
    """Post a message in the dossier's thread; the caller has fetched the dossier in scope."""
    # The upload gate runs before the transaction: an antivirus alert outlives the refusal.
    controles = [
        (fichier, controler(fichier, usage=Usage.PIECE_JOINTE, par=par))
        for fichier in pieces_jointes
    ]
    ecrits: list = []
    try:
        return _message_envoyer(
            dossier=dossier, par=par, texte=texte, controles=controles, ecrits=ecrits
        )
    except Exception:
        _effacer(ecrits)
        raise


@transaction.atomic
def _message_envoyer(*, dossier, par, texte: str, controles, ecrits) -> Message:
    de_l_administration = dossiers_des_agents(par).filter(pk=dossier.pk).exists()
    message = Message.objects.create(
        dossier=dossier, auteur=par, texte=texte, de_l_administration=de_l_administration
    )
    LectureMessage.objects.create(message=message, user=par)
    for fichier, controle in controles:
        pj = PieceJointe(
            message=message,
            nom_original=controle.nom,
            type_mime=controle.format.type_mime,
            taille=controle.taille,
            sha256=controle.sha256,
            statut_antivirus=controle.statut_antivirus,
        )
        _stocker(pj, fichier, ecrits)
    _notifier_apres(dossier, "message_agents" if de_l_administration else "message_porteur")
    return message


def messages_marquer_lus(*, messages, par) -> None:
    """Record that the user has read these messages (idempotent, one INSERT)."""
    LectureMessage.objects.bulk_create(
        [LectureMessage(message=message, user=par) for message in messages],
        ignore_conflicts=True,
    )


@transaction.atomic
def annotation_ajouter(*, dossier, par, texte: str) -> Annotation:
    """A private note; only agents in scope reach this service."""
    if not dossiers_des_agents(par).filter(pk=dossier.pk).exists():
        raise PermissionDenied
    return Annotation.objects.create(dossier=dossier, auteur=par, texte=texte)


@transaction.atomic
def dossier_affecter(*, dossier, par, agent) -> Affectation:
    """Hand the dossier to a colleague of the same guichet or groupe technique (`agent` None:
    to nobody). The previous assignment stays as the log; two agents at once are serialised
    on the dossier's row."""
    if not dossiers_des_agents(par).filter(pk=dossier.pk).exists():
        raise PermissionDenied
    if agent is not None and not collegues(par, dossier).filter(pk=agent.pk).exists():
        raise ValidationError("Ce dossier ne peut être confié qu'à un collègue du même service.")
    Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
    Affectation.objects.filter(dossier=dossier, en_cours=True).update(en_cours=False)
    affectation = Affectation.objects.create(dossier=dossier, agent=agent, par=par)
    if agent is not None and agent != par:
        cle = f"affecte:{affectation.pk}"
        differer("instruction.tasks.notifier_affectation", affectation.pk, cle, cle=cle)
    return affectation


def membre_ajouter(*, groupe_technique, user, cote: Cote) -> MembreGroupe:
    return MembreGroupe.objects.create(groupe_technique=groupe_technique, user=user, cote=cote)


# Before recevabilité the guichet that received the demand checks it; once it is declared
# recevable the groupe technique instructs it and the guichet no longer matters.
ETATS_TRANSFERABLES = (E.DEPOSE, E.INCOMPLET)


def _changer_de_guichet(dossier, de, vers) -> None:
    """The one place a filed dossier changes guichet. The scope is the relation itself
    (`instruction.perimetres`): moving `Dossier.guichet`, or the dépôt conjoint's row when the
    guichet left is the second one, is what changes who sees the dossier."""
    conjoint = DepotConjoint.objects.filter(dossier=dossier).first()
    if conjoint is not None and conjoint.guichet_id == de.pk:
        if vers.pk == dossier.guichet_id:
            conjoint.delete()
        else:
            DepotConjoint.objects.filter(pk=conjoint.pk).update(guichet=vers)
    else:
        Dossier.objects.filter(pk=dossier.pk).update(guichet=vers, updated_at=timezone.now())
        dossier.guichet = vers
        if conjoint is not None and conjoint.guichet_id == vers.pk:
            conjoint.delete()


@transaction.atomic
def dossier_transferer(*, dossier, par, guichet, motif: str) -> Transfert:
    """Send a dossier filed at the wrong guichet to the competent one; the porteur is told."""
    if not motif.strip():
        raise ValidationError("Le motif est obligatoire.")
    # Lock the row: a transfer and a decision on the dossier never interleave.
    dossier = (
        Dossier.objects.select_for_update(of=("self",)).select_related("guichet").get(pk=dossier.pk)
    )
    if not est_agent_du_guichet(dossier, par):
        raise PermissionDenied
    if dossier.etat not in ETATS_TRANSFERABLES:
        raise TransitionNotAllowed("Le dossier n'est plus au stade de la recevabilité.")
    conjoint = DepotConjoint.objects.filter(dossier=dossier).select_related("guichet").first()
    # The guichet the dossier leaves: the agent's own, the second one of a dépôt conjoint too.
    de = dossier.guichet
    if conjoint is not None and not guichets_de(par).filter(pk=dossier.guichet_id).exists():
        de = conjoint.guichet
    if guichet.pk == de.pk:
        raise ValidationError("Le dossier est déjà à ce guichet.")
    # The other guichet of the pair takes it alone; otherwise the pair stays a sous-préfecture
    # and the Conseil régional.
    autre = (
        None
        if conjoint is None
        else (conjoint.guichet_id if de.pk == dossier.guichet_id else dossier.guichet_id)
    )
    if conjoint is not None and guichet.type != de.type and guichet.pk != autre:
        raise ValidationError(
            "Ce dossier est déposé à la fois auprès d'une sous-préfecture et du Conseil "
            f"régional : il ne peut aller que vers un guichet du même type que « {de} »."
        )
    proposes, _ = guichets_proposes(dossier)
    if guichet.pk not in {g.pk for g in proposes}:
        raise ValidationError(
            f"Le guichet « {guichet} » n'est pas compétent pour ce projet : choisissez la "
            "sous-préfecture d'un arrondissement du projet ou le Conseil régional."
        )
    transfert = Transfert.objects.create(
        dossier=dossier,
        de=de,
        vers=guichet,
        de_nom=de.nom,
        vers_nom=guichet.nom,
        motif=motif.strip(),
        par=par,
    )
    _changer_de_guichet(dossier, de, guichet)
    agregats.recalculer_dossier(dossier.pk)
    _notifier_apres(dossier, "transfere")
    return transfert


@transaction.atomic
def dossier_verifier_structure(*, dossier, par) -> bool:
    """The guichet agent confirms, from the dossier, the structure that filed it."""
    dossier = _recharger(dossier)
    if not est_agent_du_guichet(dossier, par):
        raise PermissionDenied
    return structure_verifier(structure=dossier.structure, par=par, motif="confirmation")
