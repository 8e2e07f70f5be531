"""The upload gate: size, antivirus, format read from the bytes, structure, safe name.

`controler()` raises FichierRefuse (a French message for the user) before anything is stored.
Call it outside the transaction that stores the file: the audit line of an infected file must
stay when that transaction rolls back (forms do it in `clean`, services before their atomic part).
"""

import csv
import hashlib
import io
import logging
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from PIL import Image
from pypdf import PdfReader

from cper.templatetags.cper_tags import octets

from . import antivirus
from .enums import EvenementAntivirus, StatutAntivirus, Usage
from .models import AlerteAntivirus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Format:
    code: str
    libelle: str
    type_mime: str
    extensions: tuple[str, ...]


FORMATS = {
    f.code: f
    for f in (
        Format("pdf", "PDF", "application/pdf", (".pdf",)),
        Format("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg")),
        Format("png", "PNG", "image/png", (".png",)),
        Format("odt", "ODT", "application/vnd.oasis.opendocument.text", (".odt",)),
        Format("ods", "ODS", "application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
        Format(
            "docx",
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        Format(
            "xlsx",
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
        Format("csv", "CSV", "text/csv", (".csv",)),
    )
}
_DOCUMENTS = ("pdf", "jpeg", "png", "odt", "ods", "docx", "xlsx")
FORMATS_PAR_USAGE: dict[str, tuple[str, ...]] = {
    Usage.PIECE: _DOCUMENTS,
    Usage.PIECE_JOINTE: _DOCUMENTS,
    Usage.IMPORT: ("csv", "xlsx"),
}

# ZIP containers (ODF, OOXML): bounds that a real office document stays far below.
ZIP_ENTREES_MAX = 1000
ZIP_RATIO_MAX = 100  # uncompressed / compressed, for entries above ZIP_RATIO_SEUIL
ZIP_RATIO_SEUIL = 1024 * 1024
PIXELS_MAX = 50_000_000
# Markup and scripts have nothing to do in a PDF, an image or a CSV: a file that carries them
# is built to be read as something else (a polyglot).
_BALISES_ACTIVES = re.compile(
    rb"<\s*(?:script|html|svg|iframe|object|embed|body)\b|<\?php|javascript\s*:|\A\s*#!",
    re.IGNORECASE,
)
_PDF_ACTIF = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)\b")
_PDF_NOM_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")


class FichierRefuse(Exception):
    """The uploaded file is not accepted; the message says why, in French."""


@dataclass(frozen=True)
class FichierControle:
    usage: str
    format: Format
    taille: int
    sha256: str
    nom: str
    statut_antivirus: str


def formats_acceptes(usage: str) -> str:
    return ", ".join(FORMATS[code].libelle for code in FORMATS_PAR_USAGE[usage])


def extensions_acceptees(usage: str) -> str:
    return ",".join(e for code in FORMATS_PAR_USAGE[usage] for e in FORMATS[code].extensions)


def aide(usage: str) -> str:
    return (
        f"Formats acceptés : {formats_acceptes(usage)}. Taille maximale : "
        f"{octets(settings.TAILLE_MAX_PIECE)}."
    )


def nettoyer_nom(nom: str, format_: Format | None = None) -> str:
    """A display name: no folders, no control, format or bidi characters, a true extension."""
    nom = unicodedata.normalize("NFC", nom or "")
    nom = nom.replace("\\", "/").split("/")[-1]
    # Category C: controls (NUL…), format characters (U+202E right-to-left override, zero
    # width joiners…), surrogates, unassigned.
    nom = "".join(c for c in nom if unicodedata.category(c)[0] != "C")
    nom = nom.strip(" .") or "fichier"
    if format_ is not None:
        extension = format_.extensions[0]
        if PurePath(nom).suffix.lower() not in format_.extensions:
            nom = f"{nom}{extension}"
        if len(nom) > 200:
            nom = nom[: 200 - len(extension)] + extension
    return nom[:200]


# --- checks of the content ----------------------------------------------------------------


def _lire(fichier, taille: int | None = None) -> bytes:
    fichier.seek(0)
    contenu = fichier.read() if taille is None else fichier.read(taille)
    fichier.seek(0)
    return contenu


def _refus_format(usage: str) -> FichierRefuse:
    return FichierRefuse(
        "Le contenu de ce fichier ne correspond à aucun format accepté "
        f"({formats_acceptes(usage)}). Son nom ne suffit pas : enregistrez-le dans l'un de "
        "ces formats."
    )


def _refus_abime(format_: Format) -> FichierRefuse:
    return FichierRefuse(
        f"Ce fichier {format_.libelle} est abîmé ou incomplet : il ne s'ouvre pas. "
        "Enregistrez-le de nouveau depuis votre logiciel, puis joignez-le."
    )


_REFUS_ACTIF = (
    "Ce fichier contient du contenu actif (script, page web ou fichier caché) : il est refusé. "
    "Enregistrez le document en PDF depuis votre logiciel, puis joignez-le."
)


def _sans_balises(contenu: bytes) -> None:
    if _BALISES_ACTIVES.search(contenu):
        raise FichierRefuse(_REFUS_ACTIF)


def _pas_une_archive(fichier) -> None:
    """A PDF or an image that is also a valid ZIP (a polyglot) is refused."""
    try:
        archive = zipfile.is_zipfile(fichier)
    finally:
        fichier.seek(0)
    if archive:
        raise FichierRefuse(_REFUS_ACTIF)


def _controler_pdf(fichier, contenu: bytes) -> None:
    format_ = FORMATS["pdf"]
    # A truncated PDF lost its end-of-file marker.
    if b"%%EOF" not in contenu[-2048:]:
        raise _refus_abime(format_)
    noms = _PDF_NOM_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), contenu)
    if _PDF_ACTIF.search(noms):
        raise FichierRefuse(_REFUS_ACTIF)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lecteur = PdfReader(io.BytesIO(contenu), strict=False)
            if lecteur.is_encrypted:
                raise FichierRefuse(
                    "Ce PDF est protégé par un mot de passe : enregistrez-le sans protection, "
                    "puis joignez-le."
                )
            pages = len(lecteur.pages)
    except FichierRefuse:
        raise
    except Exception as erreur:  # pypdf raises many kinds of errors on a broken file
        logger.info("PDF illisible : %r", erreur)
        raise _refus_abime(format_) from None
    if pages < 1:
        raise FichierRefuse("Ce PDF ne contient aucune page : joignez le document complet.")


_TROP_DE_PIXELS = "Cette image est trop grande (en pixels) : réduisez-la, puis joignez-la."


def _controler_image(fichier, code: str) -> None:
    format_ = FORMATS[code]
    attendu = {"jpeg": "JPEG", "png": "PNG"}[code]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            fichier.seek(0)
            with Image.open(fichier) as image:
                if image.format != attendu:
                    raise _refus_abime(format_)
                if image.width * image.height > PIXELS_MAX:
                    raise FichierRefuse(_TROP_DE_PIXELS)
                image.verify()
            fichier.seek(0)
            with Image.open(fichier) as image:
                image.load()  # decodes every pixel: a truncated image fails here
    except FichierRefuse:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise FichierRefuse(_TROP_DE_PIXELS) from None
    except Exception:  # Pillow: OSError, SyntaxError, ValueError…
        raise _refus_abime(format_) from None
    finally:
        fichier.seek(0)


_TROP_GROS_ZIP = (
    "Ce fichier se décompresse en un volume anormal : il est refusé. Enregistrez le document "
    "de nouveau depuis votre logiciel, puis joignez-le."
)


def _controler_entrees_zip(entrees, plafond: int) -> None:
    """What the archive declares: number and sizes of entries, encryption, active content."""
    if len(entrees) > ZIP_ENTREES_MAX or sum(e.file_size for e in entrees) > plafond:
        raise FichierRefuse(_TROP_GROS_ZIP)
    for entree in entrees:
        if entree.flag_bits & 0x1:
            raise FichierRefuse(
                "Ce document est protégé par un mot de passe : enregistrez-le sans "
                "protection, puis joignez-le."
            )
        if entree.file_size > ZIP_RATIO_SEUIL and entree.file_size > ZIP_RATIO_MAX * max(
            entree.compress_size, 1
        ):
            raise FichierRefuse(_TROP_GROS_ZIP)
        if entree.filename.lower().endswith(("vbaproject.bin", ".exe", ".js")):
            raise FichierRefuse(_REFUS_ACTIF)


def _lire_entrees_zip(archive, entrees, plafond: int) -> None:
    """Read every entry: the sizes above are declared, the bytes are what counts.

    zipfile stops at the declared size and checks each CRC.
    """
    lus = 0
    for entree in entrees:
        with archive.open(entree) as flux:
            while morceau := flux.read(1024 * 1024):
                lus += len(morceau)
                if lus > plafond:
                    raise FichierRefuse(_TROP_GROS_ZIP)


def _format_zip(archive, entrees) -> str | None:
    """The office format whose manifest the archive holds, if any."""
    noms = {e.filename for e in entrees}
    if entrees and entrees[0].filename == "mimetype":
        type_mime = archive.read("mimetype")[:100].strip().decode("ascii", "replace")
        for code in ("odt", "ods"):
            if type_mime == FORMATS[code].type_mime:
                return code
    if "[Content_Types].xml" in noms:
        if "word/document.xml" in noms:
            return "docx"
        if "xl/workbook.xml" in noms:
            return "xlsx"
    return None


def _controler_zip(fichier) -> str | None:
    """ODF and OOXML are ZIP containers: bounded, readable, and holding their format's manifest."""
    plafond = settings.TAILLE_MAX_DECOMPRESSEE
    try:
        fichier.seek(0)
        with zipfile.ZipFile(fichier) as archive:
            entrees = archive.infolist()
            _controler_entrees_zip(entrees, plafond)
            _lire_entrees_zip(archive, entrees, plafond)
            return _format_zip(archive, entrees)
    except FichierRefuse:
        raise
    except Exception:  # BadZipFile, LargeZipFile, OSError, EOFError, KeyError, zlib.error…
        return None
    finally:
        fichier.seek(0)


def _controler_csv(contenu: bytes) -> None:
    format_ = FORMATS["csv"]
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FichierRefuse(
            "Ce fichier CSV n'est pas encodé en UTF-8 : enregistrez-le en « CSV UTF-8 » depuis "
            "votre tableur, puis importez-le."
        ) from None
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in texte):
        raise _refus_abime(format_)
    _sans_balises(contenu)
    try:
        lignes = list(csv.reader(io.StringIO(texte), delimiter=";" if ";" in texte else ","))
    except csv.Error:
        raise _refus_abime(format_) from None
    if not lignes:
        raise _refus_abime(format_)


def _format(fichier, usage: str) -> Format:
    """The format read from the bytes (never from the name), checked to open as what it is."""
    autorises = FORMATS_PAR_USAGE[usage]
    tete = _lire(fichier, 8192)
    code = None
    if tete.startswith(b"%PDF-"):
        code = "pdf"
    elif tete.startswith(b"\xff\xd8\xff"):
        code = "jpeg"
    elif tete.startswith(b"\x89PNG\r\n\x1a\n"):
        code = "png"
    elif tete.startswith(b"PK\x03\x04"):
        code = _controler_zip(fichier)
    elif "csv" in autorises and filetype.guess(tete) is None:
        code = "csv"
    if code is None or code not in autorises:
        raise _refus_format(usage)
    if code in ("pdf", "jpeg", "png"):
        contenu = _lire(fichier)
        _sans_balises(contenu)
        _pas_une_archive(fichier)
        if code == "pdf":
            _controler_pdf(fichier, contenu)
        else:
            _controler_image(fichier, code)
    elif code == "csv":
        _controler_csv(_lire(fichier))
    return FORMATS[code]


# --- the gate -----------------------------------------------------------------------------


def _empreinte(fichier) -> str:
    empreinte = hashlib.sha256()
    fichier.seek(0)
    for morceau in fichier.chunks() if hasattr(fichier, "chunks") else iter(fichier):
        empreinte.update(morceau)
    fichier.seek(0)
    return empreinte.hexdigest()


def _alerter(*, usage, par, nom, taille, sha256, signature, evenement, objet="") -> None:
    logger.warning(
        "Fichier infecté %s : usage=%s utilisateur=%s sha256=%s signature=%s objet=%s",
        evenement,
        usage,
        getattr(par, "pk", None),
        sha256,
        signature,
        objet,
    )
    AlerteAntivirus.objects.create(
        evenement=evenement,
        usage=usage,
        user=par if getattr(par, "pk", None) else None,
        nom=nom[:255],
        taille=taille,
        sha256=sha256,
        signature=signature[:255],
        objet=objet,
    )


def controler(fichier, *, usage: str, par=None) -> FichierControle:
    """Check an upload for this use; raise FichierRefuse with a French message when refused.

    The result is kept on the upload, so that a form and then a service check it once.
    """
    usage = Usage(usage)
    deja = getattr(fichier, "_controle_cper", None)
    if deja is not None and deja.usage == usage:
        return deja
    taille = fichier.size or 0
    if taille == 0:
        raise FichierRefuse("Le fichier est vide : choisissez un fichier qui a un contenu.")
    if taille > settings.TAILLE_MAX_PIECE:
        raise FichierRefuse(
            f"Le fichier pèse {octets(taille)} : la taille maximale est de "
            f"{octets(settings.TAILLE_MAX_PIECE)}."
        )
    sha256 = _empreinte(fichier)
    try:
        analyse = antivirus.analyser(fichier)
    except antivirus.AntivirusIndisponible:
        analyse = None
    if analyse is not None and analyse.infecte:
        _alerter(
            usage=usage,
            par=par,
            nom=nettoyer_nom(getattr(fichier, "name", "")),
            taille=taille,
            sha256=sha256,
            signature=analyse.signature,
            evenement=EvenementAntivirus.REFUSE,
        )
        raise FichierRefuse(
            "L'antivirus a détecté un virus dans ce fichier : il est refusé et n'a pas été "
            "enregistré. Analysez votre poste, puis joignez une copie saine du document."
        )
    format_ = _format(fichier, usage)
    if analyse is None and usage == Usage.IMPORT:
        # An import is read at once: it cannot wait in quarantine.
        raise FichierRefuse(
            "L'analyse antivirus est momentanément indisponible : le fichier n'a pas été "
            "importé. Réessayez dans quelques minutes."
        )
    controle = FichierControle(
        usage=usage,
        format=format_,
        taille=taille,
        sha256=sha256,
        nom=nettoyer_nom(getattr(fichier, "name", ""), format_),
        statut_antivirus=StatutAntivirus.SAIN if analyse else StatutAntivirus.EN_ANALYSE,
    )
    fichier._controle_cper = controle
    return controle


def alerter_quarantaine(*, objet, signature: str) -> None:
    """A file found infected in quarantine: the audit line (the caller deletes it)."""
    _alerter(
        usage=objet.usage,
        par=objet.televerse_par,
        nom=objet.nom_original,
        taille=objet.taille,
        sha256=objet.sha256,
        signature=signature,
        evenement=EvenementAntivirus.SUPPRIME,
        objet=f"{objet._meta.label_lower}:{objet.pk}",
    )
