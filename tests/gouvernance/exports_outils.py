"""Asking for an export as a user does: the button, the page that follows it, the file."""

from django.test import TestCase
from django.urls import reverse

from gouvernance.models import Export


def telecharger(client, url):
    """POST the export button, let the task run after commit, then download the file."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        reponse = client.post(url)
    if reponse.status_code != 302:
        return reponse
    page = client.get(reponse.url)
    assert "Fichier prêt" in page.text, page.text
    export = Export.objects.latest("pk")
    fichier = client.get(reverse("gouvernance:export_fichier", args=[export.pk]))
    # The file is streamed from the private storage: read it whole, as a browser would.
    fichier.content_lu = fichier.getvalue()
    return fichier
