from django.apps import AppConfig


class DonneesOuvertesConfig(AppConfig):
    name = "donnees_ouvertes"
    verbose_name = "Données ouvertes"
