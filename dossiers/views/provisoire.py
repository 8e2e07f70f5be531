"""Placeholders for URL names owned by the other branches of issue 4 (removed at merge)."""

from django.http import Http404


def a_venir(request, *args, **kwargs):
    raise Http404("Page construite sur une autre branche.")
