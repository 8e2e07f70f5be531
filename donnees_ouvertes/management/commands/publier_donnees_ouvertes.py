from django.core.management.base import BaseCommand

from donnees_ouvertes import publication


class Command(BaseCommand):
    help = "Régénère les fichiers des données ouvertes (projets programmés, CSV et JSON)."

    def handle(self, *args, **options):
        resume = publication.publier()
        self.stdout.write(
            f"{resume['projets']} projet(s) programmé(s), {resume['lignes']} ligne(s), "
            f"publiés dans {publication.repertoire()}."
        )
