from django.db import models


class Cote(models.TextChoices):
    """The two sides that instruct every dossier jointly."""

    ETAT = "etat", "État"
    REGION = "region", "Région"


class SensAvis(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    FAVORABLE_SOUS_RESERVE = "favorable_sous_reserve", "Favorable sous réserve"
    DEFAVORABLE = "defavorable", "Défavorable"


def avis_divergents(*sens) -> bool:
    """Both avis given, one against and the other for (with or without reservations)."""
    donnes = [s for s in sens if s]
    return len(donnes) == 2 and (SensAvis.DEFAVORABLE in donnes) and len(set(donnes)) == 2
