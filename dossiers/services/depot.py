"""Dépôt and withdrawal of a dossier by its porteur.

A dépôt locks the dossier row, checks every guard of dossiers.completude, takes the next number
of the year from SequenceNumero under a row lock and files the dossier at the chosen guichet (its
agents see it from then on: `instruction.perimetres`); the récépissé and the e-mails follow in
Celery once committed.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from cper.effets import differer
from cper.referentiel import models as referentiel
from cper.referentiel.enums import TypeGuichet
from cper.referentiel.models import Guichet
from cper.referentiel.selectors import periode_de_depot
from dossiers import agregats
from dossiers.acces import peut_modifier
from dossiers.completude import Completude, completude
from dossiers.enums import EtatDossier
from dossiers.models import DepotConjoint, Dossier, SequenceNumero

PREFIXE_NUMERO = "NPDC"


class DepotRefuse(Exception):
    """The dossier cannot be filed yet; `completude` (when set) lists what is missing."""

    def __init__(self, message: str, completude: Completude | None = None):
        super().__init__(message)
        self.completude = completude


def guichets_proposes(dossier: Dossier) -> tuple[list[Guichet], Guichet | None]:
    """The guichets where this dossier may be filed, and the one suggested (two queries).

    The rule is `referentiel.guichets_proposes`, applied to the arrondissements of the
    project's communes, its first commune's first.
    """
    return referentiel.guichets_proposes(
        Dossier.communes.through.objects.filter(dossier=dossier)
        .order_by("pk")
        .values_list("commune__arrondissement", flat=True)
    )


def verifier_periode_de_depot(dossier: Dossier, jour) -> None:
    """A demand is filed within the contract's period or an extension covering its volet."""
    periode = periode_de_depot(dossier.volet)
    if periode is not None and not periode.couvre(jour):
        raise DepotRefuse(periode.refus())


def _verrouiller_pour_le_porteur(dossier: Dossier, porteur) -> Dossier:
    """Lock the dossier row for the rest of the transaction; only its structure's members act."""
    verrouille = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not peut_modifier(porteur, verrouille):
        raise PermissionDenied
    return verrouille


def prochain_numero(annee: int) -> str:
    """The next dossier number of the year; the caller's transaction holds the year's row lock."""
    # Creating the year's row may race too: both inserts succeed or are ignored, then one locks.
    SequenceNumero.objects.bulk_create([SequenceNumero(annee=annee)], ignore_conflicts=True)
    sequence = SequenceNumero.objects.select_for_update().get(annee=annee)
    sequence.dernier += 1
    sequence.save(update_fields=["dernier"])
    return f"{PREFIXE_NUMERO}-{annee}-{sequence.dernier:05d}"


def _guichet_non_propose(guichet: Guichet) -> DepotRefuse:
    return DepotRefuse(
        f"Le guichet « {guichet} » n'est pas compétent pour ce projet : choisissez la "
        "sous-préfecture de l'arrondissement du projet ou le Conseil régional."
    )


@transaction.atomic
def dossier_deposer(
    *, dossier: Dossier, par, guichet: Guichet, guichet_conjoint: Guichet | None = None
) -> Dossier:
    """File a complete draft at the chosen guichet, with a number of the year.

    `guichet_conjoint`: filed at both a sous-préfecture and the Conseil régional (one of each,
    both offered for the project); one number, one state, both guichets' agents see it.
    Raises DepotRefuse (missing items, guichet not offered), TransitionNotAllowed when the
    dossier is no longer a draft (a colleague filed it first), PermissionDenied outside the
    structure.
    """
    dossier = _verrouiller_pour_le_porteur(dossier, par)
    if dossier.etat != EtatDossier.BROUILLON:
        raise TransitionNotAllowed("Le dossier n'est plus un brouillon.")
    etat_complet = completude(dossier.pk)
    if not etat_complet.complet:
        raise DepotRefuse("Le dossier n'est pas complet.", etat_complet)
    proposes = {g.pk for g in guichets_proposes(dossier)[0]}
    for choisi in filter(None, [guichet, guichet_conjoint]):
        if choisi.pk not in proposes:
            raise _guichet_non_propose(choisi)
    if guichet_conjoint is not None and (
        (guichet.type == TypeGuichet.CONSEIL_REGIONAL)
        == (guichet_conjoint.type == TypeGuichet.CONSEIL_REGIONAL)
    ):
        raise DepotRefuse(
            "Un dépôt conjoint se fait auprès d'une sous-préfecture et du Conseil régional."
        )

    maintenant = timezone.now()
    verifier_periode_de_depot(dossier, timezone.localdate(maintenant))
    numero = prochain_numero(timezone.localdate(maintenant).year)
    aupres = f"du guichet « {guichet} »"
    if guichet_conjoint is not None:
        aupres = f"des guichets « {guichet} » et « {guichet_conjoint} » (dépôt conjoint)"
    dossier.deposer(
        numero=numero,
        guichet=guichet,
        depose_le=maintenant,
        by=par,
        description=f"Déposé auprès {aupres} sous le numéro {numero}.",
    )
    dossier.save()
    if guichet_conjoint is not None:
        DepotConjoint.objects.create(dossier=dossier, guichet=guichet_conjoint)
    agregats.recalculer_dossier(dossier.pk)
    differer("dossiers.tasks.emettre_recepisse", dossier.pk, par.pk, cle=f"recepisse:{dossier.pk}")
    differer("dossiers.tasks.notifier_depot", dossier.pk, cle=f"notifications-depot:{dossier.pk}")
    return dossier


@transaction.atomic
def dossier_retirer(*, dossier: Dossier, par, motif: str = "") -> Dossier:
    """Withdraw the dossier at the porteur's request; it stays visible, read-only.

    Raises TransitionNotAllowed when it can no longer be withdrawn (already withdrawn, decided).
    """
    dossier = _verrouiller_pour_le_porteur(dossier, par)
    depose = dossier.guichet_id is not None
    description = "Retiré par le porteur."
    if motif.strip():
        description = f"Retiré par le porteur. Motif : {motif.strip()}"
    dossier.retirer(by=par, description=description)
    dossier.save()
    agregats.recalculer_dossier(dossier.pk)
    if depose:
        differer("dossiers.tasks.notifier_retrait", dossier.pk, cle=f"retrait:{dossier.pk}")
    return dossier
