from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cper.comptes.enums import Role
from cper.comptes.models import User
from cper.comptes.roles import donner_role

# Demo accounts for local use only; the password is public on purpose (README).
MOT_DE_PASSE_DEMO = "cper-demo-2015"
COMPTES = [
    ("porteur@demo.cper.fr", "Paule", "Porteur", Role.PORTEUR),
    # An engineering agency filing for 150 structures (the demo's heaviest « Mes dossiers »).
    ("porteur.reseau@demo.cper.fr", "Rémi", "Réseau", Role.PORTEUR),
    ("guichet.douai@demo.cper.fr", "Gaël", "Guichet", Role.AGENT_GUICHET),
    ("instructeur.etat@demo.cper.fr", "Inès", "Instructrice État", Role.INSTRUCTEUR),
    ("instructeur.region@demo.cper.fr", "Igor", "Instructeur Région", Role.INSTRUCTEUR),
    ("pilotage@demo.cper.fr", "Pierre", "Pilotage", Role.MEMBRE_PILOTAGE),
    ("concertation.opale@demo.cper.fr", "Claire", "Concertation", Role.MEMBRE_CONCERTATION),
    ("admin@demo.cper.fr", "Adèle", "Administratrice", Role.ADMINISTRATEUR),
]


class Command(BaseCommand):
    help = "Crée (une seule fois) un compte de démonstration par rôle."

    def add_arguments(self, parser):
        parser.add_argument("--lister", action="store_true", help="Affiche les comptes.")

    def handle(self, *args, lister=False, **options):
        if settings.SETTINGS_MODULE.endswith(".prod"):
            raise CommandError("Les comptes de démonstration sont interdits en production.")
        if lister:
            self.stdout.write(f"  Comptes de démonstration (mot de passe : {MOT_DE_PASSE_DEMO}) :")
            for email, _prenom, _nom, role in COMPTES:
                self.stdout.write(f"    {role.label:<40} {email}")
            return
        # One hash for the one public password: hashing is slow on purpose, once is enough.
        mot_de_passe = make_password(MOT_DE_PASSE_DEMO)
        with transaction.atomic():
            crees = 0
            for email, prenom, nom, role in COMPTES:
                user, cree = User.objects.get_or_create(
                    email=email, defaults={"first_name": prenom, "last_name": nom}
                )
                if cree:
                    user.password = mot_de_passe
                    user.save()
                    crees += 1
                donner_role(user, role)
                if role == Role.ADMINISTRATEUR and not user.is_superuser:
                    # The demo administrator manages everything through the admin site.
                    user.is_superuser = True
                    user.save(update_fields=["is_superuser"])
        self.stdout.write(f"Comptes de démonstration : {crees} créé(s).")
