#!/usr/bin/env bash
# Starts a clamd of the project when the socket does not answer PING, then waits for it.
#   scripts/clamav/demarrer.sh [SOCKET] [--verifier]   (--verifier: only say whether it answers)
# SOCKET defaults to $CLAMD_SOCKET, else var/clamav/clamd.sock. The signature database is
# $CLAMAV_BASE_SIGNATURES when set (a freshclam folder, e.g. /var/lib/clamav), else the small
# test database shipped in scripts/clamav (it only knows the EICAR test file).
set -euo pipefail
racine="$(cd "$(dirname "$0")/../.." && pwd)"
socket="${1:-${CLAMD_SOCKET:-$racine/var/clamav/clamd.sock}}"
[[ "$socket" = /* ]] || socket="$racine/$socket"
base="${CLAMAV_BASE_SIGNATURES:-$racine/scripts/clamav}"
dossier="$(dirname "$socket")"

repond() {
  python3 - "$socket" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(2)
s.connect(sys.argv[1])
s.sendall(b"zPING\0")
sys.exit(0 if s.recv(16).startswith(b"PONG") else 1)
PY
}

repond && exit 0
[[ "${2:-}" == "--verifier" ]] && exit 1
command -v clamd >/dev/null || { echo "clamd absent : installez le paquet clamav-daemon." >&2; exit 1; }
mkdir -p "$dossier"
# Two test processes may ask at once: one starts clamd, the other waits for it.
exec 9>"$dossier/.demarrage.lock"
flock 9
if ! repond; then
  conf="$dossier/clamd.conf"
  cat >"$conf" <<CONF
# Written by scripts/clamav/demarrer.sh — regenerated at each start.
LocalSocket $socket
LocalSocketMode 660
FixStaleSocket yes
DatabaseDirectory $base
PidFile $dossier/clamd.pid
LogFile $dossier/clamd.log
LogTime yes
Foreground no
ScanArchive yes
StreamMaxLength 64M
MaxFileSize 64M
MaxScanSize 256M
CONF
  rm -f "$socket"
  # clamd must not inherit the lock: it would hold it for its whole life.
  clamd -c "$conf" 9>&-
  for _ in $(seq 1 120); do repond && break; sleep 0.5; done
  repond || { echo "clamd ne répond pas sur $socket (voir $dossier/clamd.log)." >&2; exit 1; }
fi
