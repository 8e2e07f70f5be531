from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = "Dossiers"

    def ready(self):
        from cper.comptes.signals import compte_confirme

        from .services.structures import rejoindre_structures_invitees

        compte_confirme.connect(rejoindre_structures_invitees, dispatch_uid="dossiers.invitations")
