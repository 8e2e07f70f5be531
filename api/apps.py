from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API et webhooks"

    def ready(self):
        from cper import evenements

        from .services.webhooks import distribuer

        # Each event published below gets its deliveries, written in the same transaction.
        evenements.abonner(distribuer)
