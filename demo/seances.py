"""Stage 6: the instance de pilotage — séances, agendas, decisions, programmed amounts — and
the observations of the concertation member.

A séance every two months since 2016, closed after deciding its agenda; the next one, in
preparation, already has a dozen instructed dossiers on its agenda.
"""

import datetime
from collections import defaultdict

from dossiers.enums import EtatDossier as E
from gouvernance.enums import EtatSeance, SensDecision, TypeInstance
from gouvernance.models import (
    Decision,
    Instance,
    MembreInstance,
    MontantProgramme,
    Observation,
    PointOrdreDuJour,
    Seance,
)
from gouvernance.perimetres import dossiers_du_territoire

from .calendrier import seance_en_preparation
from .chargement import euros

LIEU = "Préfecture de la région, Lille"
DUREE = datetime.timedelta(hours=3)
CONVOCATION = datetime.timedelta(days=15)
MOTIF_REJET = "Avis défavorable du groupe technique."
OBSERVATION = "Projet attendu par les communes du territoire ; le calendrier paraît tenable."
A_L_ORDRE_DU_JOUR = 12


def ecrire(chargement, referentiel, plans, acteurs, seances: list[datetime.datetime]) -> None:
    instance = Instance.objects.du_type(TypeInstance.PILOTAGE)
    decides = [p for p in plans if p.parcours.seance is not None]
    utiles = sorted({p.parcours.seance for p in decides})
    ids = dict(zip(utiles, chargement.ids(Seance, len(utiles)), strict=True))
    chargement.copier(
        Seance,
        CHAMPS_SEANCE,
        (
            (
                ids[i],
                instance.pk,
                seances[i],
                LIEU,
                EtatSeance.CLOSE,
                "",
                seances[i] - CONVOCATION,
                "",
                seances[i] + DUREE,
                acteurs.pilotage.pk,
                seances[i] - 2 * CONVOCATION,
            )
            for i in utiles
        ),
    )
    _decisions(chargement, referentiel, decides, ids, acteurs)
    _en_preparation(chargement, instance, plans, acteurs)


CHAMPS_SEANCE = [
    "id",
    "instance",
    "date",
    "lieu",
    "etat",
    "convocation",
    "convocation_envoyee_le",
    "releve",
    "close_le",
    "creee_par",
    "created_at",
]


def _decisions(chargement, referentiel, decides, seances: dict, acteurs) -> None:
    """One agenda item and its decision per decided dossier, numbered within its séance."""
    points = chargement.ids(PointOrdreDuJour, len(decides))
    decisions = chargement.ids(Decision, len(decides))
    ordres = defaultdict(int)
    lignes_points = []
    for pk, p in zip(points, decides, strict=True):
        ordres[p.parcours.seance] += 1
        lignes_points.append((pk, seances[p.parcours.seance], p.pk, ordres[p.parcours.seance]))
    chargement.copier(PointOrdreDuJour, ["id", "seance", "dossier", "ordre"], lignes_points)
    chargement.copier(
        Decision,
        ["id", "point", "sens", "motif", "decidee_par", "created_at"],
        (
            (
                pk,
                point,
                SensDecision.REJETE if p.etat == E.REJETE else SensDecision.PROGRAMME,
                MOTIF_REJET if p.etat == E.REJETE else "",
                acteurs.pilotage.pk,
                p.parcours.moment,
            )
            for pk, point, p in zip(decisions, points, decides, strict=True)
        ),
    )
    financeurs = {code: f.pk for code, f in referentiel.financeurs.items()}
    chargement.copier(
        MontantProgramme,
        ["decision", "financeur", "montant"],
        (
            (pk, financeurs[code], euros(montant))
            for pk, p in zip(decisions, decides, strict=True)
            for code, montant in p.programmes.items()
        ),
    )


def _en_preparation(chargement, instance, plans, acteurs) -> None:
    date = seance_en_preparation()
    seance = Seance.objects.create(
        instance=instance, date=date, lieu=LIEU, creee_par=acteurs.pilotage
    )
    Seance.objects.filter(pk=seance.pk).update(created_at=date - 2 * CONVOCATION)
    instruits = [p for p in plans if p.etat == E.INSTRUIT][:A_L_ORDRE_DU_JOUR]
    chargement.copier(
        PointOrdreDuJour,
        ["seance", "dossier", "ordre"],
        ((seance.pk, p.pk, i) for i, p in enumerate(instruits, 1)),
    )


def observer(chargement, plans, acteurs) -> None:
    """A few observations of the concertation member on dossiers of the Côte d'Opale."""
    mandat = MembreInstance.objects.filter(user=acteurs.concertation).first()
    if not plans or mandat is None or mandat.territoire is None:
        return
    nouveaux = {p.pk: p for p in plans}
    sur_le_territoire = (
        dossiers_du_territoire(mandat)
        .filter(pk__gte=min(nouveaux))
        .order_by("pk")
        .values_list("pk", flat=True)[: max(3, len(plans) // 50)]
    )
    chargement.copier(
        Observation,
        ["dossier", "auteur", "texte", "created_at"],
        (
            (pk, acteurs.concertation.pk, OBSERVATION, nouveaux[pk].parcours.moment)
            for pk in sur_le_territoire
            if pk in nouveaux
        ),
    )
