from django.apps import AppConfig


class GouvernanceConfig(AppConfig):
    name = "gouvernance"
    verbose_name = "Gouvernance"

    def ready(self):
        from gouvernance import agregats, evenements
        from gouvernance.views.porteur import decisions_pour_porteur
        from instruction.extensions import enregistrer_bloc_porteur

        enregistrer_bloc_porteur(decisions_pour_porteur)
        agregats.enregistrer()
        evenements.enregistrer()
