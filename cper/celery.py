import os

from celery import Celery
from celery.signals import worker_init
from django.utils.module_loading import import_string

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cper.settings.dev")

app = Celery("cper")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _rechauffer(**kwargs):
    # In the worker's main process, before its pool forks: every child renders its first PDF warm.
    # By name: this module is imported before Django's apps are ready.
    import_string("cper.documents.rechauffer")()
