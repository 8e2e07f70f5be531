"""The outbox's Celery side: carry out one row, and the beat job that hands over what is due."""

from celery import shared_task

from . import effets


@shared_task(name="cper.tasks.executer_effet")
def executer_effet(effet_pk: int) -> str:
    return effets.executer(effet_pk)


@shared_task(name="cper.tasks.relancer_effets")
def relancer_effets() -> int:
    """Every minute: reconcile the apps' facts, then hand over again every due row."""
    return effets.relancer()
