"""Each demo dossier's path through the state machine (DESIGN.md §3), with plausible dates."""

import bisect
import datetime
from dataclasses import dataclass, field

from dossiers.enums import EtatDossier as E

from .calendrier import AUJOURDHUI, date_de_depot, duree

# (transition, source, target, moment): one StateLog row each.
Jalon = tuple[str, str, str, datetime.datetime]
UNE_HEURE = datetime.timedelta(hours=1)
DIX_JOURS = datetime.timedelta(days=10)
# The deadline the demo's requests for complements give (instruction.py's ECHEANCE).
ECHEANCE_COMPLEMENTS = datetime.timedelta(days=30)


@dataclass(slots=True)
class Parcours:
    jalons: list[Jalon] = field(default_factory=list)
    # Where `completer` will send an incomplete dossier back (etat_avant_complements).
    retour: str = ""
    # Index of the séance that decided it, in calendrier.seances().
    seance: int | None = None

    def passer(self, transition: str, source: str, cible: str, moment) -> datetime.datetime:
        self.jalons.append((transition, source, cible, moment))
        return moment

    def moment_de(self, transition: str) -> datetime.datetime | None:
        """When the path first took `transition`, if it did."""
        return next((j[3] for j in self.jalons if j[0] == transition), None)

    @property
    def moment(self) -> datetime.datetime:
        return self.jalons[-1][3]


def parcours(alea, etat: str, seances: list[datetime.datetime]) -> Parcours:
    """The transitions that lead a new draft to `etat`, dated and in order."""
    p = Parcours()
    if etat == E.BROUILLON:
        return p
    p.passer("deposer", E.BROUILLON, E.DEPOSE, date_de_depot(alea, etat))
    if not _au_guichet(alea, p, etat):
        _en_instruction(alea, p, etat, seances)
    _avant(p, AUJOURDHUI - datetime.timedelta(days=1))
    return p


def _au_guichet(alea, p: Parcours, etat: str) -> bool:
    """The guichet's part; True when the path ends there."""
    if etat == E.DEPOSE:
        return True
    if etat == E.INCOMPLET and alea.random() < 0.6:
        p.passer("demander_complements", E.DEPOSE, E.INCOMPLET, p.moment + duree(alea, 3, 40))
        p.retour = E.DEPOSE
        return True
    if etat == E.IRRECEVABLE:
        p.passer("declarer_irrecevable", E.DEPOSE, E.IRRECEVABLE, p.moment + duree(alea, 5, 60))
        return True
    if etat == E.CLASSE_SANS_SUITE:
        # The complements never came: closed by the guichet once the request's deadline passed.
        demande = p.passer(
            "demander_complements", E.DEPOSE, E.INCOMPLET, p.moment + duree(alea, 3, 40)
        )
        p.passer(
            "classer_sans_suite",
            E.INCOMPLET,
            E.CLASSE_SANS_SUITE,
            demande + ECHEANCE_COMPLEMENTS + duree(alea, 2, 30),
        )
        return True
    if etat == E.RETIRE and alea.random() < 0.5:
        p.passer("retirer", E.DEPOSE, E.RETIRE, p.moment + duree(alea, 5, 50))
        return True
    if alea.random() < 0.2:  # complements asked by the guichet, then given
        p.passer("demander_complements", E.DEPOSE, E.INCOMPLET, p.moment + duree(alea, 3, 25))
        p.passer("completer", E.INCOMPLET, E.DEPOSE, p.moment + duree(alea, 5, 30))
    p.passer("declarer_recevable", E.DEPOSE, E.EN_INSTRUCTION, p.moment + duree(alea, 4, 55))
    return False


def _en_instruction(alea, p: Parcours, etat: str, seances) -> None:
    """From recevable on: the groupe technique, then the séance."""
    if etat == E.INCOMPLET:
        moment = p.moment + duree(alea, 10, 60)
        p.passer("demander_complements", E.EN_INSTRUCTION, E.INCOMPLET, moment)
        p.retour = E.EN_INSTRUCTION
        return
    if etat == E.RETIRE:
        p.passer("retirer", E.EN_INSTRUCTION, E.RETIRE, p.moment + duree(alea, 20, 120))
        return
    if etat == E.EN_INSTRUCTION:
        return
    conclu = p.passer(
        "conclure_instruction", E.EN_INSTRUCTION, E.INSTRUIT, p.moment + duree(alea, 20, 200)
    )
    if etat == E.INSTRUIT:
        return
    # The first séance at least ten days after the instruction closed.
    p.seance = min(bisect.bisect_left(seances, conclu + DIX_JOURS), len(seances) - 1)
    date_seance = max(seances[p.seance], conclu + UNE_HEURE)
    transition = "programmer" if etat == E.PROGRAMME else "rejeter"
    p.passer(transition, E.INSTRUIT, etat, date_seance + 2 * UNE_HEURE)


def _avant(p: Parcours, limite: datetime.datetime) -> None:
    """Move a path that would end after `limite` back by whole days: it happened earlier."""
    if p.moment <= limite:
        return
    recul = datetime.timedelta(days=(p.moment - limite).days + 1)
    p.jalons = [(t, s, c, moment - recul) for t, s, c, moment in p.jalons]
