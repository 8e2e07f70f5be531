"""What the execution adds to the pages of the floors below (registered in AppConfig.ready)."""

from django.urls import reverse

from dossiers.enums import EtatDossier as E
from execution import selectors

ETATS_VISIBLES = {E.ATTRIBUE, E.EN_COURS, E.SOLDE, E.CLOTURE, E.CADUC, E.ABANDONNE, E.PROGRAMME}


def lien_porteur(dossier) -> dict | None:
    """The porteur's way to their acts and payments, once the dossier is programmed."""
    if dossier.etat not in ETATS_VISIBLES:
        return None
    return {
        "libelle": "Demander un versement" if dossier.etat == E.EN_COURS else "Actes et versements",
        "url": reverse("execution:porteur", args=[dossier.pk]),
        "principal": dossier.etat in {E.ATTRIBUE, E.EN_COURS},
    }


def bloc_porteur(request, dossier) -> dict | None:
    """The notified acts and their deadlines on the porteur's page of exchanges (two queries)."""
    if dossier.etat not in ETATS_VISIBLES:
        return None
    return {
        "template": "execution/includes/_actes_porteur.html",
        "actes": selectors.actes_notifies(dossier),
        "url": reverse("execution:porteur", args=[dossier.pk]),
        "etat": dossier.etat,
    }


# Decisions exist from the first séance on: before « instruit » the page spends no query on them
# (an adjourned dossier shows its history again once instruit).
ETATS_DECIDABLES = ETATS_VISIBLES | {E.INSTRUIT, E.REJETE}


def bloc_agent(request, dossier) -> dict | None:
    """The decision history (séances, acts) on the agents' dossier page (three queries)."""
    if dossier.etat not in ETATS_DECIDABLES:
        return None
    historique = selectors.historique_decisions(dossier)
    if not historique["decisions"] and not historique["actes"]:
        return None
    return {
        "template": "execution/includes/_historique_agent.html",
        **historique,
        "url": reverse("execution:dossier", args=[dossier.pk])
        if selectors.peut_executer(request.user, dossier)
        else None,
    }
