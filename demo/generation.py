"""The demo generator: stages run in order, in one transaction, each timed.

Everything is drawn in memory first (plans, amounts, numbers), then written with COPY, the
big tables' constraints set aside meanwhile (chargement.py). The kept aggregates are rebuilt
from what was written, and fresh statistics let the first pages be planned on real sizes.
The data are invented but follow the rules the services enforce (see each stage's module).
"""

import contextlib
import random
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django_fsm_log.models import StateLog

from cper.comptes.models import User
from dossiers import agregats
from dossiers.models import (
    Dossier,
    LigneDepense,
    LigneFinancement,
    MembreStructure,
    Piece,
    Recepisse,
    Structure,
)
from execution.models import Acte, Commencement, DemandeVersement, OrdreReversement
from gouvernance.models import Decision, MontantProgramme, PointOrdreDuJour, Seance
from instruction import suivi
from instruction.models import Avis, DemandeComplements, MontantPropose, Routage

from . import calendrier, depot, dossiers, execution, historique, instruction, seances, structures
from .chargement import SEUIL_SUSPENSION, Chargement
from .comptes import Acteurs, assurer_comptes_et_mandats, lire_referentiel
from .identifiants import PREFIXE_SIREN_DEMO

# The tables that grow with the number of dossiers: their constraints wait for a big load.
GRANDES_TABLES = [
    Dossier,
    Dossier.communes.through,
    LigneDepense,
    LigneFinancement,
    Piece,
    Recepisse,
    StateLog,
    Routage,
    DemandeComplements,
    Avis,
    MontantPropose,
    PointOrdreDuJour,
    Decision,
    MontantProgramme,
    # DemandeVersement below: PostgreSQL prints its partial unique indexes back in another
    # form than it was given, so they stay in force during the load; its foreign keys wait.
    Acte,
    Commencement,
    OrdreReversement,
]
PETITES_TABLES = [User, User.groups.through, Structure, MembreStructure, Seance]


@dataclass
class Rapport:
    dossiers: int = 0
    lignes: dict = field(default_factory=dict)
    etapes: dict = field(default_factory=dict)  # stage -> seconds
    _debut: float = field(default_factory=time.monotonic)

    def top(self, etape: str) -> None:
        maintenant = time.monotonic()
        self.etapes[etape] = self.etapes.get(etape, 0) + maintenant - self._debut
        self._debut = maintenant

    def __str__(self):
        return f"{self.dossiers} dossiers, {sum(self.lignes.values())} lignes écrites"


def generer(nombre: int, *, graine: int = 2015, acteurs: Acteurs | None = None) -> Rapport:
    """Create `nombre` demo dossiers with their whole history (one transaction)."""
    acteurs = acteurs or assurer_comptes_et_mandats()
    rapport = Rapport()
    with transaction.atomic():
        grand = _generer(random.Random(graine), nombre, acteurs, rapport)  # noqa: S311 - not secrets
    rapport.top("validation (commit)")
    if grand and not connection.in_atomic_block:
        # The visibility map of the rows just written, as autovacuum would set it later:
        # counts and lists read their indexes alone from the first page on.
        with connection.cursor() as curseur:
            curseur.execute("VACUUM")
        rapport.top("VACUUM")
    return rapport


def _generer(alea, nombre: int, acteurs: Acteurs, rapport: Rapport) -> bool:
    """Returns whether the load was big (its constraints set aside)."""
    chargement = Chargement()
    referentiel = lire_referentiel()
    dates_seances = calendrier.seances()
    grand = nombre >= SEUIL_SUSPENSION and nombre >= Dossier.objects.count()
    neuf = not Dossier.objects.filter(structure=acteurs.structure_porteur).exists()
    lesquelles = structures.tirer(alea, chargement, referentiel, acteurs, nombre)
    plans = dossiers.tirer(alea, referentiel, lesquelles, nombre, dates_seances, neuf)
    rapport.top("parcours")
    dossiers.fixer_montants(alea, referentiel, plans)
    executions = execution.tirer(alea, plans)
    rapport.top("montants")
    depot.numeroter(plans)
    instruction.verifier_structures(plans, acteurs)
    rapport.top("numéros")
    suspension = (
        chargement.suspendre(GRANDES_TABLES, cles_seules=[DemandeVersement])
        if grand
        else contextlib.nullcontext()
    )
    with suspension:
        rapport.top("contraintes levées")
        structures.ecrire(chargement, lesquelles, acteurs)
        dossiers.ecrire(chargement, referentiel, plans)
        rapport.top("dossiers")
        depot.ecrire(chargement, plans, acteurs)
        rapport.top("dépôt")
        instruction.ecrire(chargement, referentiel, plans, acteurs)
        rapport.top("instruction")
        seances.ecrire(chargement, referentiel, plans, acteurs, dates_seances)
        rapport.top("séances")
        execution.ecrire(chargement, referentiel, plans, executions, acteurs)
        rapport.top("exécution")
        historique.ecrire(chargement, plans, acteurs, dates_seances)
        rapport.top("historique")
    rapport.top("index et contraintes")
    chargement.analyser(PETITES_TABLES)
    rapport.top("statistiques")
    seances.observer(chargement, plans, acteurs)
    # The dashboards' kept rows, rebuilt from everything just written (set-based).
    chargement.lignes["agrégats"] = agregats.reconstruire()
    # The instructors' kept instruction state, from the routings and avis just written.
    chargement.lignes["états d'instruction"] = suivi.reconstruire()
    rapport.top("agrégats")
    rapport.dossiers = len(plans)
    rapport.lignes = chargement.lignes
    return grand


def donnees_demo_presentes() -> bool:
    return Dossier.objects.filter(structure__siret__startswith=PREFIXE_SIREN_DEMO).exists()
