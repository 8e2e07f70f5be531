from django.apps import AppConfig


class InstructionConfig(AppConfig):
    name = "instruction"
    verbose_name = "Instruction"

    def ready(self):
        from . import agregats

        agregats.enregistrer()
