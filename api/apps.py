from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API et webhooks"

    def ready(self):
        from cper import evenements
        from cper.comptes.extensions import enregistrer_bloc_compte

        from . import views
        from .services.webhooks import distribuer
        from .v1 import authentification  # noqa: F401 - registers the schema's security scheme

        # Each event published below gets its deliveries, written in the same transaction.
        evenements.abonner(distribuer)
        # « Mon compte » lists the person's API tokens.
        enregistrer_bloc_compte(views.bloc_compte)
