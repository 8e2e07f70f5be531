"""Small real files of each accepted format, and impostors, built in memory."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories.dossiers import PDF_MINIMAL


def _image(format_: str) -> bytes:
    from PIL import Image

    tampon = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 145)).save(tampon, format=format_)
    return tampon.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")
# A Windows executable starts with "MZ", whatever its name says.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def _zip(entrees: dict[str, bytes]) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        for nom, contenu in entrees.items():
            compression = zipfile.ZIP_STORED if nom == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(nom, contenu, compress_type=compression)
    return tampon.getvalue()


def odt() -> bytes:
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest/>",
        }
    )


def ods() -> bytes:
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b"<office:document-content/>",
        }
    )


def docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def xlsx() -> bytes:
    from openpyxl import Workbook

    tampon = io.BytesIO()
    classeur = Workbook()
    classeur.active["A1"] = "Plan de financement"
    classeur.save(tampon)
    return tampon.getvalue()


def zip_quelconque() -> bytes:
    return _zip({"lisez-moi.txt": b"ceci n'est pas un document"})


def fichier(nom: str, contenu: bytes, type_annonce: str = "application/pdf"):
    """An upload as a browser would send it, with the type it claims."""
    return SimpleUploadedFile(nom, contenu, content_type=type_annonce)


def pdf(nom: str = "deliberation.pdf", contenu: bytes = PDF_MINIMAL):
    return fichier(nom, contenu)
