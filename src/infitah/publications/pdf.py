"""PDF of a publication, rendered by WeasyPrint from the web page's document template.

``publications/pdf.html`` wraps ``publications/includes/document.html`` (the template
the web page shows) with a running header (issuer and network) and footer (page
numbers), and links ``publications/print.css``: A4 pages, and ``@font-face`` rules
naming locally installed fonts (Debian's ``fonts-noto-core``: Noto Naskh Arabic for
Arabic, Noto Sans for Latin text) with ``font-family`` set explicitly, so the output
does not depend on the machine's default fonts. WeasyPrint shapes Arabic with
HarfBuzz and orders it with the Unicode bidi algorithm (``<html lang="ar" dir="rtl">``),
so letters are joined and words come out whole when the text is extracted.

Nothing is fetched from the network: :class:`LocalFetcher` serves the project's static
files (from the static finders or ``STATIC_ROOT``) and font files from the system's
font directories, ``data:`` URLs, and refuses everything else.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import translation

# WeasyPrint reports every step of every rendering at INFO (and parses its own
# stylesheets on import): quiet unless the logging settings say otherwise.
_PROGRESS_LOGGER = logging.getLogger("weasyprint.progress")
if _PROGRESS_LOGGER.level == logging.NOTSET:
    _PROGRESS_LOGGER.setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

from infitah.publications.models import Publication  # noqa: E402
from infitah.publications.selectors import DocumentView, document_view  # noqa: E402

__all__ = ["BASE_URL", "LocalFetcher", "render_document_pdf", "render_publication_pdf"]

#: The address the PDF's relative links are resolved against. ``.invalid`` never
#: resolves (RFC 2606): only :class:`LocalFetcher` can answer for it.
BASE_URL = "https://infitah.invalid/"
_BASE_HOST = urlsplit(BASE_URL).netloc

#: Directories font files may be read from (``local()`` fonts found by fontconfig).
DEFAULT_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".woff", ".woff2"})


def _font_dirs() -> list[Path]:
    extra = getattr(settings, "INFITAH_PDF_FONT_DIRS", ())
    return [Path(d).resolve() for d in (*DEFAULT_FONT_DIRS, *extra)]


def _static_path(name: str) -> Path | None:
    """Return the file of static asset ``name`` (``publications/print.css``), if any."""
    if not name or ".." in Path(name).parts:
        return None
    found = finders.find(name)
    if isinstance(found, list):
        found = found[0] if found else None
    if found:
        return Path(found)
    try:
        path = Path(staticfiles_storage.path(name))
    except NotImplementedError:  # pragma: no cover - remote storage
        return None
    return path if path.is_file() else None


class LocalFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that never leaves the machine.

    Serves ``data:`` URLs; ``https://infitah.invalid/static/...`` (the project's static
    files, see :data:`BASE_URL`); ``file:`` URLs of font files inside the font
    directories (:data:`DEFAULT_FONT_DIRS` and ``settings.INFITAH_PDF_FONT_DIRS``).
    Anything else (http, https to any other host, other files) raises ``ValueError``,
    which WeasyPrint reports as a warning and skips.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_redirects", False)
        super().__init__(**kwargs)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url2pathname(unquote(parts.path))).resolve()
            is_font = path.suffix.lower() in FONT_SUFFIXES and path.is_file()
            if is_font and any(path.is_relative_to(d) for d in _font_dirs()):
                return self._response(url, path)
        elif scheme in ("http", "https") and parts.netloc == _BASE_HOST:
            static_prefix = urlsplit(str(settings.STATIC_URL)).path
            if parts.path.startswith(static_prefix):
                path_or_none = _static_path(unquote(parts.path[len(static_prefix) :]))
                if path_or_none is not None:
                    return self._response(url, path_or_none)
        raise ValueError(f"Refused to fetch {url!r}: PDFs use local files only.")

    @staticmethod
    def _response(url: str, path: Path) -> URLFetcherResponse:
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})


def render_document_pdf(document: DocumentView, *, is_preview: bool = False) -> bytes:
    """Render a :class:`DocumentView` as PDF bytes (A4, fonts from the machine).

    Args:
        document: from :func:`infitah.publications.selectors.document_view`.
        is_preview: print a "draft" mark (staff previews of unpublished documents).

    Returns:
        The PDF file's bytes.
    """
    with translation.override(document.language):
        html = render_to_string(
            "publications/pdf.html", {"doc": document, "is_preview": is_preview}
        )
    fonts = FontConfiguration()
    rendered = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher()).write_pdf(
        font_config=fonts
    )
    return bytes(rendered or b"")


def render_publication_pdf(publication: Publication, *, is_preview: bool = False) -> bytes:
    """Render ``publication`` as PDF bytes (see :func:`render_document_pdf`)."""
    return render_document_pdf(document_view(publication), is_preview=is_preview)
