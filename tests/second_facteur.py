"""The second factor in tests: real TOTP codes, and a client that passes it like a person.

Administrators and the pilotage secretariat owe a second factor (cper/comptes/second_facteur.py).
`ClientCper.force_login` does what such a person does after the password: it types the code
of their application (one is configured for them when they have none), so the suite reaches
their pages with the check switched on. `force_login(user, second_facteur=False)` stops
after the password.
"""

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cper.comptes.second_facteur import application_de, second_facteur_requis


def application(user) -> TOTPDevice:
    """The person's TOTP application, configured on first need."""
    return application_de(user) or TOTPDevice.objects.create(
        user=user, name="Application de test", confirmed=True
    )


def code_totp(appareil: TOTPDevice, *, maintenant: float | None = None) -> str:
    """The code the application shows now; the next window's when the current one was
    already used (django-otp accepts each time step once, and one step ahead)."""
    appareil.refresh_from_db()
    totp = TOTP(appareil.bin_key, appareil.step, appareil.t0, appareil.digits, appareil.drift)
    totp.time = time.time() if maintenant is None else maintenant
    if totp.t() <= appareil.last_t:
        totp.time += appareil.step * (appareil.last_t + 1 - totp.t())
    return f"{totp.token():0{appareil.digits}d}"


class ClientCper(Client):
    def force_login(self, user, backend=None, *, second_facteur=True):
        super().force_login(user, backend)
        if second_facteur and second_facteur_requis(user):
            appareil = application(user)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
            session.save()
