from django.db import models


class TypeInstance(models.TextChoices):
    PILOTAGE = "pilotage", "Instance de pilotage et de suivi"
    CONCERTATION = "concertation", "Instance de concertation avec les territoires"


class RoleMembre(models.TextChoices):
    PRESIDENCE = "presidence", "Présidence"
    MEMBRE = "membre", "Membre"
    SECRETARIAT = "secretariat", "Secrétariat"


class EtatSeance(models.TextChoices):
    PREPARATION = "preparation", "En préparation"
    CONVOQUEE = "convoquee", "Convoquée"
    CLOSE = "close", "Close"


class SensDecision(models.TextChoices):
    PROGRAMME = "programme", "Programmé"
    AJOURNE = "ajourne", "Ajourné"
    REJETE = "rejete", "Rejeté"
