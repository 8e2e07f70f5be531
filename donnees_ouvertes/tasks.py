"""The daily regeneration of the open data files (Celery beat)."""

from celery import shared_task

from donnees_ouvertes import publication


@shared_task(name="donnees_ouvertes.tasks.publier")
def publier() -> int:
    """Every night: rewrite the files from the decisions; the number of projects published."""
    return publication.publier()["projets"]
