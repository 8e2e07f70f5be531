import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cper.settings.dev")

app = Celery("cper")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _rechauffer(**kwargs):
    # In the worker's main process, before its pool forks: every child renders its first PDF warm.
    from cper.demarrage import rechauffer_documents

    rechauffer_documents()
