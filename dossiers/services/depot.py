"""Dépôt and withdrawal of a dossier by its porteur.

A dépôt locks the dossier row, checks every guard of dossiers.completude, takes the next number
of the year from SequenceNumero under a row lock, files the dossier at the chosen guichet and opens
it to the guichet's agents; the récépissé and the e-mails follow in Celery once committed.
"""

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from cper.effets import differer
from cper.referentiel.enums import TypeGuichet
from cper.referentiel.models import Guichet
from cper.referentiel.selectors import periode_de_depot
from dossiers import agregats
from dossiers.acces import ouvrir_au_guichet
from dossiers.completude import Completude, completude
from dossiers.enums import EtatDossier
from dossiers.models import Dossier, MembreStructure, SequenceNumero

PREFIXE_NUMERO = "NPDC"


class DepotRefuse(Exception):
    """The dossier cannot be filed yet; `completude` (when set) lists what is missing."""

    def __init__(self, message: str, completude: Completude | None = None):
        super().__init__(message)
        self.completude = completude


def guichets_proposes(dossier: Dossier) -> tuple[list[Guichet], Guichet | None]:
    """The guichets where this dossier may be filed, and the one suggested (two queries).

    The sous-préfecture (or préfecture) of each arrondissement the project touches, the one of
    its first commune first and suggested; the Conseil régional is always offered.
    """
    arrondissements = list(
        dict.fromkeys(
            Dossier.communes.through.objects.filter(
                dossier=dossier, commune__arrondissement__isnull=False
            )
            .order_by("pk")
            .values_list("commune__arrondissement", flat=True)
        )
    )
    rang = {arrondissement: i for i, arrondissement in enumerate(arrondissements)}
    guichets = sorted(
        Guichet.objects.filter(
            Q(arrondissement__in=arrondissements) | Q(type=TypeGuichet.CONSEIL_REGIONAL)
        ),
        key=lambda g: (g.arrondissement_id is None, rang.get(g.arrondissement_id, 0), g.nom),
    )
    suggere = next(
        (g for g in guichets if arrondissements and g.arrondissement_id == arrondissements[0]),
        None,
    )
    return guichets, suggere


def verifier_periode_de_depot(dossier: Dossier, jour) -> None:
    """A demand is filed within the contract's period or an extension covering its volet."""
    periode = periode_de_depot(dossier.volet)
    if periode is not None and not periode.couvre(jour):
        raise DepotRefuse(periode.refus())


def _verrouiller_pour_le_porteur(dossier: Dossier, porteur) -> Dossier:
    """Lock the dossier row for the rest of the transaction; only its structure's members act."""
    try:
        verrouille = Dossier.objects.select_for_update().get(pk=dossier.pk)
    except Dossier.DoesNotExist:
        raise Http404("Dossier introuvable") from None
    if not MembreStructure.objects.filter(
        structure_id=verrouille.structure_id, user=porteur
    ).exists():
        raise Http404("Dossier introuvable")
    return verrouille


def prochain_numero(annee: int) -> str:
    """The next dossier number of the year; the caller's transaction holds the year's row lock."""
    # Creating the year's row may race too: both inserts succeed or are ignored, then one locks.
    SequenceNumero.objects.bulk_create([SequenceNumero(annee=annee)], ignore_conflicts=True)
    sequence = SequenceNumero.objects.select_for_update().get(annee=annee)
    sequence.dernier += 1
    sequence.save(update_fields=["dernier"])
    return f"{PREFIXE_NUMERO}-{annee}-{sequence.dernier:05d}"


@transaction.atomic
def dossier_deposer(*, dossier: Dossier, par, guichet: Guichet) -> Dossier:
    """File a complete draft at the chosen guichet, with a number of the year.

    Raises DepotRefuse (missing items, guichet not offered), TransitionNotAllowed when the
    dossier is no longer a draft (a colleague filed it first), Http404 outside the structure.
    """
    dossier = _verrouiller_pour_le_porteur(dossier, par)
    if dossier.etat != EtatDossier.BROUILLON:
        raise TransitionNotAllowed("Le dossier n'est plus un brouillon.")
    etat_complet = completude(dossier.pk)
    if not etat_complet.complet:
        raise DepotRefuse("Le dossier n'est pas complet.", etat_complet)
    proposes, _ = guichets_proposes(dossier)
    if guichet.pk not in {g.pk for g in proposes}:
        raise DepotRefuse(
            f"Le guichet « {guichet} » n'est pas compétent pour ce projet : choisissez la "
            "sous-préfecture de l'arrondissement du projet ou le Conseil régional."
        )

    maintenant = timezone.now()
    verifier_periode_de_depot(dossier, timezone.localdate(maintenant))
    numero = prochain_numero(timezone.localdate(maintenant).year)
    dossier.deposer(
        numero=numero,
        guichet=guichet,
        depose_le=maintenant,
        by=par,
        description=f"Déposé auprès du guichet « {guichet} » sous le numéro {numero}.",
    )
    dossier.save()
    agregats.recalculer_dossier(dossier.pk)
    ouvrir_au_guichet(dossier)
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
