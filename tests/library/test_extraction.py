"""Text extraction from real small files made in the test."""

from __future__ import annotations

import io

import pytest

from infitah.library.arabic_repair import repair_arabic_text
from infitah.library.extraction import extract_text
from tests.library import samples


def extract(data: bytes, key: str) -> tuple[str, str, int | None]:
    result = extract_text(io.BytesIO(data), key)
    return result.status, result.text, result.page_count


class TestPdf:
    def test_arabic_and_french_in_logical_order(self) -> None:
        data = samples.pdf_from_html(
            '<p dir="rtl">برنامج عمل الانفتاح بجماعة بني ملال</p>'
            '<p dir="ltr" lang="fr">Programme d’action d’ouverture</p>'
        )

        status, text, pages = extract(data, "pdf")

        assert status == "done"
        assert pages == 1
        repaired = repair_arabic_text(text)
        assert "برنامج عمل الانفتاح" in repaired
        assert "بني ملال" in repaired
        assert "Programme d’action d’ouverture" in repaired

    def test_a_page_without_text_layer_is_a_scan(self) -> None:
        status, text, pages = extract(samples.scanned_pdf_bytes(), "pdf")

        assert status == "scanned_no_text"
        assert text == ""
        assert pages == 1

    def test_a_damaged_pdf_fails_without_raising(self) -> None:
        status, _text, _pages = extract(b"%PDF-1.7\n" + b"\x00garbage" * 100, "pdf")

        assert status in {"failed", "scanned_no_text"}

    def test_pdfminer_is_the_fallback(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from infitah.library import extraction

        def broken(file: object) -> tuple[str, int, bool]:
            raise ValueError("pypdf cannot read this")

        monkeypatch.setattr(extraction, "_pdf_with_pypdf", broken)
        status, text, _pages = extract(samples.pdf_bytes("Rapport annuel"), "pdf")

        assert status == "done"
        assert "Rapport annuel" in text


def test_docx_paragraphs_and_tables() -> None:
    data = samples.docx_bytes(
        ["دليل الميزانية التشاركية", "Guide du budget participatif"],
        table=[["السنة", "المبلغ"], ["2024", "100000"]],
    )

    status, text, pages = extract(data, "docx")

    assert status == "done"
    assert pages is None
    assert "دليل الميزانية التشاركية" in text
    assert "Guide du budget participatif" in text
    assert "المبلغ" in text and "100000" in text


def test_odt_headings_and_paragraphs_in_order() -> None:
    data = samples.odt_bytes("ميثاق الشبكة", ["La charte du réseau", "الشفافية والمساءلة"])

    status, text, _pages = extract(data, "odt")

    assert status == "done"
    assert text.splitlines() == ["ميثاق الشبكة", "La charte du réseau", "الشفافية والمساءلة"]


def test_xlsx_sheets_and_cells() -> None:
    data = samples.xlsx_bytes([["المشروع", "الكلفة"], ["إنارة عمومية", 250000]], title="ميزانية")

    status, text, pages = extract(data, "xlsx")

    assert status == "done"
    assert pages == 1
    assert "ميزانية" in text
    assert "إنارة عمومية\t250000" in text


def test_images_have_nothing_to_extract() -> None:
    status, text, _pages = extract(samples.image_bytes("PNG"), "png")

    assert (status, text) == ("not_applicable", "")


def test_plain_text() -> None:
    status, text, _pages = extract("\ufeffنص".encode(), "txt")

    assert (status, text) == ("done", "نص")


def test_a_damaged_office_file_fails_without_raising() -> None:
    status, _text, _pages = extract(b"PK\x03\x04broken", "docx")

    assert status == "failed"


def test_text_is_cut_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from infitah.library import conf

    monkeypatch.setattr(conf, "MAX_EXTRACTED_CHARS", 30)
    result = extract_text(io.BytesIO(samples.docx_bytes(["a" * 20, "b" * 20, "c" * 20])), "docx")

    assert len(result.text) <= 31
    assert result.error == "text cut at the size limit"
