"""Exports of the dashboards: asked for in a request, written by a Celery task."""

from django.db import transaction

from cper.effets import differer
from gouvernance import fichiers
from gouvernance.models import Export


@transaction.atomic
def export_demander(*, par, page: str, tableau: str, format_: str, parametres: str = "") -> Export:
    """Record the request; the file is written after commit (the view checked the role)."""
    if not fichiers.existe(page, tableau):
        raise ValueError(f"Tableau inconnu : {tableau}")
    export = Export.objects.create(
        demandeur=par, page=page, tableau=tableau, format=format_, parametres=parametres[:500]
    )
    differer("gouvernance.tasks.produire_export", export.pk, cle=f"export:{export.pk}")
    return export
