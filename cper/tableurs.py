"""What every CSV or XLSX export does to the text it writes.

A spreadsheet reads a cell that begins with `=`, `+`, `-` or `@` (and, in some versions, a tab or
a carriage return before them) as a formula: a dossier title such as `=HYPERLINK(...)` or a DDE
call would run on the reader's machine. Text cells are therefore prefixed with an apostrophe,
the spreadsheet's own "this is text" mark; numbers are written as numbers and never touched, so
a negative amount stays a number.
"""

from decimal import Decimal

# The full-width forms are read as their ASCII counterparts by some spreadsheet versions.
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutraliser_formule(valeur):
    """The value to write in a cell: text that a spreadsheet would evaluate gets a leading `'`."""
    if isinstance(valeur, str) and valeur.startswith(DEBUTS_DE_FORMULE):
        return "'" + valeur
    return valeur


def est_nombre(valeur) -> bool:
    return isinstance(valeur, int | float | Decimal) and not isinstance(valeur, bool)
