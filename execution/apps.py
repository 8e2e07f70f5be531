from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    name = "execution"
    verbose_name = "Exécution"

    def ready(self):
        from execution import inscriptions

        inscriptions.enregistrer()
