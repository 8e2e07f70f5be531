"""Test-only guard: an unknown variable in one of the project's own templates raises."""

import sys
from pathlib import Path

from django.template.base import Node

RACINE_GABARITS = Path(__file__).resolve().parent.parent / "templates"


class VariableInconnue(str):
    """`string_if_invalid` that raises for the project's templates, stays empty elsewhere.

    Django formats it with the variable's name (`%s`) where a variable does not resolve; the
    template being rendered is found by walking up to the node that is rendering it.
    """

    def __new__(cls, *args):
        # Always "%s" (copies and pickles of the settings call it with the value).
        return super().__new__(cls, "%s")

    def __mod__(self, variable):
        cadre = sys._getframe(1)
        while cadre is not None:
            noeud = cadre.f_locals.get("self")
            if isinstance(noeud, Node) and getattr(noeud, "origin", None) is not None:
                nom = str(noeud.origin.name)
                chemin = Path(nom)
                if chemin.is_relative_to(RACINE_GABARITS):
                    gabarit = chemin.relative_to(RACINE_GABARITS)
                    raise NameError(f"Variable inconnue « {variable} » dans {gabarit}")
                return ""
            cadre = cadre.f_back
        return ""
