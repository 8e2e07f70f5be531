"""What the execution services share: locks, access checks, files, the end of a dossier."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from cper.televersement.controle import FichierControle, controler
from cper.televersement.enums import Usage
from dossiers import agregats
from dossiers.enums import EtatDossier
from dossiers.models import Dossier
from dossiers.models.dossier import est_gestionnaire_du_dossier, est_porteur_du_dossier
from execution.acces import agit_pour
from execution.enums import DEBUT_DECRET_2018, EtatActe, Regime
from execution.models import Acte, DemandeVersement, PieceExecution

ZERO = Decimal("0.00")


class RegleNonRespectee(ValidationError):
    """A rule of the decrees or of the financeur refuses the request (French message)."""


def regime_du(dossier: Dossier) -> str:
    """Décret 99-1060 for a request filed before 1 October 2018, 2018-514 from that day."""
    depose = timezone.localdate(dossier.depose_le) if dossier.depose_le else timezone.localdate()
    return Regime.DECRET_2018 if depose >= DEBUT_DECRET_2018 else Regime.DECRET_1999


def verrouiller_dossier(dossier) -> Dossier:
    """Lock the dossier row: the payments of its acts and its transitions never interleave."""
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def verrouiller_acte(acte) -> Acte:
    return Acte.objects.select_for_update().select_related("financeur").get(pk=acte.pk)


def exiger_agent(par, dossier, financeur_id) -> None:
    """The user acts for that financeur, and the financeur carries out that dossier."""
    if not (agit_pour(par, financeur_id) and est_gestionnaire_du_dossier(dossier, par)):
        raise PermissionDenied


def exiger_porteur(par, dossier) -> None:
    if not est_porteur_du_dossier(dossier, par):
        raise PermissionDenied


def transition(dossier, nom: str, par, description: str) -> None:
    """Fire one of the dossier's transitions after its state and permission checks."""
    methode = getattr(dossier, nom)
    if not can_proceed(methode):
        raise TransitionNotAllowed(
            f"Le dossier est « {dossier.get_etat_display()} ».", object=dossier, method=methode
        )
    if not has_transition_perm(methode, par):
        raise PermissionDenied
    methode(by=par, description=description)
    dossier.save()


def verse(acte) -> Decimal:
    """What was paid under the act (the mandated payments), in the database."""
    return (
        DemandeVersement.objects.filter(acte=acte)
        .mandatees()
        .aggregate(total=Coalesce(Sum("montant_mandate"), ZERO))["total"]
    )


def controler_fichiers(fichiers, par) -> list[tuple[str, object, FichierControle]]:
    """Run the upload gate on (type, file) pairs before any transaction (alerts outlive it)."""
    return [
        (type_, fichier, controler(fichier, usage=Usage.PIECE, par=par))
        for type_, fichier in fichiers
        if fichier
    ]


def enregistrer_fichiers(controles, *, dossier, par, acte=None, demande=None) -> list:
    pieces = []
    for type_, fichier, controle in controles:
        piece = PieceExecution(
            dossier=dossier,
            acte=acte,
            demande=demande,
            type=type_,
            fichier=fichier,
            nom_original=controle.nom,
            type_mime=controle.format.type_mime,
            taille=controle.taille,
            sha256=controle.sha256,
            statut_antivirus=controle.statut_antivirus,
            deposee_par=par,
        )
        try:
            piece.save()
        except Exception:
            if piece.fichier.name:
                piece.fichier.storage.delete(piece.fichier.name)
            raise
        pieces.append(piece)
    return pieces


def pas_dans_le_futur(date: datetime.date, libelle: str) -> None:
    if date > timezone.localdate():
        raise RegleNonRespectee(f"La date {libelle} ne peut pas être dans le futur.")


def solder_si_fini(dossier: Dossier, par) -> bool:
    """The dossier is soldé once every act notified on it is settled (its solde handled)."""
    actes = Acte.objects.filter(dossier=dossier, etat=EtatActe.NOTIFIE)
    if (
        dossier.etat != EtatDossier.EN_COURS
        or not actes.exists()
        or actes.filter(solde_le__isnull=True).exists()
    ):
        return False
    transition(dossier, "solder", par, "Tous les soldes sont versés ou arrêtés.")
    return True


def recalculer(dossier: Dossier) -> None:
    agregats.recalculer_dossier(dossier.pk)
