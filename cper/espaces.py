"""The spaces of the main menu, one per role: each floor registers its own at start-up.

The bottom floor never names a page of a higher one; a floor calls `enregistrer_espace()` in
its `AppConfig.ready`, and the menu lists the spaces of the signed-in person's roles by `ordre`.
"""

from dataclasses import dataclass

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

from cper.comptes.roles import roles_de


@dataclass(frozen=True)
class Espace:
    role: str
    libelle: str
    nom_url: str
    ordre: int


_espaces: dict[tuple[str, str], Espace] = {}
# The menu of a set of roles (it depends on nothing else), per URL prefix and language.
_menus: dict[tuple, tuple[dict, ...]] = {}


def enregistrer_espace(*, role: str, libelle: str, nom_url: str, ordre: int) -> None:
    """Declare a space of the menu (idempotent: the same role and page once)."""
    _espaces[(role, nom_url)] = Espace(role, libelle, nom_url, ordre)
    _menus.clear()


def espaces_de(user) -> tuple[dict, ...]:
    """The spaces a user may enter, in menu order, without duplicates (read-only: shared by
    everyone with the same roles)."""
    roles = roles_de(user)
    cle = (roles, get_script_prefix(), get_language())
    menu = _menus.get(cle)
    if menu is None:
        menu = _menus[cle] = _menu(roles)
    return menu


def _menu(roles) -> tuple[dict, ...]:
    espaces, vus = [], set()
    for espace in sorted(_espaces.values(), key=lambda e: (e.ordre, e.libelle)):
        if espace.role in roles and (espace.libelle, espace.nom_url) not in vus:
            vus.add((espace.libelle, espace.nom_url))
            espaces.append(
                {"libelle": espace.libelle, "url": reverse(espace.nom_url), "role": espace.role}
            )
    return tuple(espaces)
