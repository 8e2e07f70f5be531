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


# The next step a porteur owes, when a higher floor knows more than the state (a deadline):
# `annotations` are added to « Mes dossiers »'s one query, `texte(dossier)` returns the
# sentence or None (then the state's default applies).
_etapes_porteur: list[tuple[dict, Callable]] = []


def enregistrer_etape_porteur(*, annotations: Callable[[], dict], texte: Callable) -> None:
    if all(texte is not enregistre for _, enregistre in _etapes_porteur):
        _etapes_porteur.append((annotations, texte))


def annoter_etapes_porteur(queryset):
    for annotations, _ in _etapes_porteur:
        queryset = queryset.annotate(**annotations())
    return queryset


def etape_porteur(dossier) -> str | None:
    for _, texte in _etapes_porteur:
        if phrase := texte(dossier):
            return phrase
    return None
