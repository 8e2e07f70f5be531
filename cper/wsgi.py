import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cper.settings.prod")

application = get_wsgi_application()

# Loaded before gunicorn forks (`--preload`): every worker starts warm.
from cper.demarrage import rechauffer  # noqa: E402

rechauffer(application)
