"""The admin site: staff only, and only once the second factor is verified (django-otp)."""

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from .second_facteur import facteur_verifie


class SiteAdministration(OTPAdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)

    def has_permission(self, request):
        # django-otp's check, widened to a ProConnect login whose provider asserted a second
        # factor (second_facteur.facteur_verifie is the one rule for both).
        return AdminSite.has_permission(self, request) and facteur_verifie(request)

    def login(self, request, extra_context=None):
        # One login page for everyone (lock-out, ProConnect, second factor): the service's own.
        # A signed-in person sent here is not staff (the second factor is asked before): the
        # service's login would send them straight back, so they get the refusal page.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
