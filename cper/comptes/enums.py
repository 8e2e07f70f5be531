from django.db import models


class Role(models.TextChoices):
    """The roles of DESIGN.md §1; each one is a Django group of the same code."""

    PORTEUR = "porteur", "Porteur de projet"
    AGENT_GUICHET = "agent_guichet", "Agent de guichet"
    INSTRUCTEUR = "instructeur", "Instructeur"
    MEMBRE_PILOTAGE = "membre_pilotage", "Membre de l'instance de pilotage"
    MEMBRE_CONCERTATION = "membre_concertation", "Membre de l'instance de concertation"
    ADMINISTRATEUR = "administrateur", "Administrateur"
