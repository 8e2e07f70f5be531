"""Writes about the members of the instances: seats, attendance, declared interests.

The secretariat of the instance de pilotage keeps the members of both instances; each member
declares their own interests.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from cper.comptes.enums import Role
from cper.comptes.roles import donner_role
from gouvernance.enums import EtatSeance, NatureInteret, RoleMembre, TypeInstance
from gouvernance.models import DeclarationInteret, MembreInstance, Presence, Seance
from gouvernance.selectors import instances as selectors
from gouvernance.selectors.seances import est_secretariat

ROLE_DE_L_INSTANCE = {
    TypeInstance.PILOTAGE: Role.MEMBRE_PILOTAGE,
    TypeInstance.CONCERTATION: Role.MEMBRE_CONCERTATION,
}


def _exiger_secretariat(user) -> None:
    if not est_secretariat(user):
        raise PermissionDenied


@transaction.atomic
def membre_ajouter(
    *, par, instance, user, role: str, financeur=None, departement=None, epci=None, pole=None
) -> MembreInstance:
    """Seat a person in an instance and give them the instance's role.

    At the pilotage, the présidence and the members represent a signatory; at the concertation,
    every member represents one territory (département, EPCI or pôle).
    """
    _exiger_secretariat(par)
    territoires = [t for t in (departement, epci, pole) if t is not None]
    erreurs = {}
    if len(territoires) > 1:
        erreurs["departement"] = "Choisissez un seul territoire : département, EPCI ou pôle."
    if instance.type == TypeInstance.CONCERTATION and not territoires:
        erreurs["departement"] = (
            "Un membre de l'instance de concertation représente un territoire : "
            "choisissez un département, un EPCI ou un pôle métropolitain."
        )
    if (
        instance.type == TypeInstance.PILOTAGE
        and role != RoleMembre.SECRETARIAT
        and financeur is None
    ):
        erreurs["financeur"] = "Indiquez le signataire que ce membre représente."
    if MembreInstance.objects.filter(instance=instance, user=user).exists():
        erreurs["email"] = "Cette personne est déjà membre de l'instance."
    if erreurs:
        raise ValidationError(erreurs)
    membre = MembreInstance.objects.create(
        instance=instance,
        user=user,
        role=role,
        financeur=financeur,
        departement=departement,
        epci=epci,
        pole=pole,
    )
    donner_role(user, ROLE_DE_L_INSTANCE[TypeInstance(instance.type)])
    return membre


@transaction.atomic
def membre_retirer(*, par, membre) -> None:
    """Remove a seat; the person loses the instance's role when it was their only seat there.

    The secretariat never removes its last member: nobody could run the séances any more.
    """
    _exiger_secretariat(par)
    membre = MembreInstance.objects.select_for_update().select_related("instance").get(pk=membre.pk)
    if (
        membre.role == RoleMembre.SECRETARIAT
        and membre.instance.type == TypeInstance.PILOTAGE
        and not MembreInstance.objects.filter(
            instance=membre.instance_id, role=RoleMembre.SECRETARIAT
        )
        .exclude(pk=membre.pk)
        .exists()
    ):
        raise ValidationError(
            "C'est le dernier membre du secrétariat : ajoutez-en un autre avant de le retirer."
        )
    type_ = membre.instance.type
    user = membre.user
    membre.delete()
    if not MembreInstance.objects.filter(user=user, instance__type=type_).exists():
        role = ROLE_DE_L_INSTANCE[TypeInstance(type_)]
        user.groups.remove(*Group.objects.filter(name=role))


def _votant(membre) -> bool:
    return membre.role in selectors.VOTANTS


@transaction.atomic
def presences_enregistrer(*, seance, par, presents, presidee_par=None) -> Seance:
    """Record who attended a convoked séance and who presided; the quorum is read from it.

    `presents` are users who are members of the instance; the présidence must be one of them.
    The seat of each is copied, so the relevé keeps it.
    """
    _exiger_secretariat(par)
    seance = Seance.objects.select_for_update().get(pk=seance.pk)
    if seance.etat != EtatSeance.CONVOQUEE:
        raise TransitionNotAllowed("La séance n'est pas en cours.")
    sieges = {
        m.user_id: m
        for m in selectors.membres(seance.instance_id).filter(user__in=[u.pk for u in presents])
    }
    if len(sieges) != len({u.pk for u in presents}):
        raise PermissionDenied
    if presidee_par is not None and presidee_par.pk not in sieges:
        raise ValidationError(
            {"presidee_par": "La personne qui préside doit être cochée parmi les présents."}
        )
    Presence.objects.filter(seance=seance).delete()
    Presence.objects.bulk_create(
        Presence(
            seance=seance,
            user_id=user_id,
            qualite=selectors.siege(membre),
            votant=_votant(membre),
        )
        for user_id, membre in sorted(
            sieges.items(), key=lambda s: (s[1].role != RoleMembre.PRESIDENCE, not _votant(s[1]))
        )
    )
    seance.presidee_par = presidee_par
    seance.presences_le = timezone.now()
    seance.save(update_fields=["presidee_par", "presences_le"])
    return seance


@transaction.atomic
def interet_declarer(
    *, par, nature: str, structure=None, commune=None, epci=None, departement=None, fonction=""
) -> DeclarationInteret:
    """A member of an instance declares one of their own interests."""
    if not MembreInstance.objects.filter(user=par).exists():
        raise PermissionDenied
    champ = {
        NatureInteret.STRUCTURE: ("structure", structure),
        NatureInteret.COMMUNE: ("commune", commune),
        NatureInteret.EPCI: ("epci", epci),
        NatureInteret.DEPARTEMENT: ("departement", departement),
    }[NatureInteret(nature)]
    if champ[1] is None:
        raise ValidationError("Indiquez ce que concerne cet intérêt.")
    return DeclarationInteret.objects.create(
        user=par, nature=nature, fonction=(fonction or "").strip(), **{champ[0]: champ[1]}
    )


@transaction.atomic
def interet_retirer(*, par, declaration) -> None:
    """A member withdraws one of their declarations (another person's: 404 in the view)."""
    if declaration.user_id != par.pk:
        raise PermissionDenied
    declaration.delete()
