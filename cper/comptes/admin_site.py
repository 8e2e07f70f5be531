"""The admin site: staff only, and only once the second factor is verified (django-otp)."""

from django.contrib.admin import AdminSite
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.admin import OTPAdminSite

from .second_facteur import facteur_verifie


class SiteAdministration(OTPAdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)

    def has_permission(self, request):
        # django-otp's check, widened to a ProConnect login whose provider asserted a second
        # factor (second_facteur.facteur_verifie is the one rule for both).
        return AdminSite.has_permission(self, request) and facteur_verifie(request)

    @login_not_required
    def login(self, request, extra_context=None):
        # One login page for everyone (lock-out, ProConnect, second factor): the service's own.
        # A signed-in person sent here without the admin's permission is not staff (the second
        # factor is asked before this): the service's login would send them straight back, so
        # they get the refusal page.
        suite = request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(suite, allowed_hosts={request.get_host()}):
            suite = reverse("admin:index")
        if self.has_permission(request):
            return redirect(suite)
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(suite)
