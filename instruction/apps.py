from django.apps import AppConfig


class InstructionConfig(AppConfig):
    name = "instruction"
    verbose_name = "Instruction"

    def ready(self):
        from django_fsm.signals import post_transition

        from cper.comptes.enums import Role
        from cper.espaces import enregistrer_espace
        from dossiers.extensions import enregistrer_etape_porteur, enregistrer_lien_porteur

        from . import agregats, perimetres, suivi
        from .selectors import annotations_etape_porteur, etape_complements
        from .views import lien_echanges

        perimetres.enregistrer()
        post_transition.connect(suivi.suivre_transition, dispatch_uid="instruction.suivi")
        agregats.enregistrer()
        enregistrer_lien_porteur(lien_echanges)
        enregistrer_etape_porteur(annotations=annotations_etape_porteur, texte=etape_complements)
        enregistrer_espace(
            role=Role.AGENT_GUICHET, libelle="Guichet", nom_url="instruction:index", ordre=20
        )
        enregistrer_espace(
            role=Role.INSTRUCTEUR, libelle="Instruction", nom_url="instruction:index", ordre=30
        )
        enregistrer_espace(
            role=Role.INSTRUCTEUR,
            libelle="Dossiers cofinancés",
            nom_url="instruction:cofinancement",
            ordre=35,
        )
