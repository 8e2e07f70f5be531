"""Avenants to a dossier's financing: a new version of a financeur's act, the old one kept."""

import datetime
from decimal import Decimal

from django.db import transaction
from django_fsm import TransitionNotAllowed

from cper.effets import differer
from dossiers.enums import EtatDossier as E
from execution.enums import EtatActe
from execution.models import Acte, VersionActe
from gouvernance.selectors.programmation import programmations

from .commun import (
    RegleNonRespectee,
    exiger_agent,
    recalculer,
    verrouiller_acte,
    verrouiller_dossier,
    verse,
)

CHAMPS_AVENANT = ("assiette", "montant", "date_limite_commencement", "date_limite_achevement")


@transaction.atomic
def acte_avenant(
    *,
    acte,
    par,
    motif: str,
    montant: Decimal | None = None,
    assiette: Decimal | None = None,
    date_limite_commencement: datetime.date | None = None,
    date_limite_achevement: datetime.date | None = None,
) -> Acte:
    """Amend a notified act (amount, eligible expense, deadlines): the terms in force are kept
    as a version, the act takes the new ones and its next version number, its PDF is reissued
    and notified to the porteur. A field left empty keeps its value."""
    dossier = verrouiller_dossier(acte.dossier)
    acte = verrouiller_acte(acte)
    exiger_agent(par, dossier, acte.financeur_id)
    if (
        acte.etat != EtatActe.NOTIFIE
        or acte.solde_le
        or dossier.etat
        not in (
            E.ATTRIBUE,
            E.EN_COURS,
        )
    ):
        raise TransitionNotAllowed("L'acte ne peut plus faire l'objet d'un avenant.")
    motif = (motif or "").strip()
    if not motif:
        raise RegleNonRespectee("Indiquez l'objet de l'avenant.")
    nouveau = {
        "assiette": acte.assiette if assiette is None else assiette,
        "montant": acte.montant if montant is None else montant,
        "date_limite_commencement": date_limite_commencement or acte.date_limite_commencement,
        "date_limite_achevement": date_limite_achevement or acte.date_limite_achevement,
    }
    if all(nouveau[c] == getattr(acte, c) for c in CHAMPS_AVENANT):
        raise RegleNonRespectee("L'avenant ne change rien à l'acte en vigueur.")
    if nouveau["montant"] <= 0 or nouveau["montant"] > nouveau["assiette"]:
        raise RegleNonRespectee(
            "La subvention doit être positive et ne pas dépasser la dépense subventionnable."
        )
    deja_verse = verse(acte)
    if nouveau["montant"] < deja_verse:
        raise RegleNonRespectee(
            f"La subvention ne peut pas descendre sous ce qui est déjà versé ({deja_verse} €)."
        )
    programmation = programmations([dossier.pk]).get(dossier.pk)
    programme = next(
        (
            m.montant
            for m in (programmation.montants if programmation else [])
            if m.financeur_id == acte.financeur_id
        ),
        None,
    )
    if programme is not None and nouveau["montant"] > programme:
        raise RegleNonRespectee(
            f"Le montant programmé par l'instance de pilotage est de {programme} € : une "
            "augmentation au-delà exige une nouvelle décision de l'instance."
        )
    if nouveau["date_limite_achevement"] < nouveau["date_limite_commencement"]:
        raise RegleNonRespectee(
            "La date limite d'achèvement ne peut pas précéder celle du commencement."
        )
    VersionActe.objects.create(
        acte=acte,
        version=acte.version,
        assiette=acte.assiette,
        montant=acte.montant,
        montant_engage=acte.montant_engage,
        date_limite_commencement=acte.date_limite_commencement,
        date_limite_achevement=acte.date_limite_achevement,
        fichier=acte.fichier.name,
        motif_avenant=motif,
        remplacee_par=par,
    )
    for champ, valeur in nouveau.items():
        setattr(acte, champ, valeur)
    if acte.montant_engage is not None:
        # The legal commitment follows the amended amount.
        acte.montant_engage = acte.montant
    acte.version += 1
    acte.fichier_etat = ""  # the PDF in place is the replaced version's: build the new one
    acte.save()
    # A new key per version: the reissued PDF, then the porteur's notice of the avenant.
    differer(
        "execution.tasks.produire_acte", acte.pk, cle=f"acte:{acte.pk}:{acte.etat}:v{acte.version}"
    )
    recalculer(dossier)
    return acte
