"""Blocks that higher layers add to the porteur's dossier page.

Instruction never imports gouvernance: gouvernance registers a function here when Django starts
(`AppConfig.ready`), and the porteur's page renders whatever the registered functions return.
"""

from collections.abc import Callable

# Each function takes (request, dossier) and returns None or a dict with a "template" key and
# the context that template needs.
BlocPorteur = Callable[..., dict | None]
_blocs_porteur: list[BlocPorteur] = []


def enregistrer_bloc_porteur(fonction: BlocPorteur) -> BlocPorteur:
    if fonction not in _blocs_porteur:
        _blocs_porteur.append(fonction)
    return fonction


def blocs_porteur(request, dossier) -> list[dict]:
    return [bloc for fonction in _blocs_porteur if (bloc := fonction(request, dossier))]


# Blocks of the agents' dossier page, same contract: (request, dossier) -> None | dict.
BlocAgent = Callable[..., dict | None]
_blocs_agent: list[BlocAgent] = []


def enregistrer_bloc_agent(fonction: BlocAgent) -> BlocAgent:
    if fonction not in _blocs_agent:
        _blocs_agent.append(fonction)
    return fonction


def blocs_agent(request, dossier) -> list[dict]:
    return [bloc for fonction in _blocs_agent if (bloc := fonction(request, dossier))]
