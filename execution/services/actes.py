"""The individual decision act of each financeur: established, signed, notified."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from cper.effets import differer
from dossiers.enums import EtatDossier as E
from dossiers.models import Dossier
from execution.enums import EtatActe, TypeActe, TypePieceExecution
from execution.models import Acte, ParametresFinanceur
from gouvernance.selectors.programmation import programmations

from .commun import (
    RegleNonRespectee,
    controler_fichiers,
    enregistrer_fichiers,
    exiger_agent,
    pas_dans_le_futur,
    recalculer,
    regime_du,
    transition,
    verrouiller_acte,
    verrouiller_dossier,
)

# An act is established after the decision and until the dossier's money is settled.
ETATS_ACTE_POSSIBLE = {E.PROGRAMME, E.ATTRIBUE, E.EN_COURS}


def _differer_pdf(acte: Acte) -> None:
    # One PDF per state of the act: the draft to sign, then the notified act with its dates.
    differer("execution.tasks.produire_acte", acte.pk, cle=f"acte:{acte.pk}:{acte.etat}")


@transaction.atomic
def acte_etablir(
    *,
    dossier,
    financeur,
    par,
    numero: str = "",
    objet: str = "",
    date_deliberation: datetime.date | None = None,
    numero_deliberation: str = "",
) -> Acte:
    """Draw up the financeur's act from its programmed amount; the PDF follows in Celery."""
    dossier = verrouiller_dossier(dossier)
    exiger_agent(par, dossier, financeur.pk)
    if dossier.etat not in ETATS_ACTE_POSSIBLE:
        raise TransitionNotAllowed(f"Le dossier est « {dossier.get_etat_display()} ».")
    if Acte.objects.filter(dossier=dossier, financeur=financeur).exists():
        raise TransitionNotAllowed("L'acte de ce financeur est déjà établi.")
    programmation = programmations([dossier.pk]).get(dossier.pk)
    montant = next(
        (
            m.montant
            for m in (programmation.montants if programmation else [])
            if m.financeur_id == financeur.pk
        ),
        None,
    )
    if not montant:
        raise RegleNonRespectee("Ce financeur n'a aucun montant programmé sur ce dossier.")
    parametres = ParametresFinanceur.objects.de(financeur)
    if parametres.type_acte == TypeActe.DELIBERATION and not (
        date_deliberation and numero_deliberation.strip()
    ):
        raise RegleNonRespectee(
            "Indiquez la date et le numéro de la délibération de la commission permanente."
        )
    totaux = Dossier.objects.avec_totaux().values("cout_eligible").get(pk=dossier.pk)
    regime = regime_du(dossier)
    acte = Acte.objects.create(
        dossier=dossier,
        financeur=financeur,
        type=parametres.type_acte,
        regime=regime,
        numero=numero.strip(),
        objet=(objet or "").strip() or dossier.intitule,
        # The eligible expense never below the subsidy (the plan may have moved since).
        assiette=max(totaux["cout_eligible"], montant),
        montant=montant,
        taux_avance_max=parametres.avance_max(regime),
        plafond_acomptes=parametres.plafond_acomptes,
        delai_commencement_mois=parametres.delai_commencement_mois,
        delai_achevement_mois=parametres.delai_achevement_mois,
        autorite=parametres.autorite,
        date_deliberation=date_deliberation,
        numero_deliberation=numero_deliberation.strip(),
        etabli_par=par,
    )
    _differer_pdf(acte)
    return acte


def acte_signer(
    *,
    acte,
    par,
    signe_le: datetime.date,
    scan,
    numero: str = "",
    montant_engage=None,
    reference_engagement: str = "",
) -> Acte:
    """Record the signature (the signed scan through the upload gate) and the legal commitment."""
    controles = controler_fichiers([(TypePieceExecution.ACTE_SIGNE, scan)], par)
    return _signer(
        acte=acte,
        par=par,
        signe_le=signe_le,
        controles=controles,
        numero=numero,
        montant_engage=montant_engage,
        reference_engagement=reference_engagement,
    )


@transaction.atomic
def _signer(*, acte, par, signe_le, controles, numero, montant_engage, reference_engagement):
    dossier = verrouiller_dossier(acte.dossier)
    acte = verrouiller_acte(acte)
    exiger_agent(par, dossier, acte.financeur_id)
    if acte.etat != EtatActe.EN_PREPARATION:
        raise TransitionNotAllowed("L'acte est déjà signé.")
    if not controles:
        raise RegleNonRespectee("Joignez le scan de l'acte signé.")
    pas_dans_le_futur(signe_le, "de signature")
    if signe_le < timezone.localdate(dossier.depose_le):
        raise RegleNonRespectee("L'acte ne peut pas être signé avant le dépôt de la demande.")
    if montant_engage is not None and not (0 <= montant_engage <= acte.montant):
        raise RegleNonRespectee(
            "Le montant engagé doit être compris entre 0 et le montant de la subvention."
        )
    acte.etat = EtatActe.SIGNE
    acte.signe_le = signe_le
    acte.numero = numero.strip() or acte.numero
    acte.montant_engage = acte.montant if montant_engage is None else montant_engage
    acte.reference_engagement = reference_engagement.strip()
    acte.save()
    enregistrer_fichiers(controles, dossier=dossier, par=par, acte=acte)
    recalculer(dossier)
    return acte


@transaction.atomic
def acte_notifier(*, acte, par, notifie_le: datetime.date) -> Acte:
    """The act reaches the porteur: its deadlines start; the first one makes the dossier attribué.

    The porteur receives their own act (PDF) by notification once it is rebuilt with its dates.
    """
    dossier = verrouiller_dossier(acte.dossier)
    acte = verrouiller_acte(acte)
    exiger_agent(par, dossier, acte.financeur_id)
    if acte.etat != EtatActe.SIGNE:
        raise TransitionNotAllowed("L'acte n'est pas à notifier.")
    pas_dans_le_futur(notifie_le, "de notification")
    if notifie_le < acte.signe_le:
        raise RegleNonRespectee("L'acte ne peut pas être notifié avant d'être signé.")
    acte.etat = EtatActe.NOTIFIE
    acte.notifie_le = notifie_le
    acte.date_limite_commencement = notifie_le + relativedelta(months=acte.delai_commencement_mois)
    acte.date_limite_achevement = notifie_le + relativedelta(months=acte.delai_achevement_mois)
    acte.save()
    if dossier.etat == E.PROGRAMME:
        transition(
            dossier,
            "attribuer",
            par,
            f"{acte.get_type_display()} ({acte.financeur}) notifié le {notifie_le:%d/%m/%Y}",
        )
    _differer_pdf(acte)
    recalculer(dossier)
    return acte


def prochaine_version(dossier, financeur) -> int:
    """The version number an avenant to the financeur's act would take."""
    derniere = Acte.objects.filter(dossier=dossier, financeur=financeur).aggregate(v=Max("version"))
    return (derniere["v"] or 0) + 1
