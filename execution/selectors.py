"""Reads of the execution: a dossier's acts and payments, the payments queue per financeur."""

import itertools

from django.db.models import Prefetch, Q

from dossiers.models.dossier import est_gestionnaire_du_dossier
from execution.acces import financeurs_de
from execution.enums import EtatActe, EtatDemande
from execution.models import (
    Acte,
    DemandeVersement,
    OrdreReversement,
    PieceExecution,
    PropositionCaducite,
    Prorogation,
    VersionActe,
)
from gouvernance.models import PointOrdreDuJour


def actes_notifies(dossier) -> list[Acte]:
    return list(
        Acte.objects.filter(dossier=dossier, etat=EtatActe.NOTIFIE)
        .select_related("financeur")
        .order_by("financeur__ordre", "-version")
    )


def actes_du_dossier(dossier, *, notifies_seulement=False) -> list[Acte]:
    """The dossier's acts with their requests, reversements, files, prorogations, caducité
    proposals and replaced versions (seven queries)."""
    actes = Acte.objects.filter(dossier=dossier).select_related("financeur")
    if notifies_seulement:
        actes = actes.filter(etat=EtatActe.NOTIFIE)
    return list(
        actes.prefetch_related(
            Prefetch("demandes", queryset=DemandeVersement.objects.order_by("deposee_le", "pk")),
            Prefetch("reversements", queryset=OrdreReversement.objects.order_by("emis_le", "pk")),
            Prefetch("pieces", queryset=PieceExecution.objects.order_by("created_at", "pk")),
            Prefetch("prorogations", queryset=Prorogation.objects.order_by("demandee_le", "pk")),
            Prefetch("versions", queryset=VersionActe.objects.order_by("version")),
            Prefetch(
                "propositions_caducite",
                queryset=PropositionCaducite.objects.order_by("proposee_le", "pk"),
            ),
        ).order_by("financeur__ordre", "-version")
    )


def historique_decisions(dossier) -> dict:
    """The séances' decisions on the dossier and the acts that carried them out (three queries)."""
    decisions = list(
        PointOrdreDuJour.objects.filter(dossier=dossier, decision__isnull=False)
        .select_related("seance", "decision")
        .prefetch_related("decision__montants__financeur")
        .order_by("seance__date")
    )
    actes = list(
        Acte.objects.filter(dossier=dossier).select_related("financeur").order_by("created_at")
    )
    return {"decisions": decisions, "actes": actes}


def peut_executer(user, dossier) -> bool:
    return est_gestionnaire_du_dossier(dossier, user)


def file_versements(user, *, financeur=None, etat=None, type_=None, recherche=""):
    """The requests of the user's financeurs on the dossiers they carry out, oldest first."""
    demandes = DemandeVersement.objects.filter(acte__financeur__in=financeurs_de(user))
    if financeur is not None:
        demandes = demandes.filter(acte__financeur=financeur)
    if etat:
        demandes = demandes.filter(etat=etat)
    else:
        # To handle, or to mandate (a solde accepted at zero has nothing to pay).
        demandes = demandes.filter(
            Q(etat=EtatDemande.DEPOSEE) | Q(etat=EtatDemande.ACCEPTEE, montant_accepte__gt=0)
        )
    if type_:
        demandes = demandes.filter(type=type_)
    if recherche:
        demandes = demandes.filter(
            Q(acte__dossier__numero__icontains=recherche)
            | Q(acte__dossier__intitule__icontains=recherche)
        )
    return demandes.select_related("acte__financeur", "acte__dossier__structure").order_by(
        "deposee_le", "pk"
    )


LIBELLES_AVENANT = {
    "montant": "Montant de la subvention",
    "assiette": "Dépense subventionnable",
    "date_limite_commencement": "Date limite de commencement",
    "date_limite_achevement": "Date limite d'achèvement",
}


def avenants_de(acte) -> list[dict]:
    """Each avenant of the act (from its prefetched versions): the version it replaced, its
    motive and what changed, before → after. No query."""
    etats = [*acte.versions.all(), acte]
    avenants = []
    for avant, apres in itertools.pairwise(etats):
        avenants.append(
            {
                "numero": avant.version,
                "version": avant,
                "motif": avant.motif_avenant,
                "le": avant.remplacee_le,
                "differences": [
                    (libelle, getattr(avant, champ), getattr(apres, champ), champ)
                    for champ, libelle in LIBELLES_AVENANT.items()
                    if getattr(avant, champ) != getattr(apres, champ)
                ],
            }
        )
    return avenants
