"""The spaces of the main menu, one per role: each floor registers its own at start-up.

The bottom floor never names a page of a higher one; a floor calls `enregistrer_espace()` in
its `AppConfig.ready`, and the menu lists the spaces of the signed-in person's roles by `ordre`.
"""

from dataclasses import dataclass

from django.urls import reverse

from cper.comptes.roles import roles_de


@dataclass(frozen=True)
class Espace:
    role: str
    libelle: str
    nom_url: str
    ordre: int


_espaces: dict[tuple[str, str], Espace] = {}


def enregistrer_espace(*, role: str, libelle: str, nom_url: str, ordre: int) -> None:
    """Declare a space of the menu (idempotent: the same role and page once)."""
    _espaces[(role, nom_url)] = Espace(role, libelle, nom_url, ordre)


def espaces_de(user) -> list[dict]:
    """The spaces a user may enter, in menu order, without duplicates."""
    roles = roles_de(user)
    espaces, vus = [], set()
    for espace in sorted(_espaces.values(), key=lambda e: (e.ordre, e.libelle)):
        if espace.role in roles and (espace.libelle, espace.nom_url) not in vus:
            vus.add((espace.libelle, espace.nom_url))
            espaces.append(
                {"libelle": espace.libelle, "url": reverse(espace.nom_url), "role": espace.role}
            )
    return espaces
