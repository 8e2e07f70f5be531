import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.comptes import DemoInterdite, assurer_comptes_et_mandats
from demo.generation import donnees_demo_presentes, generer


class Command(BaseCommand):
    help = (
        "Crée des données de démonstration : comptes et mandats de démonstration, puis N dossiers "
        "à toutes les étapes (avis, séances, décisions, historique). Ne recrée pas de dossiers si "
        "des dossiers de démonstration existent déjà, sauf avec --ajouter."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=200, help="Nombre de dossiers.")
        parser.add_argument(
            "--ajouter",
            action="store_true",
            help="Ajoute des dossiers même si des dossiers de démonstration existent déjà.",
        )
        parser.add_argument("--graine", type=int, default=2015, help="Graine du hasard.")

    def handle(self, *args, dossiers, ajouter, graine, **options):
        if (settings.SETTINGS_MODULE or "").endswith(".prod"):
            raise CommandError("Les données de démonstration sont interdites en production.")
        if dossiers < 0:
            raise CommandError("Le nombre de dossiers doit être positif.")
        debut = time.monotonic()
        try:
            acteurs = assurer_comptes_et_mandats()
            if donnees_demo_presentes() and not ajouter:
                self.stdout.write(
                    "Données de démonstration déjà présentes : aucun dossier ajouté "
                    "(--ajouter pour en créer d'autres)."
                )
                return
            rapport = generer(dossiers, graine=graine, acteurs=acteurs)
        except DemoInterdite as erreur:
            raise CommandError(str(erreur)) from erreur
        if options["verbosity"] > 0:
            for etape, secondes in rapport.etapes.items():
                self.stdout.write(f"  {etape:<22} {secondes:6.2f} s")
        if options["verbosity"] > 1:
            for table, n in rapport.lignes.items():
                self.stdout.write(f"  {table:<40} {n:>9} lignes")
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration créées en {time.monotonic() - debut:.1f} s : {rapport}."
            )
        )
