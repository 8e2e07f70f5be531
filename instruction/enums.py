from django.db import models


class Cote(models.TextChoices):
    """The two sides that instruct every dossier jointly."""

    ETAT = "etat", "État"
    REGION = "region", "Région"


class TypeCourrier(models.TextChoices):
    """The letters the guichet sends the porteur during the recevabilité, each a PDF."""

    ATTESTATION_COMPLET = "attestation_complet", "Attestation de dossier complet"
    DEMANDE_PIECES = "demande_pieces", "Demande de pièces complémentaires"
    IRRECEVABILITE = "irrecevabilite", "Décision d'irrecevabilité"
    CLASSEMENT = "classement", "Classement sans suite"


class SensAvis(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    FAVORABLE_SOUS_RESERVE = "favorable_sous_reserve", "Favorable sous réserve"
    DEFAVORABLE = "defavorable", "Défavorable"


def avis_divergents(*sens) -> bool:
    """Both avis given, one against and the other for (with or without reservations)."""
    donnes = [s for s in sens if s]
    return len(donnes) == 2 and (SensAvis.DEFAVORABLE in donnes) and len(set(donnes)) == 2
