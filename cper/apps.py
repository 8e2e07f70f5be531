from django.apps import AppConfig


class CperConfig(AppConfig):
    name = "cper"
    verbose_name = "CPER"

    def ready(self):
        # Connects the transitions' signal: every registered model's transition publishes.
        from cper import evenements  # noqa: F401
        from cper.comptes.enums import Role
        from cper.espaces import enregistrer_espace

        enregistrer_espace(
            role=Role.ADMINISTRATEUR, libelle="Administration", nom_url="admin:index", ordre=100
        )
