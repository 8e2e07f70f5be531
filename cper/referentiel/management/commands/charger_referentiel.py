import time

from django.core.management.base import BaseCommand, CommandError

from cper.referentiel.services import (
    FICHIER_REFERENTIEL,
    DonneesInvalides,
    lire_json,
    referentiel_charger,
)


class Command(BaseCommand):
    help = (
        "Charge le contrat : signataires et cofinanceurs, volets, enveloppes illustratives, "
        "guichets et pôles métropolitains (fixtures/referentiel_cper.json). Ne crée que ce qui "
        "manque, sauf avec --mettre-a-jour."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fichier", default=str(FICHIER_REFERENTIEL))
        parser.add_argument(
            "--mettre-a-jour",
            action="store_true",
            help="Remet les valeurs du fichier, y compris sur ce que l'administrateur a modifié.",
        )

    def handle(self, *args, fichier, mettre_a_jour, **options):
        debut = time.monotonic()
        try:
            rapport = referentiel_charger(donnees=lire_json(fichier), mettre_a_jour=mettre_a_jour)
        except DonneesInvalides as erreur:
            raise CommandError(f"Chargement annulé, rien n'a été modifié. {erreur}") from erreur
        for ligne in rapport.lignes():
            self.stdout.write(f"  {ligne}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Référentiel chargé en {time.monotonic() - debut:.2f} s "
                f"({rapport.changements} changement(s))."
            )
        )
