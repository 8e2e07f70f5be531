"""Set up the provider's database: `python -m tests.fournisseur_oidc.preparer < config.json`.

The configuration names the client (id, secret, redirect URIs) and the people; the answer,
on stdout, maps each username to the `sub` the provider gives them.
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.fournisseur_oidc.settings")
django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


def main() -> None:
    config = json.load(sys.stdin)
    call_command("migrate", verbosity=0, interactive=False)
    Application.objects.create(
        name="CPER Nord–Pas-de-Calais",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(config["redirect_uris"]),
        post_logout_redirect_uris=" ".join(config["post_logout_redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,
    )
    mfa = Group.objects.create(name="mfa")
    subs = {}
    for personne in config["personnes"]:
        user = User.objects.create_user(
            personne["identifiant"],
            email=personne["email"],
            password=personne["mot_de_passe"],
            first_name=personne.get("prenom", ""),
            last_name=personne.get("nom", ""),
        )
        if personne.get("mfa"):
            user.groups.add(mfa)
        subs[user.username] = str(user.pk)
    json.dump(subs, sys.stdout)


if __name__ == "__main__":
    main()
