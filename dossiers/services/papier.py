"""A demand received on paper, registered by an agent of the guichet that received it.

The agent files it on behalf of the structure: the day the paper was received is its dépôt date
(CRPA: the reception date counts), its scanned pieces go through the upload gate, and the
porteur may be invited to follow it online. It then lives the life of any filed dossier.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cper.comptes.enums import Role
from cper.effets import differer
from cper.televersement.controle import controler
from cper.televersement.enums import Usage
from dossiers import agregats
from dossiers.enums import TypePiece
from dossiers.models import Dossier, Invitation, Piece

from .depot import DepotRefuse, guichets_proposes, prochain_numero, verifier_periode_de_depot


def est_agent_de(guichet, user) -> bool:
    return user.a_le_role(Role.AGENT_GUICHET) and user.groups.filter(guichet=guichet).exists()


def dossier_enregistrer_papier(
    *,
    par,
    guichet,
    structure,
    intitule: str,
    volet,
    communes,
    recu_le: datetime.date,
    pieces,
    email_porteur: str = "",
) -> Dossier:
    """File a paper demand at `guichet` on the structure's behalf; `pieces` are (type, file).

    Raises PermissionDenied (not an agent of that guichet), ValidationError (a date to come,
    no piece), DepotRefuse (outside the contract's calendar, guichet not competent).
    """
    if not est_agent_de(guichet, par):
        raise PermissionDenied
    if recu_le > timezone.localdate():
        raise ValidationError("La date de réception ne peut pas être dans le futur.")
    if not pieces:
        raise ValidationError("Joignez au moins une pièce numérisée du dossier reçu.")
    # The upload gate runs before the transaction: an antivirus alert outlives the refusal.
    controles = [
        (TypePiece(type_piece), fichier, controler(fichier, usage=Usage.PIECE, par=par))
        for type_piece, fichier in pieces
    ]
    ecrits: list = []
    try:
        return _enregistrer(
            par=par,
            guichet=guichet,
            structure=structure,
            intitule=intitule,
            volet=volet,
            communes=list(communes),
            recu_le=recu_le,
            controles=controles,
            email_porteur=email_porteur.strip().lower(),
            ecrits=ecrits,
        )
    except Exception:
        for stockage, nom in ecrits:
            stockage.delete(nom)
        raise


def _moment_de_reception(recu_le: datetime.date) -> datetime.datetime:
    maintenant = timezone.localtime()
    if recu_le == maintenant.date():
        return maintenant
    # Received on an earlier day: the start of that day, in local time.
    return timezone.make_aware(datetime.datetime.combine(recu_le, datetime.time(0, 0)))


@transaction.atomic
def _enregistrer(
    *, par, guichet, structure, intitule, volet, communes, recu_le, controles, email_porteur, ecrits
) -> Dossier:
    if structure.pk is None:
        # A structure unknown to the service, typed by the agent from the paper: unverified.
        structure.save()
    dossier = Dossier.objects.create(
        structure=structure, cree_par=par, intitule=intitule.strip(), volet=volet
    )
    dossier.communes.set(communes)
    verifier_periode_de_depot(dossier, recu_le)
    proposes, _ = guichets_proposes(dossier)
    if guichet.pk not in {g.pk for g in proposes}:
        raise DepotRefuse(
            f"Le guichet « {guichet} » n'est pas compétent pour ce projet : transmettez le "
            "dossier papier à la sous-préfecture de l'arrondissement du projet ou au Conseil "
            "régional."
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
        piece.fichier.save("televersement", fichier, save=False)
        ecrits.append((piece.fichier.storage, piece.fichier.name))
        piece.save()
    numero = prochain_numero(recu_le.year)
    dossier.deposer(
        numero=numero,
        guichet=guichet,
        depose_le=_moment_de_reception(recu_le),
        by=par,
        description=(
            f"Reçu sur papier le {recu_le:%d/%m/%Y} au guichet « {guichet} » et enregistré "
            f"par le guichet sous le numéro {numero}."
        ),
    )
    dossier.save()
    agregats.recalculer_dossier(dossier.pk)
    differer("dossiers.tasks.emettre_recepisse", dossier.pk, None, cle=f"recepisse:{dossier.pk}")
    if email_porteur:
        # The porteur follows the dossier online once they join the structure.
        invitation = Invitation.objects.create(
            structure=structure,
            email=email_porteur,
            administrateur=not structure.adhesions.exists(),
            invite_par=par,
        )
        differer(
            "dossiers.tasks.envoyer_invitation", invitation.pk, cle=f"invitation:{invitation.pk}"
        )
    return dossier
