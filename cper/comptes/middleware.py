"""Until a person who owes a second factor has given it, only its pages and logout answer."""

from urllib.parse import urlencode

from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.middleware import OTPMiddleware as OTPMiddlewareDeBase
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cper.requetes import RequeteCompilee

from .second_facteur import a_un_second_facteur, facteur_verifie, second_facteur_requis

# The pages a signed-in person may reach before the second factor (namespace comptes).
PAGES_LIBRES = frozenset(
    {"second_facteur", "second_facteur_activer", "deconnexion", "proconnect_deconnecte"}
)


def _appareil(modele, pk):
    """The device, with the group names of its person (their roles: `User.roles_lus`)."""
    return modele.objects.filter(pk=pk).annotate(
        noms_des_groupes=ArraySubquery(
            Group.objects.filter(user=OuterRef("user_id")).order_by().values("name")
        )
    )


# The kinds of device this service configures, each read by SQL compiled once per process.
_APPAREILS = {
    modele.model_label(): RequeteCompilee(lambda pk, modele=modele: _appareil(modele, pk), "pk")
    for modele in (TOTPDevice, StaticDevice)
}


class OTPMiddleware(OTPMiddlewareDeBase):
    """django-otp's, the device the session names read by SQL compiled once (the ORM built
    and compiled the same query on every page of a person who gave a second factor), with
    the person's roles (one query less on each of their pages); an id that names no device
    of these kinds (another model, a malformed one) verifies nothing, where django-otp failed
    on a model that is not a device. django-otp still checks that the device is the person's
    and confirmed (`_finalize_device`): only then are its roles theirs."""

    def _verify_user_sync(self, request, user):
        user = super()._verify_user_sync(request, user)
        appareil = user.otp_device
        if appareil is not None and "noms_des_groupes" in appareil.__dict__:
            user.roles_lus(appareil.noms_des_groupes)
        return user

    def _device_from_persistent_id(self, persistent_id: str):
        etiquette, _, pk = self._normalize_persistent_id(persistent_id).rpartition("/")
        requete = _APPAREILS.get(etiquette)
        if requete is None or not (pk.isascii() and pk.isdigit()) or not 0 < int(pk) < 2**63:
            return None
        return next(iter(requete(pk=int(pk))), None)


class SecondFacteurMiddleware:
    """Every other page, the admin site included, sends them to the code (or to enrolment
    when they have no application yet), then back where they were going."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or facteur_verifie(request):
            return None
        match = request.resolver_match
        if match.namespace == "comptes" and match.url_name in PAGES_LIBRES:
            return None
        if not second_facteur_requis(user):
            return None
        page = "second_facteur" if a_un_second_facteur(user) else "second_facteur_activer"
        suite = request.get_full_path() if request.method == "GET" else "/"
        return redirect(f"{reverse('comptes:' + page)}?{urlencode({'next': suite})}")
