#!/usr/bin/env bash
# Brings a Debian 12 machine to the point where cper runs and its tests pass:
# system packages, PostgreSQL and Redis reachable, the database, the virtualenv.
# Idempotent and quick when everything is already there.
#   scripts/installer.sh          what `make run` needs
#   scripts/installer.sh --tests  plus Debian's Chromium for the browser tests
#   scripts/installer.sh --bench  plus Debian's wrk, the load generator of `make bench`
set -euo pipefail
cd "$(dirname "$0")/.."

POUR_TESTS=0
POUR_BANC=0
[[ "${1:-}" == "--tests" ]] && POUR_TESTS=1
[[ "${1:-}" == "--bench" ]] && POUR_BANC=1

info() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# Read .env (written below on a fresh machine) so that DATABASE_URL and REDIS_URL agree with Django.
if [[ -f .env ]]; then set -a; source .env; set +a; fi
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cper}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"

# --- System packages -------------------------------------------------------------------------
paquets=(python3 python3-venv postgresql postgresql-client redis-server
         libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu fonts-liberation
         shared-mime-info clamav-daemon)
# curl: the API tests call the live server the way the README shows.
((POUR_TESTS)) && paquets+=(chromium curl)
((POUR_BANC)) && paquets+=(wrk)
manquants=()
for p in "${paquets[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || manquants+=("$p")
done
if ((${#manquants[@]})); then
  if [[ $EUID -ne 0 ]]; then
    echo "Paquets manquants : ${manquants[*]} — relancez en root ou installez-les." >&2
    exit 1
  fi
  info "Installation des paquets Debian : ${manquants[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Do not let the packages' own service start-up fail the install on machines without systemd.
  apt-get install -y -qq --no-install-recommends "${manquants[@]}" >/dev/null
fi

# --- PostgreSQL ------------------------------------------------------------------------------
pg_hote=$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p.hostname or '127.0.0.1', p.port or 5432)" "$DATABASE_URL")
read -r PGH PGP <<<"$pg_hote"
if ! pg_isready -q -h "$PGH" -p "$PGP"; then
  info "Démarrage de PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_isready -q -h "$PGH" -p "$PGP" && break; sleep 1; done
fi
url_serveur="${DATABASE_URL%/*}/postgres"
if ! psql "$url_serveur" -qAtc 'SELECT 1' >/dev/null 2>&1; then
  # A fresh Debian cluster asks a password over TCP: give the local superuser one, kept in .env.
  if [[ $EUID -ne 0 ]]; then echo "Connexion à PostgreSQL impossible ($url_serveur)." >&2; exit 1; fi
  info "Création d'un mot de passe PostgreSQL local (enregistré dans .env)"
  mdp=$(python3 -c "import secrets; print(secrets.token_urlsafe(24))")
  su postgres -c "psql -qc \"ALTER USER postgres PASSWORD '$mdp'\""
  DATABASE_URL="postgres://postgres:${mdp}@${PGH}:${PGP}/cper"
  url_serveur="${DATABASE_URL%/*}/postgres"
  touch .env
  sed -i '/^DATABASE_URL=/d' .env
  echo "DATABASE_URL=$DATABASE_URL" >>.env
fi
base="${DATABASE_URL##*/}"
if [[ -z "$(psql "$url_serveur" -qAtc "SELECT 1 FROM pg_database WHERE datname='${base}'")" ]]; then
  info "Création de la base ${base}"
  psql "$url_serveur" -qc "CREATE DATABASE \"${base}\""
fi

# --- Redis -----------------------------------------------------------------------------------
if ! redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then
  info "Démarrage de Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 20); do redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

# --- ClamAV ----------------------------------------------------------------------------------
# Every upload is scanned by clamd before it is stored. Debian's own clamd service is not used:
# ours listens on the project's socket (CLAMD_SOCKET) and reads the small signature database
# shipped in scripts/clamav, or a freshclam folder given in CLAMAV_BASE_SIGNATURES.
CLAMD_SOCKET="${CLAMD_SOCKET:-$PWD/var/clamav/clamd.sock}"
if ! bash scripts/clamav/demarrer.sh "$CLAMD_SOCKET" --verifier 2>/dev/null; then
  info "Démarrage de clamd ($CLAMD_SOCKET)"
  bash scripts/clamav/demarrer.sh "$CLAMD_SOCKET"
fi

# --- Virtualenv ------------------------------------------------------------------------------
empreinte=$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [[ ! -x .venv/bin/python || "$(cat .venv/.empreinte 2>/dev/null)" != "$empreinte" ]]; then
  info "Installation des dépendances Python dans .venv"
  [[ -x .venv/bin/python ]] || python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -c constraints.txt -e ".[dev]"
  echo "$empreinte" >.venv/.empreinte
fi
