from django.db import models


class StatutLivraison(models.TextChoices):
    A_ENVOYER = "a_envoyer", "À envoyer"
    LIVREE = "livree", "Livrée"
    ABANDONNEE = "abandonnee", "Abandonnée"
