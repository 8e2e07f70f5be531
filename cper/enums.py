from django.db import models


class EtatEffet(models.TextChoices):
    A_FAIRE = "a_faire", "À faire"
    FAIT = "fait", "Fait"
    ECHEC = "echec", "En échec"
