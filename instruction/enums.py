from django.db import models


class Cote(models.TextChoices):
    """The two sides that instruct every dossier jointly."""

    ETAT = "etat", "État"
    REGION = "region", "Région"


class SensAvis(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    FAVORABLE_SOUS_RESERVE = "favorable_sous_reserve", "Favorable sous réserve"
    DEFAVORABLE = "defavorable", "Défavorable"
