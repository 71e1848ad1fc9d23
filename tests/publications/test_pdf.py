"""PDFs of publications: Arabic shaped and ordered, local fonts, nothing fetched."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from django.contrib.staticfiles import finders

from infitah.publications import services
from infitah.publications.models import Publication
from infitah.publications.pdf import BASE_URL, LocalFetcher, render_publication_pdf
from tests.publications.conftest import BeniMellal

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """The text of every page, in logical order (pypdf), spaces collapsed."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def pdf_fonts(data: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def generate(beni_mellal: BeniMellal, kind: str, language: str) -> Publication:
    return services.publication_generate(
        meeting=beni_mellal.workshop, kind=kind, language=language, actor=None
    )


def test_arabic_press_release_pdf_has_whole_words(beni_mellal: BeniMellal) -> None:
    data = render_publication_pdf(generate(beni_mellal, "press_release", "ar"))
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for words in (
        "بلاغ صحفي",
        "الانفتاح",
        "المساواة",
        "الورشة الثانية للإعداد المشترك",
        "ورشة",
        "جماعة بني ملال",
        "مغيلة",
        "هيئة المساواة وتكافؤ الفرص ومقاربة النوع",
        "يوليوز",
        "الثلاثاء",
        "العاشرة صباحا",
        "دورة أكتوبر",
        "الشبكة المغربية للجماعات الترابية المنفتحة",
        "صفحة",
    ):
        assert words in text, words
    assert {"Infitah-Arabic", "Infitah-Arabic-Bold"} <= pdf_fonts(data)


def test_arabic_agenda_pdf(beni_mellal: BeniMellal) -> None:
    text = pdf_text(render_publication_pdf(generate(beni_mellal, "agenda", "ar")))
    for words in (
        "جدول الأعمال",
        "استقبال المشاركات والمشاركين",
        "المجموعة الأولى",
        "المجموعة الثانية",
        "مناقشة مشاريع الانفتاح",
        "بالتوازي",
    ):
        assert words in text, words


def test_french_pdf(beni_mellal: BeniMellal) -> None:
    data = render_publication_pdf(generate(beni_mellal, "press_release", "fr"))
    text = pdf_text(data)
    for words in (
        "Communiqué de presse",
        "Deuxième atelier de co-création",
        "La commune de Béni Mellal",
        "Mghila",
        "mardi",
        "juillet",
        "session d'octobre",
        "Réseau marocain des collectivités territoriales ouvertes",
        "Page",
        "المساواة",  # the body's Arabic name inside the French text
    ):
        assert words in text, words
    assert "Infitah-Latin" in pdf_fonts(data)


def test_draft_preview_is_marked(beni_mellal: BeniMellal) -> None:
    publication = generate(beni_mellal, "agenda", "fr")
    assert "Brouillon non publié" in pdf_text(render_publication_pdf(publication, is_preview=True))
    assert "Brouillon" not in pdf_text(render_publication_pdf(publication))


def test_body_is_text_never_html(beni_mellal: BeniMellal) -> None:
    publication = generate(beni_mellal, "agenda", "fr")
    publication.body = 'Avant <img src="https://example.org/x.png"> après\n\n- point'
    text = pdf_text(render_publication_pdf(publication))
    assert '<img src="https://example.org/x.png">' in text


# --- The URL fetcher ---------------------------------------------------------------


def test_fetcher_serves_static_files_and_fonts() -> None:
    fetcher = LocalFetcher()
    css = fetcher.fetch(f"{BASE_URL}static/publications/print.css")
    assert b"Noto Naskh Arabic" in css.read()
    assert css.content_type == "text/css"
    font = Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")
    if font.exists():
        assert fetcher.fetch(font.as_uri()).read()[:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO")
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/style.css",
        "http://127.0.0.1:8000/static/publications/print.css",
        f"{BASE_URL}media/secret.pdf",
        f"{BASE_URL}static/../settings.py",
        "file:///etc/passwd",
        "ftp://example.org/x",
    ],
)
def test_fetcher_refuses_everything_else(url: str) -> None:
    with pytest.raises(ValueError, match="Refused"):
        LocalFetcher().fetch(url)


def test_print_stylesheet_names_local_fonts_and_uses_logical_properties() -> None:
    path = finders.find("publications/print.css")
    assert path
    css = Path(str(path)).read_text(encoding="utf-8")
    assert 'local("Noto Naskh Arabic Regular")' in css
    assert "size: A4" in css
    assert "url(" not in css
    for name in ("print.css", "publications.css"):
        found = finders.find(f"publications/{name}")
        content = Path(str(found)).read_text(encoding="utf-8")
        assert "left" not in content and "right" not in content, name
