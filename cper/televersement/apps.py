from django.apps import AppConfig


class TeleversementConfig(AppConfig):
    name = "cper.televersement"
    label = "televersement"
    verbose_name = "Téléversements"
