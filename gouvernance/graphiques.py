"""Horizontal bar charts drawn as SVG by the server: no script, nothing for the CSP to allow.

Each chart is followed on the page by the table of its numbers, which is its text alternative.
"""

from dataclasses import dataclass
from decimal import Decimal

HAUTEUR_LIGNE = 38
BLEU, ROUGE, GRIS = "#000091", "#ce0500", "#929292"


@dataclass
class Barre:
    libelle: str
    valeur: str  # already formatted, shown after the label
    largeur: str  # "42.5%" of the drawing's width
    couleur: str
    y_texte: int
    y_barre: int


@dataclass
class Graphique:
    code: str
    titre: str
    barres: list[Barre]

    @property
    def hauteur(self) -> int:
        return max(1, len(self.barres)) * HAUTEUR_LIGNE + 6


def graphique(code, titre, donnees, *, maximum=None) -> Graphique:
    """donnees: (libellé, value, formatted value, colour or None) tuples; bars scale to the max."""
    valeurs = [Decimal(v or 0) for _, v, _, _ in donnees]
    plafond = Decimal(maximum) if maximum else max(valeurs, default=Decimal(0))
    barres = []
    for i, ((libelle, _, texte, couleur), valeur) in enumerate(zip(donnees, valeurs, strict=True)):
        part = min(valeur / plafond, Decimal(1)) if plafond else Decimal(0)
        barres.append(
            Barre(
                libelle=libelle,
                valeur=texte,
                largeur=f"{max(part * 100, Decimal('0.3')):.1f}%",
                couleur=couleur or BLEU,
                y_texte=i * HAUTEUR_LIGNE + 14,
                y_barre=i * HAUTEUR_LIGNE + 20,
            )
        )
    return Graphique(code=code, titre=titre, barres=barres)
