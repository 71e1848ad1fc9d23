"""Text extraction from the library's files, with well-kept libraries.

- PDF: pypdf (text in logical order, right for Arabic); when pypdf gives no text or
  fails, pdfminer.six. No letter at all on any page: a scan without a text layer
  (``scanned_no_text``; OCR is not attempted).
- DOCX: python-docx (paragraphs and tables, in document order).
- ODT: odfpy (headings and paragraphs, tables included, in document order).
- XLSX: openpyxl in read-only mode (sheet names and cell values, row by row).
- Plain text: UTF-8.
- Images: nothing to extract (``not_applicable``).

The functions here only read bytes and return an :class:`Extraction`; the caller
(:func:`infitah.library.services.document_extract_text`) repairs the text
(:mod:`infitah.library.arabic_repair`), stores it and updates the search index. Every
failure becomes ``failed`` with a short reason: a bad file never stops the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, cast

from infitah.library import conf
from infitah.library.filetypes import ACCEPTED_TYPES, FileType

logger = logging.getLogger(__name__)

__all__ = ["Extraction", "extract_text"]

# Values of Document.ExtractionStatus (kept as strings: no model import here).
DONE = "done"
SCANNED_NO_TEXT = "scanned_no_text"
FAILED = "failed"
NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Extraction:
    """Outcome of one extraction.

    ``status`` is a ``Document.ExtractionStatus`` value; ``text`` the raw text (not yet
    repaired), at most :data:`infitah.library.conf.MAX_EXTRACTED_CHARS` characters;
    ``page_count`` the number of pages (PDF) or sheets (XLSX), else ``None``; ``error``
    a short reason for ``failed`` (or a note such as "text cut").
    """

    status: str
    text: str = ""
    page_count: int | None = None
    error: str = ""


class _Collector:
    """Collects text parts up to the character limit."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.truncated = False

    def add(self, text: str) -> bool:
        """Add ``text``; return False once the limit is reached (stop reading)."""
        if self.truncated:
            return False
        room = conf.MAX_EXTRACTED_CHARS - self.size
        if len(text) >= room:
            self.parts.append(text[:room])
            self.size = conf.MAX_EXTRACTED_CHARS
            self.truncated = True
            return False
        self.parts.append(text)
        self.size += len(text) + 1
        return True

    def text(self, separator: str = "\n") -> str:
        return separator.join(self.parts)

    @property
    def note(self) -> str:
        return "text cut at the size limit" if self.truncated else ""


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _pdf_with_pypdf(file: IO[bytes]) -> tuple[str, int, bool]:
    from pypdf import PdfReader

    reader = PdfReader(file)
    if reader.is_encrypted:
        reader.decrypt("")  # many "protected" PDFs open with the empty password
    collector = _Collector()
    count = len(reader.pages)
    for page in reader.pages:
        if not collector.add(page.extract_text() or ""):
            break
    return collector.text("\n\n"), count, collector.truncated


def _pdf_with_pdfminer(file: IO[bytes]) -> str:
    from pdfminer.high_level import extract_text as pdfminer_extract

    file.seek(0)
    text: str = pdfminer_extract(cast(Any, file), maxpages=0) or ""
    return text[: conf.MAX_EXTRACTED_CHARS]


def _extract_pdf(file: IO[bytes]) -> Extraction:
    text = ""
    pages: int | None = None
    truncated = False
    pypdf_error = ""
    try:
        text, pages, truncated = _pdf_with_pypdf(file)
    except Exception as exc:  # any parser error: try the other library
        pypdf_error = type(exc).__name__
        logger.info("pypdf could not read a PDF (%s); trying pdfminer", pypdf_error)
    if not _has_letters(text):
        try:
            fallback = _pdf_with_pdfminer(file)
        except Exception as exc:
            if pypdf_error:
                return Extraction(FAILED, error=f"unreadable PDF ({type(exc).__name__})")
            fallback = ""
        if _has_letters(fallback):
            text = fallback
    if not _has_letters(text):
        return Extraction(SCANNED_NO_TEXT, text="", page_count=pages)
    return Extraction(
        DONE, text=text, page_count=pages, error="text cut at the size limit" if truncated else ""
    )


def _docx_blocks(document: Any) -> Iterator[str]:
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = cell.text.strip()
                    if value and (not cells or cells[-1] != value):  # merged cells repeat
                        cells.append(value)
                if cells:
                    yield "\t".join(cells)
        else:
            yield block.text


def _extract_docx(file: IO[bytes]) -> Extraction:
    import docx

    document = docx.Document(file)
    collector = _Collector()
    for text in _docx_blocks(document):
        if not collector.add(text):
            break
    return Extraction(DONE, text=collector.text(), error=collector.note)


def _odf_texts(node: Any) -> Iterator[str]:
    from odf import teletype
    from odf.namespaces import TEXTNS

    for child in node.childNodes:
        if getattr(child, "qname", None) in ((TEXTNS, "p"), (TEXTNS, "h")):
            yield teletype.extractText(child)
        elif getattr(child, "childNodes", None):
            yield from _odf_texts(child)


def _extract_odt(file: IO[bytes]) -> Extraction:
    from odf.opendocument import load

    document = load(file)
    collector = _Collector()
    for text in _odf_texts(document.text):
        if not collector.add(text):
            break
    return Extraction(DONE, text=collector.text(), error=collector.note)


def _extract_xlsx(file: IO[bytes]) -> Extraction:
    from openpyxl import load_workbook

    workbook = load_workbook(file, read_only=True, data_only=True)
    collector = _Collector()
    try:
        sheets = workbook.worksheets
        reading = True
        for sheet in sheets:
            if not (reading := collector.add(str(sheet.title))):
                break
            for row in sheet.iter_rows(values_only=True):
                cells = [str(value) for value in row if value is not None and str(value).strip()]
                if cells and not (reading := collector.add("\t".join(cells))):
                    break
            if not reading:
                break
        count = len(sheets)
    finally:
        workbook.close()
    return Extraction(DONE, text=collector.text(), page_count=count, error=collector.note)


def _extract_plain_text(file: IO[bytes]) -> Extraction:
    data = file.read(conf.MAX_EXTRACTED_CHARS * 4)
    text = data.decode("utf-8-sig", errors="replace")[: conf.MAX_EXTRACTED_CHARS]
    return Extraction(DONE, text=text)


_EXTRACTORS = {
    "pdf": _extract_pdf,
    "docx": _extract_docx,
    "odt": _extract_odt,
    "xlsx": _extract_xlsx,
    "txt": _extract_plain_text,
}


def extract_text(file: IO[bytes], file_type: FileType | str) -> Extraction:
    """Extract the text of ``file``, a file of ``file_type`` (a :class:`FileType` or its key).

    Args:
        file: a seekable binary file, at any position.
        file_type: what :func:`infitah.library.filetypes.detect_file_type` found.

    Returns:
        An :class:`Extraction`. Never raises for a bad file: unreadable files give
        ``failed`` with the parser's error class as the reason; images give
        ``not_applicable``.
    """
    key = file_type if isinstance(file_type, str) else file_type.key
    if key not in ACCEPTED_TYPES:
        return Extraction(FAILED, error=f"unknown file type {key!r}")
    extractor = _EXTRACTORS.get(key)
    if extractor is None:
        return Extraction(NOT_APPLICABLE)
    file.seek(0)
    try:
        result = extractor(file)
    except Exception as exc:  # a damaged or hostile file must not stop the worker
        logger.warning("Text extraction failed for a %s file: %s", key, type(exc).__name__)
        return Extraction(FAILED, error=f"unreadable file ({type(exc).__name__})")
    return result
