from django.db import models


class Usage(models.TextChoices):
    """What an uploaded file is for: each use accepts its own formats."""

    PIECE = "piece", "Pièce justificative"
    PIECE_JOINTE = "piece_jointe", "Pièce jointe d'un message"
    IMPORT = "import", "Import du référentiel"


class StatutAntivirus(models.TextChoices):
    # A file waits here while the scanner is unreachable; nobody may download it.
    EN_ANALYSE = "en_analyse", "En cours d'analyse"
    SAIN = "sain", "Sain"


class EvenementAntivirus(models.TextChoices):
    REFUSE = "refuse", "Refusé au téléversement"
    SUPPRIME = "supprime", "Supprimé de la quarantaine"
