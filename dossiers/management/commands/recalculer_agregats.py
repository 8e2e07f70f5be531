from django.core.management.base import BaseCommand

from dossiers import agregats


class Command(BaseCommand):
    help = (
        "Reconstruit les montants agrégés par dossier et financeur (tableaux de bord) à partir "
        "des plans de financement, des avis et des décisions."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--verifier",
            action="store_true",
            help="Compare seulement, sans rien écrire ; code de sortie 1 en cas d'écart.",
        )

    def handle(self, *args, verifier=False, **options):
        if verifier:
            ecarts = agregats.ecarts()
            for ecart in ecarts[:50]:
                self.stdout.write(" ; ".join(str(v) for v in ecart))
            if ecarts:
                self.stderr.write(f"{len(ecarts)} écart(s).")
                raise SystemExit(1)
            self.stdout.write("Agrégats à jour.")
            return
        n = agregats.reconstruire()
        self.stdout.write(f"{n} ligne(s) d'agrégats reconstruites.")
