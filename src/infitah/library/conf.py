"""Settings of the library, read when used (so that tests can change them).

``INFITAH_LIBRARY_MAX_UPLOAD_MB`` (default 20): the largest file accepted, in
megabytes (MiB). The other limits protect the extraction worker and the index.
"""

from __future__ import annotations

from django.conf import settings

#: Characters of extracted text kept per document (a longer text is cut, with a note).
MAX_EXTRACTED_CHARS = 2_000_000

#: Uncompressed bytes an office file (a zip archive) may expand to before extraction
#: refuses it (a "zip bomb" guard).
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024

#: Characters of the extracted text shown as a preview on the document's page.
PREVIEW_CHARS = 3_000

#: Characters of a document's text scanned for the search snippet.
SNIPPET_SCAN_CHARS = 60_000

#: Documents per page of the library.
PAGE_SIZE = 20


def max_upload_mb() -> int:
    """Largest accepted file, in megabytes (``INFITAH_LIBRARY_MAX_UPLOAD_MB``, default 20)."""
    return int(getattr(settings, "INFITAH_LIBRARY_MAX_UPLOAD_MB", 20))


def max_upload_bytes() -> int:
    """Largest accepted file, in bytes (:func:`max_upload_mb` × 1024 × 1024)."""
    return max_upload_mb() * 1024 * 1024
