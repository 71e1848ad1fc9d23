"""Real small files made in the tests (PDF with WeasyPrint, DOCX, ODT, XLSX, images),
and a helper that adds documents through the service."""

from __future__ import annotations

import datetime
import io
from typing import Any

from infitah.library import services
from infitah.library.extraction import Extraction
from infitah.library.models import Document


def pdf_from_html(body: str, *, lang: str = "ar") -> bytes:
    """A PDF made by WeasyPrint from an HTML body (Noto Naskh Arabic, then DejaVu Sans)."""
    from weasyprint import HTML

    html = (
        f'<html lang="{lang}"><head><meta charset="utf-8"><style>'
        "body { font-family: 'Noto Naskh Arabic', 'DejaVu Sans'; font-size: 14pt; }"
        f"</style></head><body>{body}</body></html>"
    )
    return bytes(HTML(string=html).write_pdf())


def pdf_bytes(text: str = "Guide de la participation citoyenne") -> bytes:
    return pdf_from_html(f'<p dir="auto">{text}</p>', lang="fr")


def scanned_pdf_bytes() -> bytes:
    """A PDF page with a drawn rectangle and no text layer (what a scan looks like)."""
    return pdf_from_html(
        '<div style="width: 10cm; height: 5cm; background: #444; border: 3px solid #000"></div>'
    )


def docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_bytes(heading: str, paragraphs: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=heading))
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: list[list[Any]], title: str = "Budget") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def image_bytes(fmt: str = "PNG") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def create_document(
    *,
    title_fr: str = "",
    title_ar: str = "",
    title_en: str = "",
    text: str = "",
    summary_fr: str = "",
    summary_ar: str = "",
    kind: str = Document.Kind.GUIDE,
    language: str = Document.Language.FRENCH,
    collectivity: Any = None,
    principles: list[Any] | None = None,
    issued_on: datetime.date | None = None,
    is_published: bool = True,
    link: str = "",
    user: Any = None,
    good_practice: services.GoodPracticeFields | None = None,
) -> Document:
    """A document made by the service: with ``text``, a .txt file whose text is stored at once."""
    metadata = services.DocumentMetadata(
        titles={"ar": title_ar, "fr": title_fr, "en": title_en},
        summaries={"fr": summary_fr, "ar": summary_ar},
        kind=kind,
        language=language,
        collectivity=collectivity,
        principles=principles or [],
        issued_on=issued_on,
        is_published=is_published,
        link=link
        if (link or text or kind == Document.Kind.GOOD_PRACTICE)
        else "https://example.org/doc",
    )
    if text:
        data = text.encode("utf-8")
        return services.document_create(
            user=user,
            metadata=metadata,
            file=io.BytesIO(data),
            filename="document.txt",
            size=len(data),
            allow_text=True,
            extraction=Extraction("done", text=text),
            good_practice=good_practice,
        )
    return services.document_create(user=user, metadata=metadata, good_practice=good_practice)
