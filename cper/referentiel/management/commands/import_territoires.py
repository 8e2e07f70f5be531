import time

from django.core.management.base import BaseCommand, CommandError

from cper.referentiel.services import (
    FICHIER_TERRITOIRES,
    DonneesInvalides,
    lire_json,
    territoires_importer,
)


class Command(BaseCommand):
    help = (
        "Importe départements, arrondissements, EPCI et communes du Nord et du Pas-de-Calais "
        "depuis l'extrait du code officiel géographique (fixtures/territoires_59_62.json)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fichier", default=str(FICHIER_TERRITOIRES))
        parser.add_argument(
            "--supprimer-absentes",
            action="store_true",
            help="Supprime les communes absentes de la source qu'aucun dossier ne référence.",
        )

    def handle(self, *args, fichier, supprimer_absentes, **options):
        debut = time.monotonic()
        try:
            rapport = territoires_importer(
                donnees=lire_json(fichier), supprimer_absentes=supprimer_absentes
            )
        except DonneesInvalides as erreur:
            raise CommandError(f"Import annulé, rien n'a été modifié. {erreur}") from erreur
        for ligne in rapport.lignes():
            self.stdout.write(f"  {ligne}")
        duree = time.monotonic() - debut
        self.stdout.write(
            self.style.SUCCESS(
                f"Territoires importés en {duree:.2f} s ({rapport.changements} changement(s))."
            )
        )
