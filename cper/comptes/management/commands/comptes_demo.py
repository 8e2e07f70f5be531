import hashlib
import time
from base64 import b32encode

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

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
# These roles owe a second factor (the demo pilotage member runs the secretariat): their TOTP
# secret is derived from the public demo password, so README can tell how to get the codes.
ROLES_SECOND_FACTEUR = {Role.ADMINISTRATEUR, Role.MEMBRE_PILOTAGE}


def cle_demo(email: str) -> str:
    """The demo account's TOTP secret (hex, 20 bytes): public, like the demo password."""
    return hashlib.sha256(f"{MOT_DE_PASSE_DEMO}:{email}".encode()).hexdigest()[:40]


def secret_demo(email: str) -> str:
    """The same secret in base32, as authenticator applications take it."""
    return b32encode(bytes.fromhex(cle_demo(email))).decode()


def code_demo(email: str) -> str:
    totp = TOTP(bytes.fromhex(cle_demo(email)))
    totp.time = time.time()
    return f"{totp.token():06d}"


class Command(BaseCommand):
    help = "Crée (une seule fois) un compte de démonstration par rôle."

    def add_arguments(self, parser):
        parser.add_argument("--lister", action="store_true", help="Affiche les comptes.")
        parser.add_argument(
            "--codes",
            action="store_true",
            help="Affiche le code de vérification en deux étapes valable maintenant.",
        )

    def handle(self, *args, lister=False, codes=False, **options):
        if settings.SETTINGS_MODULE.endswith(".prod"):
            raise CommandError("Les comptes de démonstration sont interdits en production.")
        if lister or codes:
            self._lister(codes=codes)
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
                if (
                    role in ROLES_SECOND_FACTEUR
                    and not TOTPDevice.objects.filter(user=user).exists()
                ):
                    TOTPDevice.objects.create(
                        user=user, key=cle_demo(email), name="Démonstration", confirmed=True
                    )
                if role == Role.ADMINISTRATEUR and not user.is_superuser:
                    # The demo administrator manages everything through the admin site.
                    user.is_superuser = True
                    user.save(update_fields=["is_superuser"])
        self.stdout.write(f"Comptes de démonstration : {crees} créé(s).")

    def _lister(self, *, codes: bool) -> None:
        if not codes:
            self.stdout.write(f"  Comptes de démonstration (mot de passe : {MOT_DE_PASSE_DEMO}) :")
            for email, _prenom, _nom, role in COMPTES:
                self.stdout.write(f"    {role.label:<40} {email}")
            self.stdout.write(
                "  Vérification en deux étapes (clé à saisir dans une application "
                "d'authentification, ou « manage.py comptes_demo --codes ») :"
            )
        for email, _prenom, _nom, role in COMPTES:
            if role in ROLES_SECOND_FACTEUR:
                valeur = code_demo(email) if codes else secret_demo(email)
                self.stdout.write(f"    {email:<40} {valeur}")
