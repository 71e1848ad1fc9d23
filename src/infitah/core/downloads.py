"""Serving uploaded files safely: one response for every download of the platform.

An uploaded file is never shown as a page of this site: it is sent as an attachment,
with ``X-Content-Type-Options: nosniff`` (the browser keeps the declared type) and a
sandboxing ``Content-Security-Policy`` (nothing in it runs, even if opened inline by a
plug-in), as the library's download view does (OWASP "Unrestricted File Upload":
serve user files with ``Content-Disposition: attachment`` and ``nosniff``).
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.http import FileResponse, Http404

__all__ = ["DOWNLOAD_CSP", "safe_file_response"]

#: The policy of a downloaded file: no resource may load, scripts and forms are sandboxed.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def safe_file_response(file: Any, filename: str, content_type: str | None = None) -> FileResponse:
    """Return ``file`` as a download named ``filename``.

    Args:
        file: a stored file (a ``FieldFile`` of a ``FileField``); opened here in binary
            mode and closed by the response once sent.
        filename: the name the browser saves it under (``Content-Disposition``; any
            characters, RFC 6266 encoding done by Django).
        content_type: the declared type; ``None`` guesses it from ``filename``'s
            extension, else ``application/octet-stream``.

    Returns:
        A :class:`~django.http.FileResponse` with ``Content-Disposition: attachment``,
        ``X-Content-Type-Options: nosniff`` and ``Content-Security-Policy`` :data:`DOWNLOAD_CSP`.

    Raises:
        Http404: the file is missing from the storage (or the field is empty).
    """
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as error:
        raise Http404("The file is not available.") from error
    if not content_type:
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response
