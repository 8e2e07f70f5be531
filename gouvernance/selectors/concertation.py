"""Séances of the instance de concertation: one territory, its dossiers, its observations."""

from collections import defaultdict

from django.shortcuts import get_object_or_404

from dossiers.enums import EtatDossier as E
from gouvernance.enums import RoleMembre, TypeInstance
from gouvernance.models import Observation, Seance
from gouvernance.perimetres import dossiers_du_territoire

# Dossiers still under consideration are the ones the territory may still weigh in on.
ETATS_A_L_ORDRE_DU_JOUR = [E.DEPOSE, E.INCOMPLET, E.EN_INSTRUCTION, E.INSTRUIT]
DOSSIERS_AFFICHES = 100


def anime(mandat) -> bool:
    """The territory's présidence and secretariat hold its séances and write their minutes."""
    return mandat is not None and mandat.role in (RoleMembre.PRESIDENCE, RoleMembre.SECRETARIAT)


def seances_du_territoire(mandat):
    """Séances of the concertation held for the member's territory, newest first."""
    if mandat is None or mandat.territoire is None:
        return Seance.objects.none()
    return Seance.objects.filter(
        instance__type=TypeInstance.CONCERTATION,
        departement=mandat.departement_id,
        epci=mandat.epci_id,
        pole=mandat.pole_id,
    ).select_related("departement", "epci", "pole")


def seance_du_territoire_ou_404(mandat, pk) -> Seance:
    return get_object_or_404(seances_du_territoire(mandat), pk=pk)


def ordre_du_jour(seance, mandat) -> list:
    """The territory's dossiers under consideration, each with the observations recorded in
    this séance (two queries, at most 100 dossiers, by number)."""
    dossiers = list(
        dossiers_du_territoire(mandat)
        .filter(etat__in=ETATS_A_L_ORDRE_DU_JOUR)
        .select_related("structure", "volet")
        .order_by("numero")[:DOSSIERS_AFFICHES]
    )
    notes = defaultdict(list)
    for observation in Observation.objects.filter(
        seance=seance, dossier__in=[d.pk for d in dossiers]
    ).select_related("auteur"):
        notes[observation.dossier_id].append(observation)
    for dossier in dossiers:
        dossier.observations_de_seance = notes[dossier.pk]
    return dossiers
