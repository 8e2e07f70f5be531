"""Settings of the gunicorn the benchmark starts: local settings, DEBUG off, the bare view."""

from cper.settings.dev import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "demo.bench.urls"
