"""The site's URLs plus the bare view the benchmark divides every page by.

Served only by the benchmark (its settings, or `override_settings` in process): the site's
own URL conf has no such page.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from cper.urls import handler403, handler404, handler500  # noqa: F401
from cper.urls import urlpatterns as urls_du_site


def vue_nue(request: HttpRequest) -> HttpResponse:
    """Signed in, through every middleware, nothing else: the session, the user and their roles
    (3 queries)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("banc/nu/", vue_nue, name="banc_nu"), *urls_du_site]
