"""What the numbers were measured on: the machine, its load, the versions."""

import os
import platform
from pathlib import Path

import django
from django.db import connection


def _processeur() -> str:
    try:
        for ligne in Path("/proc/cpuinfo").read_text().splitlines():
            if ligne.startswith("model name"):
                return ligne.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "processeur inconnu"


def _memoire_go() -> float:
    try:
        for ligne in Path("/proc/meminfo").read_text().splitlines():
            if ligne.startswith("MemTotal"):
                return int(ligne.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def description() -> str:
    with connection.cursor() as curseur:
        curseur.execute("SHOW server_version")
        postgresql = curseur.fetchone()[0].split()[0]
    charge = ", ".join(f"{c:.1f}" for c in os.getloadavg())
    return (
        f"{os.cpu_count()} cœurs ({_processeur()}), {_memoire_go():.0f} Go, "
        f"PostgreSQL {postgresql}, Python {platform.python_version()}, "
        f"Django {django.get_version()} ; charge moyenne au départ : {charge}"
    )
