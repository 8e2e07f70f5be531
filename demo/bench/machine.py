"""What the numbers were measured on: the machine, its load, the versions."""

import os
import platform
import time
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


def reference_de_calcul(iterations: int = 2_000_000) -> float:
    """Seconds a fixed pure-Python loop takes: how fast this machine's core is at the time of
    the run (a shared host may give the same processor half its speed), so that two tables,
    the seed's time above all, are compared knowing it."""
    debut = time.perf_counter()
    total = 0
    for i in range(iterations):
        total += i
    return time.perf_counter() - debut


def description() -> str:
    with connection.cursor() as curseur:
        curseur.execute("SHOW server_version")
        postgresql = curseur.fetchone()[0].split()[0]
    charge = ", ".join(f"{c:.1f}" for c in os.getloadavg())
    reference = f"{reference_de_calcul():.2f}".replace(".", ",")
    return (
        f"{os.cpu_count()} cœurs ({_processeur()}), {_memoire_go():.0f} Go, "
        f"PostgreSQL {postgresql}, Python {platform.python_version()}, "
        f"Django {django.get_version()} ; charge moyenne au départ : {charge} ; "
        f"calcul de référence (2 millions d'additions en Python) : {reference} s"
    )
