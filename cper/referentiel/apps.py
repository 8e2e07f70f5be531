from django.apps import AppConfig


class ReferentielConfig(AppConfig):
    name = "cper.referentiel"
    label = "referentiel"
    verbose_name = "Référentiel"
