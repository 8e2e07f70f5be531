"""Structures porteuses: creation, changes, membership and invitations by e-mail."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cper.comptes.enums import Role
from cper.effets import differer
from dossiers.acces import perimetre
from dossiers.models import DemandeAdhesion, Invitation, MembreStructure, Structure

logger = logging.getLogger(__name__)

SEL_INVITATION = "dossiers.invitation"

CHAMPS_MODIFIABLES = [
    "raison_sociale",
    "categorie",
    "adresse",
    "commune",
    "representant_nom",
    "representant_qualite",
]


class InvitationRefusee(Exception):
    """The invitation cannot be used by this user; the message says why, in French."""


def structures_de(user):
    """The structures the user belongs to (the `administrateur` flag annotated)."""
    return (
        Structure.objects.filter(adhesions__user=user)
        .select_related("commune")
        .annotate(
            est_administrateur=Exists(
                MembreStructure.objects.filter(
                    structure=OuterRef("pk"), user=user, administrateur=True
                )
            )
        )
    )


def _ajouter_membre(structure: Structure, user, *, administrateur: bool) -> MembreStructure:
    membre, cree = MembreStructure.objects.get_or_create(
        structure=structure, user=user, defaults={"administrateur": administrateur}
    )
    if not cree and administrateur and not membre.administrateur:
        membre.administrateur = True
        membre.save(update_fields=["administrateur"])
    return membre


@transaction.atomic
def structure_creer(*, par, structure: Structure) -> Structure:
    """Save a new structure (from a validated form) with its creator as administrator."""
    if not par.a_le_role(Role.PORTEUR):
        raise PermissionError("Seul un porteur de projet peut créer une structure.")
    structure.save()
    _ajouter_membre(structure, par, administrateur=True)
    logger.info("Structure %s créée par le compte %s", structure.pk, par.pk)
    return structure


@transaction.atomic
def structure_modifier(*, structure: Structure, par) -> Structure:
    """Save the changes of an administrator; the SIRET (and so the group) never changes."""
    if not MembreStructure.objects.filter(
        structure=structure, user=par, administrateur=True
    ).exists():
        raise PermissionError("Seul un administrateur de la structure peut la modifier.")
    structure.save(update_fields=CHAMPS_MODIFIABLES)
    logger.info("Structure %s modifiée par le compte %s", structure.pk, par.pk)
    return structure


class RetraitImpossible(Exception):
    """The member cannot be removed; the message says why, in French."""


@transaction.atomic
def structure_retirer_membre(*, structure: Structure, par, membre: MembreStructure) -> None:
    """An administrator removes a member: every access to the structure's dossiers, pieces,
    messages, récépissés and relevés ends at once, since they all read this membership.

    The last administrator stays (a structure nobody can administer would be stuck).
    """
    if not MembreStructure.objects.filter(
        structure=structure, user=par, administrateur=True
    ).exists():
        raise PermissionDenied("Seul un administrateur de la structure peut retirer un membre.")
    # Lock the structure's memberships: two administrators removing each other at once must
    # not leave the structure without one.
    adhesions = list(
        MembreStructure.objects.select_for_update().filter(structure=structure).order_by("pk")
    )
    cible = next((a for a in adhesions if a.pk == membre.pk), None)
    if cible is None:
        raise RetraitImpossible("Cette personne n'est plus membre de la structure.")
    if cible.administrateur and sum(a.administrateur for a in adhesions) == 1:
        raise RetraitImpossible(
            "C'est le dernier administrateur de la structure : désignez-en un autre (en "
            "l'invitant comme administrateur) avant de le retirer."
        )
    cible.delete()
    logger.info(
        "Membre %s (compte %s) retiré de la structure %s par le compte %s",
        cible.pk,
        cible.user_id,
        structure.pk,
        par.pk,
    )


# --- invitations ----------------------------------------------------------------------------


def jeton_invitation(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=SEL_INVITATION)


def invitation_du_jeton(jeton: str) -> Invitation | None:
    """The invitation a link names, or None if forged, expired, unknown or already used."""
    try:
        pk = signing.loads(jeton, salt=SEL_INVITATION, max_age=settings.DUREE_INVITATION)
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.select_related("structure", "invite_par")
        .filter(pk=pk, acceptee_le__isnull=True)
        .first()
    )


def invitations_en_cours(email: str):
    limite = timezone.now() - timedelta(seconds=settings.DUREE_INVITATION)
    return Invitation.objects.filter(
        email__iexact=email, acceptee_le__isnull=True, created_at__gte=limite
    )


@transaction.atomic
def structure_inviter(*, structure: Structure, par, email: str, administrateur: bool) -> Invitation:
    """An administrator invites a colleague; the e-mail leaves after commit."""
    if not MembreStructure.objects.filter(
        structure=structure, user=par, administrateur=True
    ).exists():
        raise PermissionError("Seul un administrateur de la structure peut inviter.")
    # Lock the structure so that parallel requests cannot all pass the daily cap.
    Structure.objects.select_for_update().filter(pk=structure.pk).first()
    if (
        structure.invitations.filter(created_at__gte=timezone.now() - timedelta(days=1)).count()
        >= settings.INVITATIONS_PAR_JOUR_ET_STRUCTURE
    ):
        raise InvitationRefusee(
            f"Cette structure a déjà envoyé {settings.INVITATIONS_PAR_JOUR_ET_STRUCTURE} "
            "invitations depuis 24 heures : réessayez demain."
        )
    invitation = Invitation.objects.create(
        structure=structure, email=email.lower(), administrateur=administrateur, invite_par=par
    )
    logger.info("Invitation %s à la structure %s", invitation.pk, structure.pk)
    differer("dossiers.tasks.envoyer_invitation", invitation.pk, cle=f"invitation:{invitation.pk}")
    return invitation


@transaction.atomic
def invitation_accepter(*, invitation: Invitation, par) -> MembreStructure:
    """The invited person joins the structure; the link then stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.acceptee_le is not None:
        raise InvitationRefusee("Cette invitation a déjà été utilisée.")
    if invitation.email.lower() != par.email.lower():
        raise InvitationRefusee(
            f"Cette invitation a été envoyée à {invitation.email} : connectez-vous avec cette "
            "adresse pour l'accepter."
        )
    if not par.a_le_role(Role.PORTEUR):
        raise InvitationRefusee(
            "Seuls les comptes de porteur de projet peuvent rejoindre une structure porteuse."
        )
    membre = _ajouter_membre(invitation.structure, par, administrateur=invitation.administrateur)
    invitation.acceptee_le = timezone.now()
    invitation.acceptee_par = par
    invitation.save(update_fields=["acceptee_le", "acceptee_par"])
    logger.info("Invitation %s acceptée par le compte %s", invitation.pk, par.pk)
    return membre


def rejoindre_structures_invitees(sender, user, **kwargs) -> None:
    """On sign-up confirmation, the address is proven: accept the invitations sent to it."""
    for invitation in invitations_en_cours(user.email):
        invitation_accepter(invitation=invitation, par=user)


def invitations_en_cours_de(structure: Structure):
    limite = timezone.now() - timedelta(seconds=settings.DUREE_INVITATION)
    return structure.invitations.filter(acceptee_le__isnull=True, created_at__gte=limite)


# --- verification and requests to join -------------------------------------------------------


class AdhesionImpossible(Exception):
    """The request to join cannot be made or decided; the message says why, in French."""


def est_agent_d_un_guichet_de(structure: Structure, user) -> bool:
    """An agent of a guichet where the structure filed at least one dossier (its scope)."""
    return perimetre("guichet", user).filter(structure=structure).exists()


def est_administrateur_de(structure: Structure, user) -> bool:
    return MembreStructure.objects.filter(
        structure=structure, user=user, administrateur=True
    ).exists()


def peut_decider_adhesion(structure: Structure, user) -> bool:
    return est_administrateur_de(structure, user) or est_agent_d_un_guichet_de(structure, user)


@transaction.atomic
def structure_verifier(*, structure: Structure, par, motif: str = "") -> bool:
    """A guichet agent confirms that the structure is who it claims (SIRET, representative).

    False when it already was. Only an agent of a guichet where it filed may do it.
    """
    if not est_agent_d_un_guichet_de(structure, par):
        raise PermissionDenied
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    if structure.verifiee_le is not None:
        return False
    structure.verifiee_le = timezone.now()
    structure.verifiee_par = par
    structure.save(update_fields=["verifiee_le", "verifiee_par"])
    logger.info(
        "Structure %s vérifiée par le compte %s%s",
        structure.pk,
        par.pk,
        f" ({motif})" if motif else "",
    )
    return True


@transaction.atomic
def structure_demander_adhesion(*, structure: Structure, par) -> DemandeAdhesion:
    """Someone who entered an existing SIRET asks to join; the deciders are told by e-mail."""
    if not par.a_le_role(Role.PORTEUR):
        raise PermissionDenied
    if MembreStructure.objects.filter(structure=structure, user=par).exists():
        raise AdhesionImpossible("Vous êtes déjà membre de cette structure.")
    Structure.objects.select_for_update().filter(pk=structure.pk).first()
    en_cours = DemandeAdhesion.objects.filter(
        structure=structure, demandeur=par, decidee_le__isnull=True
    ).first()
    if en_cours is not None:
        return en_cours
    demande = DemandeAdhesion.objects.create(structure=structure, demandeur=par)
    logger.info(
        "Demande d'adhésion %s du compte %s à la structure %s",
        demande.pk,
        par.pk,
        structure.pk,
    )
    differer("dossiers.tasks.envoyer_demande_adhesion", demande.pk)
    return demande


@transaction.atomic
def structure_decider_adhesion(*, demande: DemandeAdhesion, par, accepter: bool) -> DemandeAdhesion:
    """An administrator of the structure, or an agent of one of its guichets, accepts (the
    person becomes a member) or refuses; the person is told by e-mail either way."""
    demande = (
        DemandeAdhesion.objects.select_for_update().select_related("structure").get(pk=demande.pk)
    )
    if not peut_decider_adhesion(demande.structure, par):
        raise PermissionDenied
    if demande.decidee_le is not None:
        raise AdhesionImpossible("Cette demande a déjà été traitée.")
    demande.acceptee = accepter
    demande.decidee_le = timezone.now()
    demande.decidee_par = par
    demande.save(update_fields=["acceptee", "decidee_le", "decidee_par"])
    if accepter:
        _ajouter_membre(demande.structure, demande.demandeur, administrateur=False)
    logger.info(
        "Demande d'adhésion %s %s par le compte %s",
        demande.pk,
        "acceptée" if accepter else "refusée",
        par.pk,
    )
    differer("dossiers.tasks.envoyer_decision_adhesion", demande.pk)
    return demande


def demandes_adhesion_en_cours(structure: Structure):
    return structure.demandes_adhesion.filter(decidee_le__isnull=True).select_related("demandeur")
