"""The porteur's side of the execution: their acts, the start, the payment requests."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cper.comptes.decorators import role_requis
from cper.comptes.enums import Role
from cper.televersement.forms import designer_deposant
from cper.televersement.reponses import servir_fichier
from cper.vues import DEJA_FAIT, deja_effectuee
from dossiers.enums import ETATS_PROGRAMMES
from dossiers.enums import EtatDossier as E
from execution import acces, selectors, services
from execution.enums import ETATS_DEMANDE_OUVERTE, EtatActe, TypeVersement
from execution.enums import TypePieceExecution as P
from execution.forms import (
    AbandonnerForm,
    CommencementForm,
    CompleterDemandeForm,
    DemandeVersementForm,
    ProrogationForm,
)
from execution.models import Acte, DemandeVersement, PieceExecution, VersionActe

ETATS_PORTEUR = {*ETATS_PROGRAMMES, E.CADUC, E.ABANDONNE}


def _dossier(request, pk):
    dossier = acces.dossier_du_porteur_ou_404(request.user, pk)
    if dossier.etat not in ETATS_PORTEUR:
        raise Http404("Dossier introuvable")
    return dossier


def _erreur(form, erreur: ValidationError) -> None:
    form.add_error(None, erreur)


@role_requis(Role.PORTEUR)
def porteur(request: HttpRequest, pk: int) -> HttpResponse:
    """The porteur's acts (notified ones), deadlines, requests and reversements."""
    dossier = _dossier(request, pk)
    actes = selectors.actes_du_dossier(dossier, notifies_seulement=True)
    for acte in actes:
        acte.avenants = selectors.avenants_de(acte)
        demandes = list(acte.demandes.all())
        acte.ouverte = next((d for d in demandes if d.etat in ETATS_DEMANDE_OUVERTE), None)
        acte.verse = sum((d.montant_mandate for d in demandes if d.montant_mandate), 0)
        acte.peut_demander = (
            dossier.etat == E.EN_COURS and acte.ouverte is None and acte.solde_le is None
        )
    return render(
        request,
        "execution/porteur.html",
        {
            "title": f"Exécution — dossier {dossier.numero}",
            "dossier": dossier,
            "actes": actes,
            "commencement": getattr(dossier, "commencement", None),
            "peut_commencer": dossier.etat == E.ATTRIBUE,
            "peut_proroger": dossier.etat in (E.ATTRIBUE, E.EN_COURS),
            "peut_abandonner": dossier.etat in (E.PROGRAMME, E.ATTRIBUE, E.EN_COURS),
        },
    )


def _formulaire(request, dossier, form, *, titre, action, succes, retour=None, contexte=None):
    """GET: the form; POST: the service, its refusal next to the form, or the message."""
    retour = retour or ("execution:porteur", dossier.pk)
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except DEJA_FAIT:
            return deja_effectuee(request, *retour)
        except PermissionDenied:
            raise Http404("Dossier introuvable") from None
        except ValidationError as erreur:
            _erreur(form, erreur)
        else:
            messages.success(request, succes)
            return redirect(*retour)
    return render(
        request,
        "execution/action.html",
        {
            "title": f"{titre} — dossier {dossier.numero}",
            "titre": titre,
            "dossier": dossier,
            "form": form,
            "url_retour": reverse(retour[0], args=retour[1:]),
            "demande": None,
            "pieces": [],
            "rappel": "",
            **(contexte or {}),
        },
    )


@role_requis(Role.PORTEUR)
def commencer(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    form = CommencementForm(request.POST or None, request.FILES or None)
    designer_deposant(form, request.user)
    return _formulaire(
        request,
        dossier,
        form,
        titre="Déclarer le commencement du projet",
        action=lambda donnees: services.commencement_declarer(
            dossier=dossier,
            par=request.user,
            date=donnees["date"],
            description=donnees["description"],
            justificatif=donnees["justificatif"],
        ),
        succes="Commencement déclaré : vous pouvez demander vos versements.",
    )


@role_requis(Role.PORTEUR)
def demander_prorogation(request: HttpRequest, pk: int, acte_pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    acte = get_object_or_404(Acte, pk=acte_pk, dossier=dossier, etat=EtatActe.NOTIFIE)
    form = ProrogationForm(request.POST or None)
    return _formulaire(
        request,
        dossier,
        form,
        titre=f"Demander une prorogation — {acte.financeur}",
        action=lambda donnees: services.prorogation_demander(
            acte=acte,
            par=request.user,
            echeance=donnees["echeance"],
            nouvelle_date=donnees["nouvelle_date"],
            motif=donnees["motif"],
        ),
        succes="Demande de prorogation transmise au financeur.",
    )


@role_requis(Role.PORTEUR)
def demander_versement(request: HttpRequest, pk: int, acte_pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    acte = get_object_or_404(Acte, pk=acte_pk, dossier=dossier, etat=EtatActe.NOTIFIE)
    form = DemandeVersementForm(request.POST or None, request.FILES or None)
    designer_deposant(form, request.user)

    def action(donnees):
        pieces = [
            (P.ETAT_RECAPITULATIF, donnees["etat_recapitulatif"]),
            (P.FACTURES, donnees["factures"]),
            (P.PV_RECEPTION, donnees["pv_reception"]),
        ]
        type_ = donnees["type"]
        services.demande_versement_deposer(
            acte=acte,
            par=request.user,
            type=type_,
            montant=None if type_ == TypeVersement.SOLDE else donnees["montant"],
            depenses=None if type_ == TypeVersement.AVANCE else donnees["depenses"],
            commentaire=donnees["commentaire"],
            pieces=pieces,
        )

    return _formulaire(
        request,
        dossier,
        form,
        titre=f"Demander un versement — {acte.financeur}",
        action=action,
        succes="Demande de versement transmise.",
    )


@role_requis(Role.PORTEUR)
def completer_demande(request: HttpRequest, pk: int, demande_pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    demande = get_object_or_404(DemandeVersement, pk=demande_pk, acte__dossier=dossier)
    form = CompleterDemandeForm(request.POST or None, request.FILES or None)
    designer_deposant(form, request.user)
    return _formulaire(
        request,
        dossier,
        form,
        titre="Compléter la demande de versement",
        action=lambda donnees: services.demande_versement_completer(
            demande=demande,
            par=request.user,
            commentaire=donnees["commentaire"],
            pieces=[(P.AUTRE, donnees["fichier"])],
        ),
        succes="Compléments transmis.",
    )


@role_requis(Role.PORTEUR)
def abandonner(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    form = AbandonnerForm(request.POST or None)
    return _formulaire(
        request,
        dossier,
        form,
        titre="Renoncer au projet",
        action=lambda donnees: services.dossier_abandonner(
            dossier=dossier, par=request.user, motif=donnees["motif"]
        ),
        succes="Renonciation enregistrée.",
    )


def acte_telecharger(request: HttpRequest, pk: int, acte_pk: int) -> HttpResponse:
    """The act's PDF: the porteur once notified, the dossier's financeur agents always."""
    if acces.dossiers_executables(request.user).filter(pk=pk).exists():
        acte = get_object_or_404(Acte, pk=acte_pk, dossier_id=pk)
    else:
        dossier = acces.dossier_du_porteur_ou_404(request.user, pk)
        acte = get_object_or_404(Acte, pk=acte_pk, dossier=dossier, etat=EtatActe.NOTIFIE)
    if not acte.fichier:
        raise Http404("L'acte est en préparation : réessayez dans un instant.")
    return servir_fichier(
        acte.fichier,
        nom=f"acte-{acte.dossier_id}-{acte.financeur_id}.pdf",
        type_mime="application/pdf",
    )


def version_telecharger(request: HttpRequest, pk: int, acte_pk: int, version_pk: int):
    """A replaced version's PDF, to whoever may read the act."""
    if acces.dossiers_executables(request.user).filter(pk=pk).exists():
        acte = get_object_or_404(Acte, pk=acte_pk, dossier_id=pk)
    else:
        dossier = acces.dossier_du_porteur_ou_404(request.user, pk)
        acte = get_object_or_404(Acte, pk=acte_pk, dossier=dossier, etat=EtatActe.NOTIFIE)
    version = get_object_or_404(VersionActe, pk=version_pk, acte=acte)
    if not version.fichier:
        raise Http404("Pas de PDF pour cette version.")
    return servir_fichier(
        version.fichier,
        nom=f"acte-{acte.dossier_id}-{acte.financeur_id}-version-{version.version}.pdf",
        type_mime="application/pdf",
    )


def piece_telecharger(request: HttpRequest, pk: int, piece_pk: int) -> HttpResponse:
    if not acces.dossiers_executables(request.user).filter(pk=pk).exists():
        acces.dossier_du_porteur_ou_404(request.user, pk)
    piece = get_object_or_404(PieceExecution, pk=piece_pk, dossier_id=pk)
    return servir_fichier(
        piece.fichier,
        nom=piece.nom_original,
        type_mime=piece.type_mime,
        statut_antivirus=piece.statut_antivirus,
    )
