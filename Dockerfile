# Production-like image: gunicorn serves the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cper.settings.prod \
    PATH="/app/.venv/bin:$PATH"

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu fonts-liberation \
      shared-mime-info curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt ./
RUN python -m venv .venv \
 && .venv/bin/pip install --no-cache-dir -c constraints.txt .

COPY . .
# collectstatic needs a key to import the settings; this one never serves a request.
RUN SECRET_KEY=collectstatic-only-$(head -c 48 /dev/urandom | base64) \
    python manage.py collectstatic --noinput -v 0

RUN useradd --system --home /app cper && mkdir -p /app/var/prive && chown -R cper /app/var
USER cper
EXPOSE 8000
# --preload: the application is loaded and warmed (cper.demarrage) once, before the workers fork.
CMD ["gunicorn", "cper.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--preload", "--access-logfile", "-"]
