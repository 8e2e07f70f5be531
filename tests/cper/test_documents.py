import io
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from cper.documents import rendre_pdf


def _texte(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_un_pdf_rendu_se_relit_avec_accents_guillemets_euros_et_date(settings):
    pdf = rendre_pdf(
        "cper/pdf/specimen.html",
        {"date": date(2015, 7, 10), "montant": Decimal("893486000")},
    )
    assert pdf.startswith(b"%PDF")
    texte = _texte(pdf)
    assert "Spécimen de document « CPER »" in texte
    assert "10 juillet 2015" in texte
    assert "893\u202f486\u202f000,00\u00a0€" in texte or "893 486 000,00 €" in texte
    assert "Préfecture de la région" in texte
    assert "Département du Pas-de-Calais" in texte
