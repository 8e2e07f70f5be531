from django.db import models


class TypeInstance(models.TextChoices):
    PILOTAGE = "pilotage", "Instance de pilotage et de suivi"
    CONCERTATION = "concertation", "Instance de concertation avec les territoires"


class RoleMembre(models.TextChoices):
    PRESIDENCE = "presidence", "Présidence"
    MEMBRE = "membre", "Membre"
    SECRETARIAT = "secretariat", "Secrétariat"


class NatureInteret(models.TextChoices):
    """What a member declares an interest in (a structure, or a mandate in a collectivité)."""

    STRUCTURE = "structure", "Structure (salarié, dirigeant, administrateur, associé)"
    COMMUNE = "commune", "Mandat communal"
    EPCI = "epci", "Mandat intercommunal (EPCI)"
    DEPARTEMENT = "departement", "Mandat départemental"


class EtatSeance(models.TextChoices):
    PREPARATION = "preparation", "En préparation"
    CONVOQUEE = "convoquee", "Convoquée"
    CLOSE = "close", "Close"


class SensDecision(models.TextChoices):
    PROGRAMME = "programme", "Programmé"
    AJOURNE = "ajourne", "Ajourné"
    REJETE = "rejete", "Rejeté"


class EtatExport(models.TextChoices):
    EN_PREPARATION = "en_preparation", "En préparation"
    PRET = "pret", "Prêt"
    ECHEC = "echec", "Échec"


class FormatExport(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX (Excel)"


class PageExport(models.TextChoices):
    PILOTAGE = "pilotage", "Tableau de bord de l'instance de pilotage"
    TERRITOIRE = "territoire", "Tableau de bord du territoire"
