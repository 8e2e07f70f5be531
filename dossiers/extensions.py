"""Links that higher floors add to the porteur's dossier page.

The dossiers floor never names a page of a higher one: a higher floor registers a function at
start-up (`AppConfig.ready`); the porteur's page shows the link each function returns.
"""

from collections.abc import Callable

# Each function takes the dossier and returns None or {"libelle", "url", "principal": bool}.
LienPorteur = Callable[..., dict | None]
_liens_porteur: list[LienPorteur] = []


def enregistrer_lien_porteur(fonction: LienPorteur) -> LienPorteur:
    if fonction not in _liens_porteur:
        _liens_porteur.append(fonction)
    return fonction


def liens_porteur(dossier) -> list[dict]:
    return [lien for fonction in _liens_porteur if (lien := fonction(dossier))]
