from django.apps import AppConfig


class InstructionConfig(AppConfig):
    name = "instruction"
    verbose_name = "Instruction"

    def ready(self):
        from cper.comptes.enums import Role
        from cper.espaces import enregistrer_espace
        from dossiers.extensions import enregistrer_lien_porteur

        from . import agregats, perimetres
        from .views import lien_echanges

        perimetres.enregistrer()
        agregats.enregistrer()
        enregistrer_lien_porteur(lien_echanges)
        enregistrer_espace(
            role=Role.AGENT_GUICHET, libelle="Guichet", nom_url="instruction:index", ordre=20
        )
        enregistrer_espace(
            role=Role.INSTRUCTEUR, libelle="Instruction", nom_url="instruction:index", ordre=30
        )
