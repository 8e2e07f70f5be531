"""Payment requests per act: avance, acomptes, solde; their handling and payment; reversements.

The rules (décret 99-1060 and 2018-514, or the financeur's own): an avance up to the act's cap
(5 % or 30 % of the subsidy), then acomptes on the expenses made × the rate while the payments
stay within 80 % of the subsidy, then the solde on proof of completion: the expenses made × the
rate, capped at the subsidy, minus what was paid; below zero, a reversement is ordered.
"""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from cper import evenements
from cper.templatetags.cper_tags import euros
from cper.vues import DEJA_FAIT
from dossiers.enums import EtatDossier as E
from execution.enums import (
    EtatActe,
    EtatDemande,
    EtatReversement,
    TypePieceExecution,
    TypeVersement,
)
from execution.models import DemandeVersement, OrdreReversement

from .commun import (
    ZERO,
    RegleNonRespectee,
    controler_fichiers,
    enregistrer_fichiers,
    exiger_agent,
    exiger_porteur,
    pas_dans_le_futur,
    recalculer,
    solder_si_fini,
    verrouiller_acte,
    verrouiller_dossier,
    verse,
)

logger = logging.getLogger(__name__)
T = TypeVersement
D = EtatDemande

# The proof each kind of request needs.
PIECES_EXIGEES = {
    T.AVANCE: [],
    T.ACOMPTE: [TypePieceExecution.ETAT_RECAPITULATIF],
    T.SOLDE: [TypePieceExecution.ETAT_RECAPITULATIF, TypePieceExecution.PV_RECEPTION],
}


def calculer(acte, type_: str, *, deja_verse: Decimal, montant=None, depenses=None):
    """(montant demandé, trop-perçu) of a request under the act's rules, or RegleNonRespectee.

    Pure: the caller gives what was already paid; `montant` is what the porteur asks (an
    avance, an acompte: at most what the rules allow; None asks for all of it).
    """
    type_ = TypeVersement(type_)
    if type_ == T.AVANCE:
        if deja_verse > 0:
            raise RegleNonRespectee("L'avance se demande avant tout autre versement.")
        plafond = acte.avance_max
        if montant is None:
            montant = plafond
        if montant > plafond:
            raise RegleNonRespectee(
                f"L'avance ne peut pas dépasser {acte.avance_affichee} % de la subvention "
                f"({acte.get_regime_display()}), soit {euros(plafond)}."
            )
        if montant <= 0:
            raise RegleNonRespectee("Indiquez un montant d'avance supérieur à zéro.")
        return montant, ZERO
    if depenses is None or depenses < 0:
        raise RegleNonRespectee("Indiquez le montant des dépenses éligibles réalisées.")
    if depenses > acte.assiette * 10:
        raise RegleNonRespectee("Le montant des dépenses réalisées est hors de proportion.")
    justifie = acte.du_pour(depenses)
    if type_ == T.SOLDE:
        reste = justifie - deja_verse
        return (reste, ZERO) if reste >= 0 else (ZERO, -reste)
    # Acompte: within the expenses made × rate, and the payments within 80 % before the solde.
    plafond = acte.plafond_avant_solde
    possible = min(justifie, plafond) - deja_verse
    if montant is None:
        montant = possible
    if deja_verse + montant > plafond:
        raise RegleNonRespectee(
            f"Le cumul des versements avant le solde ne peut pas dépasser "
            f"{acte.plafond_affiche} % de la subvention, soit {euros(plafond)} "
            f"(déjà versé : {euros(deja_verse)})."
        )
    if montant > possible:
        raise RegleNonRespectee(
            f"Les dépenses réalisées ({euros(depenses)}) au taux de {acte.taux_affiche} % "
            f"justifient {euros(justifie)} : il reste au plus "
            f"{euros(max(possible, ZERO))} à demander."
        )
    if montant <= 0:
        raise RegleNonRespectee("Le montant demandé doit être supérieur à zéro.")
    return montant, ZERO


def demande_versement_deposer(
    *,
    acte,
    par,
    type: str,
    montant: Decimal | None = None,
    depenses: Decimal | None = None,
    commentaire: str = "",
    pieces=(),
) -> DemandeVersement:
    """The porteur asks for a payment under one act; `pieces` are (type, file) pairs."""
    controles = controler_fichiers(pieces, par)
    return _deposer(
        acte=acte,
        par=par,
        type_=TypeVersement(type),
        montant=montant,
        depenses=depenses,
        commentaire=commentaire,
        controles=controles,
    )


@transaction.atomic
def _deposer(*, acte, par, type_, montant, depenses, commentaire, controles):
    dossier = verrouiller_dossier(acte.dossier)
    acte = verrouiller_acte(acte)
    exiger_porteur(par, dossier)
    if dossier.etat != E.EN_COURS:
        raise RegleNonRespectee(
            "Un versement se demande une fois le commencement du projet déclaré."
            if dossier.etat == E.ATTRIBUE
            else f"Le dossier est « {dossier.get_etat_display()} » : plus de versement possible."
        )
    if acte.etat != EtatActe.NOTIFIE or acte.solde_le is not None:
        raise RegleNonRespectee("Cet acte n'ouvre pas de versement.")
    if DemandeVersement.objects.filter(acte=acte).ouvertes().exists():
        raise TransitionNotAllowed("Une demande de versement est déjà en cours pour cet acte.")
    if (
        type_ == T.AVANCE
        and DemandeVersement.objects.filter(acte=acte, type=T.AVANCE)
        .exclude(etat=D.REFUSEE)
        .exists()
    ):
        raise RegleNonRespectee("L'avance a déjà été demandée.")
    fournies = {type_piece for type_piece, _, _ in controles}
    manquantes = [t for t in PIECES_EXIGEES[type_] if t not in fournies]
    if manquantes:
        raise RegleNonRespectee(
            "Joignez : "
            + ", ".join(str(TypePieceExecution(t).label).lower() for t in manquantes)
            + "."
        )
    montant_demande, trop_percu = calculer(
        acte, type_, deja_verse=verse(acte), montant=montant, depenses=depenses
    )
    try:
        with transaction.atomic():
            demande = DemandeVersement.objects.create(
                acte=acte,
                type=type_,
                depenses=None if type_ == T.AVANCE else depenses,
                montant_demande=montant_demande,
                trop_percu=trop_percu,
                commentaire=(commentaire or "").strip(),
                deposee_par=par,
                deposee_le=timezone.now(),
            )
    except IntegrityError:
        raise TransitionNotAllowed("Une demande de versement est déjà en cours.") from None
    enregistrer_fichiers(controles, dossier=dossier, par=par, acte=acte, demande=demande)
    return demande


def _verrouiller_demande(demande, par, *etats) -> DemandeVersement:
    dossier = verrouiller_dossier(demande.acte.dossier)
    demande = (
        DemandeVersement.objects.select_for_update()
        .select_related("acte__financeur", "acte__dossier")
        .get(pk=demande.pk)
    )
    exiger_agent(par, dossier, demande.acte.financeur_id)
    if demande.etat not in etats:
        raise TransitionNotAllowed(f"La demande est « {demande.get_etat_display()} ».")
    demande.acte.dossier = dossier
    return demande


def _traiter(demande, par, etat, motif="") -> None:
    demande.etat = etat
    demande.motif = (motif or "").strip()
    demande.traitee_par = par
    demande.traitee_le = timezone.now()


@transaction.atomic
def demande_versement_accepter(
    *, demande, par, montant: Decimal | None = None, motif: str = ""
) -> DemandeVersement:
    """The financeur's agent accepts, possibly a lower amount with its motive.

    A solde below what was paid orders the excess back; a solde at zero settles the act.
    """
    demande = _verrouiller_demande(demande, par, D.DEPOSEE)
    montant = demande.montant_demande if montant is None else montant
    if not (0 <= montant <= demande.montant_demande):
        raise RegleNonRespectee(
            f"Le montant accepté doit être compris entre 0 et le montant demandé "
            f"({euros(demande.montant_demande)})."
        )
    if montant < demande.montant_demande and not (motif or "").strip():
        raise RegleNonRespectee("Motivez la réduction du montant.")
    if montant == 0 and demande.type != T.SOLDE:
        raise RegleNonRespectee("Pour ne rien verser, refusez la demande avec son motif.")
    _traiter(demande, par, D.ACCEPTEE, motif)
    demande.montant_accepte = montant
    demande.save()
    acte = demande.acte
    if demande.trop_percu > 0:
        OrdreReversement.objects.create(
            acte=acte,
            demande=demande,
            montant=demande.trop_percu,
            motif=(
                f"Solde : les dépenses réalisées ({euros(demande.depenses)}) justifient "
                f"{euros(acte.du_pour(demande.depenses))}, moins que les versements reçus."
            ),
            emis_par=par,
            emis_le=timezone.localdate(),
        )
    if demande.type == T.SOLDE and montant == 0:
        acte = verrouiller_acte(acte)
        acte.solde_le = timezone.localdate()
        acte.save(update_fields=["solde_le", "updated_at"])
        solder_si_fini(demande.acte.dossier, par)
        recalculer(demande.acte.dossier)
    return demande


@transaction.atomic
def demande_versement_demander_complements(*, demande, par, motif: str) -> DemandeVersement:
    demande = _verrouiller_demande(demande, par, D.DEPOSEE)
    if not (motif or "").strip():
        raise RegleNonRespectee("Indiquez les compléments attendus.")
    _traiter(demande, par, D.COMPLEMENTS, motif)
    demande.save()
    return demande


@transaction.atomic
def demande_versement_refuser(*, demande, par, motif: str) -> DemandeVersement:
    demande = _verrouiller_demande(demande, par, D.DEPOSEE, D.COMPLEMENTS)
    if not (motif or "").strip():
        raise RegleNonRespectee("Le motif du refus est obligatoire.")
    _traiter(demande, par, D.REFUSEE, motif)
    demande.save()
    return demande


def demande_versement_completer(
    *, demande, par, commentaire: str = "", pieces=()
) -> DemandeVersement:
    """The porteur answers a request for complements: the request goes back to the agent."""
    controles = controler_fichiers(pieces, par)
    return _completer(demande=demande, par=par, commentaire=commentaire, controles=controles)


@transaction.atomic
def _completer(*, demande, par, commentaire, controles):
    dossier = verrouiller_dossier(demande.acte.dossier)
    exiger_porteur(par, dossier)
    demande = DemandeVersement.objects.select_for_update().get(pk=demande.pk)
    if demande.etat != D.COMPLEMENTS:
        raise TransitionNotAllowed("La demande n'attend pas de compléments.")
    if not controles and not (commentaire or "").strip():
        raise RegleNonRespectee("Joignez un justificatif ou écrivez une réponse.")
    demande.etat = D.DEPOSEE
    if commentaire.strip():
        demande.commentaire = f"{demande.commentaire}\n\n{commentaire.strip()}".strip()
    demande.save()
    enregistrer_fichiers(controles, dossier=dossier, par=par, acte=demande.acte, demande=demande)
    return demande


@transaction.atomic
def versement_mandater(
    *, demande, par, mandate_le: datetime.date, montant: Decimal | None = None
) -> DemandeVersement:
    """Record the payment order of an accepted request (date, amount).

    The solde's payment settles the act; the last act settled makes the dossier soldé. Publishes
    `versement.mandate` for other systems.
    """
    demande = _verrouiller_demande(demande, par, D.ACCEPTEE)
    montant = demande.montant_accepte if montant is None else montant
    if demande.montant_accepte == 0:
        raise TransitionNotAllowed("Rien n'est à mandater sur cette demande.")
    if not (0 < montant <= demande.montant_accepte):
        raise RegleNonRespectee(
            f"Le montant mandaté doit être positif et au plus le montant accepté "
            f"({euros(demande.montant_accepte)})."
        )
    pas_dans_le_futur(mandate_le, "de mandatement")
    acte = demande.acte
    if mandate_le < acte.notifie_le:
        raise RegleNonRespectee(
            "Un versement ne peut pas être mandaté avant la notification de l'acte."
        )
    demandee_le = timezone.localdate(demande.deposee_le)
    if mandate_le < demandee_le:
        raise RegleNonRespectee(
            "Un versement ne peut pas être mandaté avant la date de sa demande "
            f"({demandee_le:%d/%m/%Y})."
        )
    demande.etat = D.MANDATEE
    demande.montant_mandate = montant
    demande.mandate_le = mandate_le
    demande.mandate_par = par
    demande.save()
    dossier = acte.dossier
    if demande.type == T.SOLDE:
        acte = verrouiller_acte(acte)
        acte.solde_le = mandate_le
        acte.save(update_fields=["solde_le", "updated_at"])
        solder_si_fini(dossier, par)
    evenements.publier(
        type="versement.mandate",
        objet=demande,
        donnees={
            "dossier": dossier.numero,
            "financeur": acte.financeur.code,
            "versement": demande.type,
            "montant": str(montant),
            "mandate_le": mandate_le.isoformat(),
        },
    )
    recalculer(dossier)
    return demande


def versements_mandater_en_lot(*, demandes, par, mandate_le: datetime.date) -> tuple[int, int]:
    """Mandate each selected accepted request at its accepted amount, one transaction each.

    Returns (done, already done or not allowed): one request moved on never stops the others.
    """
    faits = deja = 0
    for demande in demandes:
        try:
            versement_mandater(demande=demande, par=par, mandate_le=mandate_le)
            faits += 1
        except (*DEJA_FAIT, PermissionDenied, RegleNonRespectee):
            deja += 1
    return faits, deja


@transaction.atomic
def reversement_recouvrer(*, ordre, par, recouvre_le: datetime.date) -> OrdreReversement:
    """The financeur's agent records that the porteur paid back what was ordered."""
    ordre = OrdreReversement.objects.select_for_update().select_related("acte").get(pk=ordre.pk)
    dossier = verrouiller_dossier(ordre.acte.dossier)
    exiger_agent(par, dossier, ordre.acte.financeur_id)
    if ordre.etat != EtatReversement.EMIS:
        raise TransitionNotAllowed("Le reversement est déjà recouvré.")
    pas_dans_le_futur(recouvre_le, "de recouvrement")
    if recouvre_le < ordre.emis_le:
        raise RegleNonRespectee("Le recouvrement ne peut pas précéder l'émission de l'ordre.")
    ordre.etat = EtatReversement.RECOUVRE
    ordre.recouvre_le = recouvre_le
    ordre.save()
    recalculer(dossier)
    return ordre
