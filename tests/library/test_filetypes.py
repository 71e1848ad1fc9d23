"""Accepted files are recognised from their content; names that lie are refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from infitah.library.filetypes import check_upload_size, detect_file_type
from tests.library import samples


def detect(data: bytes, name: str, **kwargs: bool) -> str:
    return detect_file_type(io.BytesIO(data), filename=name, **kwargs).key


def refusal(data: bytes, name: str, **kwargs: bool) -> str:
    with pytest.raises(ValidationError) as caught:
        detect_file_type(io.BytesIO(data), filename=name, **kwargs)
    return str(caught.value.code)


class TestAccepted:
    def test_pdf(self) -> None:
        assert detect(samples.pdf_bytes(), "guide.pdf") == "pdf"

    def test_docx(self) -> None:
        assert detect(samples.docx_bytes(["نص"]), "guide.docx") == "docx"

    def test_odt(self) -> None:
        assert detect(samples.odt_bytes("Titre", ["Texte"]), "guide.odt") == "odt"

    def test_xlsx(self) -> None:
        assert detect(samples.xlsx_bytes([["a", 1]]), "budget.xlsx") == "xlsx"

    def test_images(self) -> None:
        assert detect(samples.image_bytes("PNG"), "photo.png") == "png"
        assert detect(samples.image_bytes("JPEG"), "photo.jpg") == "jpeg"
        assert detect(samples.image_bytes("JPEG"), "photo.JPEG") == "jpeg"

    def test_a_name_without_extension_is_accepted_by_content(self) -> None:
        assert detect(samples.pdf_bytes(), "guide") == "pdf"

    def test_text_only_for_the_importer(self) -> None:
        data = "نص عربي".encode()
        assert detect(data, "notes.txt", allow_text=True) == "txt"
        assert refusal(data, "notes.txt") == "type"


class TestRefused:
    def test_a_pdf_renamed_docx(self) -> None:
        assert refusal(samples.pdf_bytes(), "guide.docx") == "extension"

    def test_an_html_file_named_pdf(self) -> None:
        html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
        assert refusal(html, "guide.pdf") == "type"

    def test_an_svg_image(self) -> None:
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        assert refusal(svg, "logo.png") == "type"

    def test_a_docx_renamed_xlsx(self) -> None:
        assert refusal(samples.docx_bytes(["x"]), "budget.xlsx") == "extension"

    def test_a_plain_zip_named_docx(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "hello")
        assert refusal(buffer.getvalue(), "guide.docx") == "type"

    def test_a_word_file_with_macros(self) -> None:
        source = zipfile.ZipFile(io.BytesIO(samples.docx_bytes(["x"])))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for item in source.infolist():
                archive.writestr(item, source.read(item))
            archive.writestr("word/vbaProject.bin", b"\x00macro")
        assert refusal(buffer.getvalue(), "guide.docx") == "macros"

    def test_an_executable(self) -> None:
        assert refusal(b"MZ\x90\x00" + b"\x00" * 200, "guide.pdf") == "type"

    def test_text_that_is_not_utf8(self) -> None:
        assert refusal("é".encode("latin-1") * 10, "notes.txt", allow_text=True) == "type"

    def test_empty_file(self) -> None:
        assert refusal(b"", "guide.pdf") == "type"


class TestSize:
    def test_limit_from_the_setting(self, settings: object) -> None:
        settings.INFITAH_LIBRARY_MAX_UPLOAD_MB = 1  # type: ignore[attr-defined]
        check_upload_size(1024 * 1024)
        with pytest.raises(ValidationError) as caught:
            check_upload_size(1024 * 1024 + 1)
        assert caught.value.code == "too_large"

    def test_default_is_20_mb(self) -> None:
        check_upload_size(20 * 1024 * 1024)
        with pytest.raises(ValidationError):
            check_upload_size(20 * 1024 * 1024 + 1)

    def test_empty(self) -> None:
        with pytest.raises(ValidationError) as caught:
            check_upload_size(0)
        assert caught.value.code == "empty"
