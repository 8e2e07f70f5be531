"""Middleware of the project."""

from django.utils.cache import patch_cache_control


class PagesPriveesMiddleware:
    """No browser or proxy keeps a copy of what a signed-in user was shown.

    Every response to an authenticated request (pages, PDFs, attachments, exports) gets
    `Cache-Control: private, no-store`, unless the view chose a public policy on purpose; a
    shared computer's back button or a proxy cache then never shows a dossier to someone else.
    Static files are served by WhiteNoise before this middleware and keep their long cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            directives = response.get("Cache-Control", "").lower()
            if "public" not in directives:
                patch_cache_control(response, private=True, no_store=True)
        return response
