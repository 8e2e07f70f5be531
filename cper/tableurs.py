"""What every CSV, XLSX or ODS export does to the text it writes.

A spreadsheet reads a cell that begins with `=`, `+`, `-` or `@` (and, in some versions, a tab or
a carriage return before them) as a formula: a dossier title such as `=HYPERLINK(...)` or a DDE
call would run on the reader's machine. Text cells are therefore prefixed with an apostrophe,
the spreadsheet's own "this is text" mark; numbers are written as numbers and never touched, so
a negative amount stays a number.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# The full-width forms are read as their ASCII counterparts by some spreadsheet versions.
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutraliser_formule(valeur):
    """The value to write in a cell: text that a spreadsheet would evaluate gets a leading `'`."""
    if isinstance(valeur, str) and valeur.startswith(DEBUTS_DE_FORMULE):
        return "'" + valeur
    return valeur


def est_nombre(valeur) -> bool:
    return isinstance(valeur, int | float | Decimal) and not isinstance(valeur, bool)


# --- A plain sheet as CSV, XLSX or ODS --------------------------------------------------------


@dataclass
class Feuille:
    """A title, column headers and rows of plain values (str, int, Decimal, date, None);
    `formats`, one per column, the XLSX number format of its numbers (None: as they are)."""

    titre: str
    entetes: list[str]
    lignes: list[list]
    formats: list[str | None] | None = None


FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def _texte_csv(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, datetime.date):
        return f"{valeur:%d/%m/%Y}"
    if isinstance(valeur, Decimal | float):
        return f"{valeur}".replace(".", ",")
    if est_nombre(valeur):
        return str(valeur)
    return neutraliser_formule(str(valeur))


def en_csv(feuille: Feuille) -> bytes:
    """French Excel's CSV: `;`, decimal comma, UTF-8 with a BOM."""
    tampon = io.StringIO()
    tampon.write("\ufeff")
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow([neutraliser_formule(e) for e in feuille.entetes])
    for ligne in feuille.lignes:
        ecrivain.writerow([_texte_csv(valeur) for valeur in ligne])
    return tampon.getvalue().encode("utf-8")


def en_xlsx(feuille: Feuille) -> bytes:
    classeur = Workbook(write_only=True)
    onglet = classeur.create_sheet(feuille.titre[:31])
    onglet.freeze_panes = "A2"
    for indice, libelle in enumerate(feuille.entetes, start=1):
        onglet.column_dimensions[get_column_letter(indice)].width = max(
            12, min(60, len(libelle) + 2)
        )
    gras = Font(bold=True)
    entete = []
    for libelle in feuille.entetes:
        cellule = WriteOnlyCell(onglet, value=neutraliser_formule(libelle))
        cellule.font = gras
        entete.append(cellule)
    onglet.append(entete)
    formats = feuille.formats or [None] * len(feuille.entetes)
    for ligne in feuille.lignes:
        cellules = []
        for valeur, format_ in zip(ligne, formats, strict=True):
            if valeur is None or (est_nombre(valeur) and not format_):
                cellules.append(valeur)
            elif est_nombre(valeur):
                cellule = WriteOnlyCell(onglet, value=valeur)
                cellule.number_format = format_
                cellules.append(cellule)
            elif isinstance(valeur, datetime.date):
                cellule = WriteOnlyCell(onglet, value=valeur)
                cellule.number_format = "dd/mm/yyyy"
                cellules.append(cellule)
            else:
                # Typed as a string, so that openpyxl never stores it as a formula either.
                cellule = WriteOnlyCell(onglet, value=neutraliser_formule(str(valeur)))
                cellule.data_type = "s"
                cellules.append(cellule)
        onglet.append(cellules)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


_MANIFESTE_ODS = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""  # noqa: E501

_ESPACES_ODS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'office:version="1.2"'
)


def _cellule_ods(valeur) -> str:
    if valeur is None:
        return "<table:table-cell/>"
    if est_nombre(valeur):
        return (
            f'<table:table-cell office:value-type="float" office:value="{valeur}">'
            f"<text:p>{valeur}</text:p></table:table-cell>"
        )
    if isinstance(valeur, datetime.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{valeur.isoformat()}">'
            f"<text:p>{valeur:%d/%m/%Y}</text:p></table:table-cell>"
        )
    # A string cell is never evaluated; the apostrophe still warns whoever copies it out.
    texte = escape(neutraliser_formule(str(valeur)))
    return (
        f'<table:table-cell office:value-type="string"><text:p>{texte}</text:p></table:table-cell>'
    )


def en_ods(feuille: Feuille) -> bytes:
    """An OpenDocument spreadsheet (LibreOffice's own format), written without a library."""
    lignes = [feuille.entetes, *feuille.lignes]
    corps = "".join(
        "<table:table-row>" + "".join(_cellule_ods(v) for v in ligne) + "</table:table-row>"
        for ligne in lignes
    )
    contenu_xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<office:document-content {_ESPACES_ODS}><office:body><office:spreadsheet>"
        f'<table:table table:name="{escape(feuille.titre[:31], quote=True)}">{corps}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        # The mimetype comes first and uncompressed: that is how a reader recognises the file.
        archive.writestr("mimetype", FORMATS["ods"], compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFESTE_ODS, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", contenu_xml, zipfile.ZIP_DEFLATED)
    return tampon.getvalue()


def contenu(feuille: Feuille, format_: str) -> bytes:
    return {"csv": en_csv, "xlsx": en_xlsx, "ods": en_ods}[format_](feuille)
