# cper — the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export DJANGO_SETTINGS_MODULE ?= cper.settings.dev
# Reads .env if present (database password of a freshly installed PostgreSQL, …).
ENV := set -a; [ -f .env ] && source .env; set +a;

.PHONY: run test lint bench installer installer-tests donnees fixtures-territoires format openapi

installer:
	@bash scripts/installer.sh

installer-tests:
	@bash scripts/installer.sh --tests

donnees: installer
	@mkdir -p var/static var/prive
	@$(ENV) $(MANAGE) migrate --noinput
	@$(ENV) $(MANAGE) createcachetable
	@$(ENV) $(MANAGE) import_territoires
	@$(ENV) $(MANAGE) charger_referentiel
	@$(ENV) $(MANAGE) comptes_demo
	@# Demo dossiers only when none exist yet: a second run keeps everything and is fast.
	@$(ENV) $(MANAGE) seed_demo --dossiers 200
	@# The open data files (rewritten every night by beat), so that the public page has them.
	@$(ENV) $(MANAGE) publier_donnees_ouvertes

run: donnees
	@echo ""
	@echo "  cper est servi sur http://127.0.0.1:8000  (Ctrl+C pour arrêter)"
	@echo ""
	@$(ENV) $(MANAGE) comptes_demo --lister
	@$(ENV) $(VENV)/bin/honcho start -f Procfile

test: installer-tests
	@$(ENV) DJANGO_SETTINGS_MODULE=cper.settings.test $(VENV)/bin/pytest --create-db -n 2

# Seeds a scratch database (never yours) and times every page of the speed budget:
# `make bench` at 100,000 dossiers, `make bench DOSSIERS=2000` for a real contract's size.
DOSSIERS ?= 100000
bench:
	@bash scripts/installer.sh --bench
	@$(ENV) $(MANAGE) bench --dossiers $(DOSSIERS)

lint: installer
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/djlint templates --lint
	@$(VENV)/bin/lint-imports --no-cache --no-logo
	@$(ENV) $(MANAGE) makemigrations --check --dry-run

# Rewrites the committed OpenAPI schema of the API (tests/api/test_schema.py compares them).
openapi:
	@$(ENV) $(MANAGE) spectacular --file docs/api/openapi.yaml --validate --fail-on-warn

format:
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/djlint templates --reformat --quiet || true

# Regenerates fixtures/territoires_59_62.json from the pinned package (see fixtures/SOURCES.md).
DECOUPAGE := @etalab/decoupage-administratif@6.0.0
fixtures-territoires:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  (cd "$$tmp" && npm pack --silent "$(DECOUPAGE)" >/dev/null && tar xzf ./*.tgz) && \
	  $(PY) scripts/extraire_territoires.py "$$tmp/package/data" fixtures/territoires_59_62.json
