"""Deadlines of the acts: warnings, prorogations, caducité proposed by beat and confirmed by
an agent. A caduc dossier's unpaid money goes back to its envelopes: the kept aggregates carry
its state, and the maquette counts a caduc or abandoned dossier's programmed money only up to
what was paid (gouvernance.selectors.maquette)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from cper.effets import differer
from dossiers.enums import EtatDossier as E
from execution.enums import (
    PREAVIS_ECHEANCE_JOURS,
    Echeance,
    EtatActe,
    EtatCaducite,
    EtatDemande,
    EtatProrogation,
)
from execution.models import (
    Acte,
    DemandeVersement,
    OrdreReversement,
    PropositionCaducite,
    Prorogation,
)

from .commun import (
    RegleNonRespectee,
    exiger_agent,
    exiger_porteur,
    recalculer,
    transition,
    verrouiller_acte,
    verrouiller_dossier,
    verse,
)

CHAMP_ECHEANCE = {
    Echeance.COMMENCEMENT: "date_limite_commencement",
    Echeance.ACHEVEMENT: "date_limite_achevement",
}
# A deadline still runs while the dossier is in one of these states.
ETATS_ECHEANCE = {Echeance.COMMENCEMENT: [E.ATTRIBUE], Echeance.ACHEVEMENT: [E.EN_COURS]}


def _notifier_plus_tard(evenement: str, pk: int, cle: str, echeance: str = "") -> None:
    """The notices go through the outbox; `cle` makes them once per event."""
    cle = f"echeance:{cle}"
    differer("execution.tasks.notifier_echeance", evenement, pk, cle, echeance, cle=cle)


def echeances_a_surveiller(aujourdhui: datetime.date):
    """(act, deadline, date) of the running deadlines that fall within the notice period or
    have passed, for notified acts of dossiers still attributed or in progress."""
    horizon = aujourdhui + datetime.timedelta(days=PREAVIS_ECHEANCE_JOURS)
    for echeance, champ in CHAMP_ECHEANCE.items():
        actes = (
            Acte.objects.notifies()
            .filter(
                dossier__etat__in=ETATS_ECHEANCE[echeance],
                solde_le__isnull=True,
                **{f"{champ}__lte": horizon},
            )
            .select_related("dossier", "financeur")
            .order_by("pk")
        )
        for acte in actes:
            yield acte, echeance, getattr(acte, champ)


def echeances_surveiller(*, aujourdhui: datetime.date | None = None) -> dict:
    """The beat job's work: warn 60 days before each deadline, propose caducité once it passed.

    Idempotent: a warning's key names the act, the deadline and its date (a prorogation gives
    a new date, hence a new warning); a proposal is unique per act, deadline and date. A
    deadline with a prorogation request pending is not proposed for caducité.
    """
    aujourdhui = aujourdhui or timezone.localdate()
    compte = {"avertissements": 0, "propositions": 0}
    for acte, echeance, date in list(echeances_a_surveiller(aujourdhui)):
        if date >= aujourdhui:
            _notifier_plus_tard(
                "avertissement", acte.pk, f"avertissement:{acte.pk}:{echeance}:{date}", echeance
            )
            compte["avertissements"] += 1
            continue
        if Prorogation.objects.filter(
            acte=acte, echeance=echeance, etat=EtatProrogation.DEMANDEE
        ).exists():
            continue
        try:
            with transaction.atomic():
                proposition = PropositionCaducite.objects.create(
                    acte=acte, echeance=echeance, date_limite=date
                )
                _notifier_plus_tard(
                    "proposition", proposition.pk, f"caducite:{proposition.pk}", echeance
                )
        except IntegrityError:
            continue  # proposed on an earlier run
        compte["propositions"] += 1
    return compte


@transaction.atomic
def prorogation_demander(
    *, acte, par, echeance: str, nouvelle_date: datetime.date, motif: str
) -> Prorogation:
    """The porteur asks to push one deadline of a notified act back, with a motive."""
    dossier = verrouiller_dossier(acte.dossier)
    exiger_porteur(par, dossier)
    acte = verrouiller_acte(acte)
    motif = (motif or "").strip()
    if acte.etat != EtatActe.NOTIFIE or dossier.etat not in ETATS_ECHEANCE[echeance]:
        raise TransitionNotAllowed(f"Le dossier est « {dossier.get_etat_display()} ».")
    if not motif:
        raise RegleNonRespectee("Indiquez le motif de la prorogation demandée.")
    actuelle = getattr(acte, CHAMP_ECHEANCE[echeance])
    if nouvelle_date <= actuelle:
        raise RegleNonRespectee(
            f"La nouvelle date doit être postérieure à la date limite actuelle "
            f"({actuelle:%d/%m/%Y})."
        )
    if echeance == Echeance.COMMENCEMENT and nouvelle_date > acte.date_limite_achevement:
        raise RegleNonRespectee(
            "Le commencement ne peut pas être repoussé après la date limite d'achèvement "
            f"({acte.date_limite_achevement:%d/%m/%Y}) : demandez aussi la prorogation de "
            "l'achèvement."
        )
    if Prorogation.objects.filter(
        acte=acte, echeance=echeance, etat=EtatProrogation.DEMANDEE
    ).exists():
        raise TransitionNotAllowed("Une demande de prorogation de cette échéance est en cours.")
    prorogation = Prorogation.objects.create(
        acte=acte,
        echeance=echeance,
        date_limite_initiale=actuelle,
        nouvelle_date=nouvelle_date,
        motif=motif,
        demandee_par=par,
    )
    _notifier_plus_tard(
        "prorogation_demandee", prorogation.pk, f"prorogation:{prorogation.pk}", echeance
    )
    return prorogation


@transaction.atomic
def prorogation_decider(*, prorogation, par, accorder: bool, motif: str = "") -> Prorogation:
    """The financeur's agent grants (the act's deadline moves) or refuses (with a motive)."""
    prorogation = Prorogation.objects.select_for_update().get(pk=prorogation.pk)
    acte = verrouiller_acte(prorogation.acte)
    exiger_agent(par, acte.dossier, acte.financeur_id)
    if prorogation.etat != EtatProrogation.DEMANDEE:
        raise TransitionNotAllowed("La demande de prorogation est déjà traitée.")
    motif = (motif or "").strip()
    if not accorder and not motif:
        raise RegleNonRespectee("Indiquez le motif du refus.")
    prorogation.etat = EtatProrogation.ACCORDEE if accorder else EtatProrogation.REFUSEE
    prorogation.traitee_par = par
    prorogation.traitee_le = timezone.now()
    prorogation.motif_decision = motif
    prorogation.save()
    if accorder:
        champ = CHAMP_ECHEANCE[prorogation.echeance]
        setattr(acte, champ, prorogation.nouvelle_date)
        acte.save(update_fields=[champ, "updated_at"])
        # The passed deadline no longer stands: its pending proposal is set aside.
        PropositionCaducite.objects.filter(
            acte=acte, echeance=prorogation.echeance, etat=EtatCaducite.PROPOSEE
        ).update(
            etat=EtatCaducite.ECARTEE,
            traitee_par=par,
            traitee_le=timezone.now(),
            motif="Prorogation accordée.",
        )
    _notifier_plus_tard(
        "prorogation_decidee",
        prorogation.pk,
        f"prorogation-decidee:{prorogation.pk}",
        prorogation.echeance,
    )
    return prorogation


def _traiter(proposition, par) -> PropositionCaducite:
    proposition = (
        PropositionCaducite.objects.select_for_update()
        .select_related("acte")
        .get(pk=proposition.pk)
    )
    exiger_agent(par, proposition.acte.dossier, proposition.acte.financeur_id)
    if proposition.etat != EtatCaducite.PROPOSEE:
        raise TransitionNotAllowed("La proposition de caducité est déjà traitée.")
    return proposition


@transaction.atomic
def caducite_confirmer(*, proposition, par, motif: str = "") -> list[OrdreReversement]:
    """An agent of the act's financeur confirms: the dossier becomes caduc, open requests are
    closed, what was paid is ordered back, the unpaid money returns to the envelopes."""
    dossier = verrouiller_dossier(proposition.acte.dossier)
    proposition = _traiter(proposition, par)
    description = (motif or "").strip() or (
        f"Date limite de {proposition.get_echeance_display().lower()} dépassée "
        f"({proposition.date_limite:%d/%m/%Y})."
    )
    transition(dossier, "declarer_caduc", par, description)
    maintenant = timezone.now()
    PropositionCaducite.objects.filter(acte__dossier=dossier, etat=EtatCaducite.PROPOSEE).update(
        etat=EtatCaducite.CONFIRMEE, traitee_par=par, traitee_le=maintenant, motif=description
    )
    DemandeVersement.objects.filter(acte__dossier=dossier).ouvertes().update(
        etat=EtatDemande.REFUSEE,
        motif="Dossier déclaré caduc.",
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
                    motif=f"Caducité : {description}",
                    emis_par=par,
                    emis_le=timezone.localdate(),
                )
            )
    recalculer(dossier)
    _notifier_plus_tard(
        "caducite_confirmee",
        proposition.pk,
        f"caducite-confirmee:{dossier.pk}",
        proposition.echeance,
    )
    return ordres


@transaction.atomic
def caducite_ecarter(*, proposition, par, motif: str) -> PropositionCaducite:
    """The agent sets the proposal aside (e.g. the porteur proved the start), with a motive."""
    proposition = _traiter(proposition, par)
    motif = (motif or "").strip()
    if not motif:
        raise RegleNonRespectee("Indiquez pourquoi la caducité est écartée.")
    proposition.etat = EtatCaducite.ECARTEE
    proposition.traitee_par = par
    proposition.traitee_le = timezone.now()
    proposition.motif = motif
    proposition.save()
    return proposition
