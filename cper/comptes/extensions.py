"""Blocks that higher floors add to the « Mon compte » page.

`comptes` never imports them: a floor registers a function when Django starts
(`AppConfig.ready`), and the page renders whatever the registered functions return.
"""

from collections.abc import Callable

# Each function takes the request and returns None or a dict with a "template" key and the
# context that template needs.
BlocCompte = Callable[..., dict | None]
_blocs_compte: list[BlocCompte] = []


def enregistrer_bloc_compte(fonction: BlocCompte) -> BlocCompte:
    if fonction not in _blocs_compte:
        _blocs_compte.append(fonction)
    return fonction


def blocs_compte(request) -> list[dict]:
    return [bloc for fonction in _blocs_compte if (bloc := fonction(request))]
