"""The financeurs' agents: acts, requests, payments, the queue of payments."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cper.televersement.forms import designer_deposant
from dossiers.enums import EtatDossier as E
from execution import acces, selectors, services
from execution.enums import EtatDemande
from execution.forms import (
    ActeEtablirForm,
    ActeNotifierForm,
    ActeSignerForm,
    AvenantActeForm,
    CaduciteForm,
    ConfirmerForm,
    DeciderProrogationForm,
    FiltresVersementsForm,
    MandaterForm,
    MandaterLotForm,
    RecouvrerForm,
    TraiterDemandeForm,
)
from execution.models import (
    Acte,
    DemandeVersement,
    OrdreReversement,
    PropositionCaducite,
    Prorogation,
)
from execution.views.porteur import _formulaire
from gouvernance.selectors.programmation import programmations

PAR_PAGE = 25


def _dossier(request, pk):
    return acces.dossier_execute_ou_404(
        request.user, pk, queryset=acces.Dossier.objects.select_related("structure", "volet")
    )


def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """The execution of one dossier for the agents of its financeurs."""
    dossier = _dossier(request, pk)
    mes_financeurs = set(acces.financeurs_de(request.user).values_list("pk", flat=True))
    actes = selectors.actes_du_dossier(dossier)
    programmation = programmations([dossier.pk]).get(dossier.pk)
    avec_acte = {a.financeur_id for a in actes}
    a_etablir = [
        m
        for m in (programmation.montants if programmation else [])
        if m.financeur_id in mes_financeurs and m.financeur_id not in avec_acte and m.montant > 0
    ]
    for acte in actes:
        acte.mien = acte.financeur_id in mes_financeurs
        acte.avenants = selectors.avenants_de(acte)
    return render(
        request,
        "execution/dossier.html",
        {
            "title": f"Exécution — dossier {dossier.numero}",
            "dossier": dossier,
            "actes": actes,
            "a_etablir": a_etablir if dossier.etat in (E.PROGRAMME, E.ATTRIBUE, E.EN_COURS) else [],
            "commencement": getattr(dossier, "commencement", None),
            "peut_cloturer": dossier.etat == E.SOLDE,
            # Under its own key: the history's `actes` must not hide the acts marked `mien`.
            "historique": selectors.historique_decisions(dossier),
        },
    )


def _retour(dossier):
    return ("execution:dossier", dossier.pk)


def acte_etablir(request: HttpRequest, pk: int, financeur_pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    financeur = get_object_or_404(acces.financeurs_de(request.user), pk=financeur_pk)
    form = ActeEtablirForm(request.POST or None)
    return _formulaire(
        request,
        dossier,
        form,
        titre=f"Établir l'acte attributif — {financeur}",
        action=lambda d: services.acte_etablir(
            dossier=dossier,
            financeur=financeur,
            par=request.user,
            numero=d["numero"],
            objet=d["objet"],
            date_deliberation=d["date_deliberation"],
            numero_deliberation=d["numero_deliberation"],
        ),
        succes="Acte établi : son PDF est en préparation.",
        retour=_retour(dossier),
    )


def _acte(request, dossier, acte_pk):
    return get_object_or_404(
        Acte, pk=acte_pk, dossier=dossier, financeur__in=acces.financeurs_de(request.user)
    )


def acte_signer(request: HttpRequest, pk: int, acte_pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    acte = _acte(request, dossier, acte_pk)
    form = ActeSignerForm(request.POST or None, request.FILES or None)
    designer_deposant(form, request.user)
    return _formulaire(
        request,
        dossier,
        form,
        titre=f"Enregistrer la signature — {acte.get_type_display()}",
        action=lambda d: services.acte_signer(
            acte=acte,
            par=request.user,
            signe_le=d["signe_le"],
            scan=d["scan"],
            numero=d["numero"],
            montant_engage=d["montant_engage"],
            reference_engagement=d["reference_engagement"],
        ),
        succes="Signature et engagement juridique enregistrés.",
        retour=_retour(dossier),
    )


def acte_notifier(request: HttpRequest, pk: int, acte_pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    acte = _acte(request, dossier, acte_pk)
    form = ActeNotifierForm(request.POST or None)
    return _formulaire(
        request,
        dossier,
        form,
        titre=f"Enregistrer la notification — {acte.get_type_display()}",
        action=lambda d: services.acte_notifier(
            acte=acte, par=request.user, notifie_le=d["notifie_le"]
        ),
        succes="Acte notifié : le porteur le reçoit.",
        retour=_retour(dossier),
    )


def _demande(request, dossier, demande_pk):
    return get_object_or_404(
        DemandeVersement.objects.select_related("acte__financeur"),
        pk=demande_pk,
        acte__dossier=dossier,
        acte__financeur__in=acces.financeurs_de(request.user),
    )


def demande_traiter(request: HttpRequest, pk: int, demande_pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    demande = _demande(request, dossier, demande_pk)
    form = TraiterDemandeForm(request.POST or None)

    def action(d):
        if d["decision"] == "accepter":
            services.demande_versement_accepter(
                demande=demande, par=request.user, montant=d["montant"], motif=d["motif"]
            )
        elif d["decision"] == "complements":
            services.demande_versement_demander_complements(
                demande=demande, par=request.user, motif=d["motif"]
            )
        else:
            services.demande_versement_refuser(demande=demande, par=request.user, motif=d["motif"])

    return _formulaire(
        request,
        dossier,
        form,
        titre=f"Traiter la demande — {demande.get_type_display()} ({demande.acte.financeur})",
        action=action,
        succes="Décision enregistrée.",
        retour=_retour(dossier),
        contexte={"demande": demande, "pieces": list(demande.pieces.all())},
    )


def versement_mandater(request: HttpRequest, pk: int, demande_pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    demande = _demande(request, dossier, demande_pk)
    form = MandaterForm(request.POST or None)
    return _formulaire(
        request,
        dossier,
        form,
        titre=f"Mandater — {demande.get_type_display()} ({demande.acte.financeur})",
        action=lambda d: services.versement_mandater(
            demande=demande, par=request.user, mandate_le=d["mandate_le"], montant=d["montant"]
        ),
        succes="Versement mandaté.",
        retour=_retour(dossier),
    )


def reversement_recouvrer(request: HttpRequest, pk: int, ordre_pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    ordre = get_object_or_404(
        OrdreReversement,
        pk=ordre_pk,
        acte__dossier=dossier,
        acte__financeur__in=acces.financeurs_de(request.user),
    )
    form = RecouvrerForm(request.POST or None)
    return _formulaire(
        request,
        dossier,
        form,
        titre=f"Recouvrement du reversement de {ordre.montant} €",
        action=lambda d: services.reversement_recouvrer(
            ordre=ordre, par=request.user, recouvre_le=d["recouvre_le"]
        ),
        succes="Recouvrement enregistré.",
        retour=_retour(dossier),
    )


def acte_avenant(request: HttpRequest, pk: int, acte_pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    acte = get_object_or_404(Acte.objects.select_related("financeur"), pk=acte_pk, dossier=dossier)
    return _formulaire(
        request,
        dossier,
        AvenantActeForm(request.POST or None),
        titre=f"Avenant à l'acte — {acte.financeur} (version {acte.version} en vigueur)",
        action=lambda d: services.acte_avenant(acte=acte, par=request.user, **d),
        succes="Avenant enregistré : l'acte est réémis et notifié au porteur.",
        retour=_retour(dossier),
    )


def prorogation_decider(request: HttpRequest, pk: int, prorogation_pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    prorogation = get_object_or_404(
        Prorogation.objects.select_related("acte__financeur"),
        pk=prorogation_pk,
        acte__dossier=dossier,
    )
    return _formulaire(
        request,
        dossier,
        DeciderProrogationForm(request.POST or None),
        titre=(
            f"Prorogation demandée — {prorogation.get_echeance_display().lower()} du "
            f"{prorogation.date_limite_initiale:%d/%m/%Y} au {prorogation.nouvelle_date:%d/%m/%Y}"
        ),
        action=lambda d: services.prorogation_decider(
            prorogation=prorogation,
            par=request.user,
            accorder=d["decision"] == "accorder",
            motif=d["motif"],
        ),
        succes="Décision sur la prorogation enregistrée.",
        retour=_retour(dossier),
        contexte={"rappel": f"Motif du porteur : {prorogation.motif}"},
    )


def _proposition(dossier, proposition_pk):
    return get_object_or_404(
        PropositionCaducite.objects.select_related("acte__financeur"),
        pk=proposition_pk,
        acte__dossier=dossier,
    )


def caducite_confirmer(request: HttpRequest, pk: int, proposition_pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    proposition = _proposition(dossier, proposition_pk)
    return _formulaire(
        request,
        dossier,
        CaduciteForm(request.POST or None),
        titre="Confirmer la caducité de la subvention",
        action=lambda d: services.caducite_confirmer(
            proposition=proposition, par=request.user, motif=d["motif"]
        ),
        succes="Dossier déclaré caduc : les sommes non versées reviennent à l'enveloppe.",
        retour=_retour(dossier),
        contexte={
            "rappel": (
                f"Date limite de {proposition.get_echeance_display().lower()} dépassée : "
                f"{proposition.date_limite:%d/%m/%Y} (acte de {proposition.acte.financeur})."
            )
        },
    )


def caducite_ecarter(request: HttpRequest, pk: int, proposition_pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    proposition = _proposition(dossier, proposition_pk)
    return _formulaire(
        request,
        dossier,
        CaduciteForm(request.POST or None),
        titre="Écarter la caducité proposée",
        action=lambda d: services.caducite_ecarter(
            proposition=proposition, par=request.user, motif=d["motif"]
        ),
        succes="Proposition de caducité écartée.",
        retour=_retour(dossier),
    )


def cloturer(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    return _formulaire(
        request,
        dossier,
        ConfirmerForm(request.POST or None),
        titre="Clôturer le dossier",
        action=lambda d: services.dossier_cloturer(dossier=dossier, par=request.user),
        succes="Dossier clôturé.",
        retour=_retour(dossier),
    )


def versements(request: HttpRequest) -> HttpResponse:
    """The payments queue of the user's financeurs: filters, then « mandaté » for a selection."""
    financeurs = acces.financeurs_de(request.user)
    if not financeurs.exists():
        raise PermissionDenied
    filtres = FiltresVersementsForm(request.GET or None, financeurs=financeurs)
    criteres = filtres.cleaned_data if filtres.is_valid() else {}
    demandes = selectors.file_versements(
        request.user,
        financeur=criteres.get("financeur"),
        etat=criteres.get("etat"),
        type_=criteres.get("type"),
        recherche=criteres.get("q", ""),
    )
    page = Paginator(demandes, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "execution/versements.html",
        {
            "title": "Versements",
            "filtres": filtres,
            "page": page,
            "form_lot": MandaterLotForm(demandes=DemandeVersement.objects.none()),
            "a_mandater": EtatDemande.ACCEPTEE,
        },
    )


@require_POST
def versements_mandater(request: HttpRequest) -> HttpResponse:
    financeurs = acces.financeurs_de(request.user)
    if not financeurs.exists():
        raise PermissionDenied
    form = MandaterLotForm(
        request.POST,
        demandes=DemandeVersement.objects.filter(
            acte__financeur__in=financeurs,
            etat=EtatDemande.ACCEPTEE,
            acte__dossier__in=acces.dossiers_executables(request.user),
        ),
    )
    if not form.is_valid():
        messages.error(request, "Choisissez des demandes acceptées et la date du mandatement.")
        return redirect("execution:versements")
    faits, deja = services.versements_mandater_en_lot(
        demandes=list(form.cleaned_data["demandes"]),
        par=request.user,
        mandate_le=form.cleaned_data["mandate_le"],
    )
    messages.success(request, f"{faits} versement(s) mandaté(s).")
    if deja:
        messages.warning(request, f"Action déjà effectuée ou impossible pour {deja} demande(s).")
    return redirect("execution:versements")
