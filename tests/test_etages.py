"""No floor names a page of a floor above it, in its templates or its code.

Imports are checked by import-linter (`make lint`, contract in pyproject.toml); a URL name is a
string, which import-linter cannot see. The floors are read from that same contract.
"""

import re
import tomllib
from pathlib import Path

from django.urls import get_resolver

RACINE = Path(__file__).resolve().parent.parent
NOM_URL = re.compile(r"""["'](\w+):([\w-]+)["']""")


def _etages() -> list[str]:
    """The floors, from the bottom one up (import-linter lists them from the top)."""
    configuration = tomllib.loads((RACINE / "pyproject.toml").read_text())
    (contrat,) = configuration["tool"]["importlinter"]["contracts"]
    return list(reversed(contrat["layers"]))


def _espaces_de_noms() -> dict[str, dict]:
    """{namespace: {"etage": the app owning it, "noms": its URL names}}."""
    espaces = {}
    for espace, (_, resolver) in get_resolver().namespace_dict.items():
        module = resolver.urlconf_name
        # The admin site's URL conf is a list built by django.contrib.admin: the bottom floor.
        nom_module = module if isinstance(module, str) else getattr(module, "__name__", "cper")
        noms = {nom for nom in resolver.reverse_dict if isinstance(nom, str)}
        espaces[espace] = {"etage": nom_module.split(".")[0], "noms": noms}
    return espaces


def _fichiers_de(etage: str):
    for chemin in (RACINE / etage).rglob("*.py"):
        if "migrations" not in chemin.parts:
            yield chemin
    gabarits = RACINE / "templates"
    dossiers_gabarits = [gabarits / etage]
    if etage == "cper":
        # The bottom floor's templates: its own apps', the site's shell and error pages.
        dossiers_gabarits += [gabarits / nom for nom in ("comptes", "televersement", "admin")]
        yield from gabarits.glob("*.html")
    for dossier in dossiers_gabarits:
        yield from dossier.rglob("*.*")


def test_aucun_etage_ne_nomme_une_page_d_un_etage_superieur():
    etages = _etages()
    espaces = _espaces_de_noms()
    fautes = []
    for rang, etage in enumerate(etages):
        superieurs = set(etages[rang + 1 :])
        for chemin in _fichiers_de(etage):
            for espace, nom in NOM_URL.findall(chemin.read_text(errors="replace")):
                cible = espaces.get(espace)
                if cible and nom in cible["noms"] and cible["etage"] in superieurs:
                    fautes.append(f"{chemin.relative_to(RACINE)} nomme {espace}:{nom}")
    assert not fautes, "\n".join(fautes)


def test_le_controle_reconnait_une_page_d_un_etage_superieur():
    # What the test above looks for, on a line a lower floor must never hold.
    espaces = _espaces_de_noms()
    (espace, nom), *_ = NOM_URL.findall("""{% url 'gouvernance:pilotage' %}""")
    assert espaces[espace]["etage"] == "gouvernance" and nom in espaces[espace]["noms"]
    assert _etages().index("gouvernance") > _etages().index("dossiers")
