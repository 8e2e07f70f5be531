"""Identifiers of the demo's invented structures: valid SIRETs that no real body holds."""

from stdnum import luhn

# Demo structures carry SIRETs whose SIREN starts with 99: how a rerun recognises them.
PREFIXE_SIREN_DEMO = "99"


def siret(n: int) -> str:
    base = f"{PREFIXE_SIREN_DEMO}{n:06d}"
    siren = base + luhn.calc_check_digit(base)
    nic = f"{n % 10000:04d}"
    return siren + nic + luhn.calc_check_digit(siren + nic)
