"""The region's names over time: the titles of the préfet and of the Conseil régional on a date.

The contract was signed in 2015 by the préfet de la région Nord–Pas-de-Calais and the président
du Conseil régional du Nord–Pas-de-Calais. The region merged with Picardie on 1 January 2016
(loi n° 2015-29 du 16 janvier 2015), under the provisional name of Nord–Pas-de-Calais–Picardie
until décret n° 2016-1267 du 28 septembre 2016 named it Hauts-de-France (from 30 September 2016).
Every title a page, a PDF or a co-signature block shows comes from here, for the date of what it
shows: a 2015 letter keeps the 2015 titles, whenever it is printed.

The contract's own name (« Contrat de plan État-région Nord–Pas-de-Calais 2015-2020 ») is a
name, not a title: it never changes.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Appellation:
    nom: str  # « la région Hauts-de-France »
    de: str  # « du Conseil régional des Hauts-de-France »: the name after « de »

    @property
    def prefet(self) -> str:
        return f"Le préfet de la région {self.nom}, préfet du Nord"

    @property
    def conseil_regional(self) -> str:
        return f"Conseil régional {self.de}"

    @property
    def president(self) -> str:
        return f"Le président du Conseil régional {self.de}"

    @property
    def bloc_marque(self) -> str:
        """The State's brand block (Marianne), lines separated by <br>."""
        return f"Préfet<br>de la région<br>{self.nom}"


NORD_PAS_DE_CALAIS = Appellation("Nord–Pas-de-Calais", "du Nord–Pas-de-Calais")
NORD_PAS_DE_CALAIS_PICARDIE = Appellation(
    "Nord–Pas-de-Calais–Picardie", "du Nord–Pas-de-Calais–Picardie"
)
HAUTS_DE_FRANCE = Appellation("Hauts-de-France", "des Hauts-de-France")

# (first day, appellation), oldest first.
PERIODES = [
    (datetime.date.min, NORD_PAS_DE_CALAIS),
    (datetime.date(2016, 1, 1), NORD_PAS_DE_CALAIS_PICARDIE),
    (datetime.date(2016, 9, 30), HAUTS_DE_FRANCE),
]


def _jour(le) -> datetime.date:
    if le is None:
        return timezone.localdate()
    if isinstance(le, datetime.datetime):
        return timezone.localdate(le) if timezone.is_aware(le) else le.date()
    return le


def au(le=None) -> Appellation:
    """The appellation in force on a date (a date or an aware datetime; today when None)."""
    jour = _jour(le)
    return next(a for debut, a in reversed(PERIODES) if jour >= debut)


# Every spelling of every period, longest first: « des Hauts-de-France » before the bare name,
# Picardie's before Nord–Pas-de-Calais' own, en dash or hyphen.
def _motif(texte: str) -> str:
    return re.escape(texte).replace("–", "[–-]")


_FORMES = sorted({forme for _, a in PERIODES for forme in (a.de, a.nom)}, key=len, reverse=True)
_MOTIF = re.compile("|".join(_motif(forme) for forme in _FORMES))


def dater(texte: str, le=None) -> str:
    """A title written under any appellation (an admin's text, a guichet's name), with the
    appellation in force on `le`: « Le préfet de la région Hauts-de-France » in 2015 reads
    « Le préfet de la région Nord–Pas-de-Calais »."""
    appellation = au(le)

    def remplacer(trouve):
        return appellation.de if trouve.group(0)[:3] in ("du ", "des") else appellation.nom

    return _MOTIF.sub(remplacer, texte or "")
