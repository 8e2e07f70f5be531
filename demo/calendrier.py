"""The demo's calendar: a contract near its end, every date between signature and 2020.

The demo is dated as seen on `AUJOURDHUI`, mid-October 2020: dossiers filed since 2015 are
programmed or closed, those of the last year are still in progress, and the séance in
preparation falls in November. Nothing the demo writes is dated after `FIN_CONTRAT`.
"""

import datetime
from zoneinfo import ZoneInfo

from dossiers.enums import EtatDossier as E

PARIS = ZoneInfo("Europe/Paris")
SIGNATURE = datetime.datetime(2015, 7, 10, 11, tzinfo=PARIS)
PREMIERS_DEPOTS = datetime.datetime(2015, 9, 1, 9, tzinfo=PARIS)
AUJOURDHUI = datetime.datetime(2020, 10, 15, 18, tzinfo=PARIS)
FIN_CONTRAT = datetime.datetime(2020, 12, 31, 18, tzinfo=PARIS)
# Where the dossiers still in progress were filed, in days before AUJOURDHUI (earliest, latest).
ANCIENNETE = {E.DEPOSE: (3, 60), E.INCOMPLET: (10, 120)}
ANCIENNETE_EN_COURS = (60, 330)
# Closed dossiers were filed at least this long before AUJOURDHUI.
RECUL_TERMINES = datetime.timedelta(days=400)
TERMINES = (E.PROGRAMME, E.REJETE, E.IRRECEVABLE, E.RETIRE, E.CLASSE_SANS_SUITE)


def heure_de_bureau(alea, moment: datetime.datetime) -> datetime.datetime:
    """The same day in Paris, between 8:00 and 18:00."""
    secondes = int(alea.random() * 10 * 3600)  # one draw: cheaper than three randrange
    return moment.astimezone(PARIS).replace(
        hour=8 + secondes // 3600, minute=secondes // 60 % 60, second=secondes % 60
    )


def date_entre(alea, debut: datetime.datetime, fin: datetime.datetime) -> datetime.datetime:
    secondes = int((fin - debut).total_seconds())
    return heure_de_bureau(
        alea, debut + datetime.timedelta(seconds=alea.randrange(max(secondes, 1)))
    )


def duree(alea, mini: int, maxi: int) -> datetime.timedelta:
    """A few days to a few months, the short ones more likely."""
    return datetime.timedelta(days=alea.triangular(mini, maxi, mini + (maxi - mini) / 3))


def seances() -> list[datetime.datetime]:
    """A séance every two months from January 2016 until three weeks before AUJOURDHUI."""
    dates, annee, mois = [], 2016, 1
    while (date := datetime.datetime(annee, mois, 15, 10, tzinfo=PARIS)) < AUJOURDHUI - (
        datetime.timedelta(days=20)
    ):
        dates.append(date)
        annee, mois = (annee + 1, mois - 10) if mois > 10 else (annee, mois + 2)
    return dates


def seance_en_preparation() -> datetime.datetime:
    return (AUJOURDHUI + datetime.timedelta(days=30)).replace(hour=10, minute=0, second=0)


def date_de_depot(alea, etat: str) -> datetime.datetime:
    if etat in TERMINES:
        return date_entre(alea, PREMIERS_DEPOTS, AUJOURDHUI - RECUL_TERMINES)
    depot = AUJOURDHUI - duree(alea, *ANCIENNETE.get(etat, ANCIENNETE_EN_COURS))
    return heure_de_bureau(alea, depot)
