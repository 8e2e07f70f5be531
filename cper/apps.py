from django.apps import AppConfig


class CperConfig(AppConfig):
    name = "cper"
    verbose_name = "CPER"

    def ready(self):
        # Connects the transitions' signal: every registered model's transition publishes.
        from . import evenements  # noqa: F401
