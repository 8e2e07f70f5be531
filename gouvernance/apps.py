from django.apps import AppConfig


class GouvernanceConfig(AppConfig):
    name = "gouvernance"
    verbose_name = "Gouvernance"

    def ready(self):
        from instruction.extensions import enregistrer_bloc_porteur

        from . import agregats
        from .porteur import decisions_pour_porteur

        enregistrer_bloc_porteur(decisions_pour_porteur)
        agregats.enregistrer()
