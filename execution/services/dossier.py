"""The porteur's start and renunciation, and the closing of a paid-off dossier."""

import datetime

from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from dossiers.enums import EtatDossier as E
from execution.enums import (
    CommencementAnticipe,
    EtatActe,
    EtatDemande,
    EtatReversement,
    Regime,
    TypePieceExecution,
)
from execution.models import (
    Acte,
    Commencement,
    DemandeVersement,
    OrdreReversement,
    ParametresFinanceur,
)

from .commun import (
    RegleNonRespectee,
    controler_fichiers,
    enregistrer_fichiers,
    exiger_porteur,
    pas_dans_le_futur,
    recalculer,
    transition,
    verrouiller_dossier,
    verse,
)

DEROGATION_2018 = (
    "Commencement après le dépôt de la demande et avant la notification : permis par "
    "l'article 5 du décret n° 2018-514, sans préjuger de la décision."
)


def _regle_anticipation(parametres, regime) -> tuple[str, str]:
    """(rule, motive) for a start before an act's notification."""
    regle = parametres.commencement_anticipe if parametres else CommencementAnticipe.SELON_REGIME
    if regle != CommencementAnticipe.SELON_REGIME:
        return (
            regle,
            f"Commencement anticipé admis par les règles du financeur « {parametres.financeur} ».",
        )
    # Décret 2018-514 art. 5: a start after the request was received is allowed (at the
    # porteur's risk); décret 99-1060 art. 5: no start before the decision, unless derogation.
    if regime == Regime.DECRET_2018:
        return CommencementAnticipe.DEROGATION, DEROGATION_2018
    return CommencementAnticipe.REFUSE, ""


def commencement_declarer(
    *, dossier, par, date: datetime.date, description: str = "", justificatif=None
) -> Commencement:
    """The porteur declares the start (first legal commitment) with its evidence."""
    controles = controler_fichiers([(TypePieceExecution.COMMENCEMENT, justificatif)], par)
    return _declarer(
        dossier=dossier, par=par, date=date, description=description, controles=controles
    )


@transaction.atomic
def _declarer(*, dossier, par, date, description, controles) -> Commencement:
    dossier = verrouiller_dossier(dossier)
    exiger_porteur(par, dossier)
    if dossier.etat != E.ATTRIBUE:
        raise TransitionNotAllowed(f"Le dossier est « {dossier.get_etat_display()} ».")
    if not controles:
        raise RegleNonRespectee(
            "Joignez un justificatif du commencement (bon de commande, ordre de service…)."
        )
    pas_dans_le_futur(date, "de commencement")
    if date < timezone.localdate(dossier.depose_le):
        raise RegleNonRespectee(
            "Le projet ne peut pas avoir commencé avant le dépôt de la demande de subvention : "
            "les dépenses engagées avant cette date ne sont pas éligibles."
        )
    actes = list(
        Acte.objects.filter(dossier=dossier, etat=EtatActe.NOTIFIE).select_related("financeur")
    )
    parametres = {
        p.financeur_id: p
        for p in ParametresFinanceur.objects.filter(financeur__in=[a.financeur_id for a in actes])
    }
    motifs = []
    for acte in actes:
        if date >= acte.notifie_le:
            continue
        regle, motif = _regle_anticipation(parametres.get(acte.financeur_id), acte.regime)
        if regle == CommencementAnticipe.REFUSE:
            raise RegleNonRespectee(
                f"Le projet ne peut pas avoir commencé avant la notification de l'acte du "
                f"financeur « {acte.financeur} » ({acte.notifie_le:%d/%m/%Y}) : "
                f"le {acte.get_regime_display()} ne le permet pas sans dérogation accordée."
            )
        motifs.append(motif)
    commencement = Commencement.objects.create(
        dossier=dossier,
        date=date,
        description=(description or "").strip(),
        derogation=bool(motifs),
        motif_derogation="\n".join(dict.fromkeys(motifs)),
        declare_par=par,
    )
    enregistrer_fichiers(controles, dossier=dossier, par=par)
    transition(dossier, "commencer", par, f"Commencement déclaré au {date:%d/%m/%Y}")
    recalculer(dossier)
    return commencement


@transaction.atomic
def dossier_abandonner(*, dossier, par, motif: str) -> list[OrdreReversement]:
    """The porteur renounces: open requests close, what was paid is ordered back."""
    dossier = verrouiller_dossier(dossier)
    exiger_porteur(par, dossier)
    motif = (motif or "").strip()
    if not motif:
        raise RegleNonRespectee("Indiquez le motif de la renonciation.")
    transition(dossier, "abandonner", par, motif)
    maintenant = timezone.now()
    DemandeVersement.objects.filter(acte__dossier=dossier).ouvertes().update(
        etat=EtatDemande.REFUSEE,
        motif="Renonciation du porteur au projet.",
        traitee_le=maintenant,
        montant_accepte=None,
    )
    ordres = []
    for acte in Acte.objects.filter(dossier=dossier):
        paye = verse(acte)
        if paye > 0:
            ordres.append(
                OrdreReversement.objects.create(
                    acte=acte,
                    montant=paye,
                    motif=f"Renonciation du porteur : {motif}",
                    emis_par=par,
                    emis_le=timezone.localdate(),
                )
            )
    recalculer(dossier)
    return ordres


@transaction.atomic
def dossier_cloturer(*, dossier, par) -> None:
    """Close a soldé dossier once every reversement ordered on it is recovered."""
    dossier = verrouiller_dossier(dossier)
    if OrdreReversement.objects.filter(acte__dossier=dossier, etat=EtatReversement.EMIS).exists():
        raise RegleNonRespectee(
            "Un ordre de reversement reste à recouvrer : le dossier ne peut pas être clôturé."
        )
    transition(dossier, "cloturer", par, "Dossier clôturé")
    recalculer(dossier)
