"""Rules of proactive disclosure (law 31-13, article 10), as plain functions.

A body must publish some categories of information on its own initiative
(:class:`~infitah.access_info.models.DisclosureCategory`); each collectivity publishes
items per category (:class:`~infitah.access_info.models.DisclosureItem`). This module
holds the rules the pages, the API, the services and the scorecard share:

- :func:`next_update_due_on` — when an item should be refreshed: its publication date
  plus the category's ``update_every_months`` (0: never);
- :func:`is_overdue` — a current item whose refresh date has passed;
- :func:`coverage_percent` — categories covered / active categories, in percent;
- :func:`check_upload` — what a published document may be (type read from its content
  with ``filetype``, size limit).

Dates are local dates (Africa/Casablanca): "today" is ``timezone.localdate()``.
"""

from __future__ import annotations

import calendar
import codecs
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

__all__ = [
    "ALLOWED_UPLOADS",
    "MAX_UPLOAD_BYTES",
    "add_months",
    "check_upload",
    "coverage_percent",
    "is_overdue",
    "max_upload_bytes",
    "next_update_due_on",
]

#: Largest document a collectivity may upload for an item, in bytes (20 MB), unless
#: the ``ACCESS_INFO_DISCLOSURE_MAX_UPLOAD_BYTES`` setting says otherwise.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

#: File-name extension -> the types (as ``filetype`` reads them from the content) a file
#: with that extension may hold. ``None``: plain text (CSV), which has no signature and
#: is checked as UTF-8 text without NUL bytes instead.
ALLOWED_UPLOADS: dict[str, frozenset[str] | None] = {
    "pdf": frozenset({"pdf"}),
    "docx": frozenset({"docx", "zip"}),
    "xlsx": frozenset({"xlsx", "zip"}),
    "pptx": frozenset({"pptx", "zip"}),
    "odt": frozenset({"odt", "zip"}),
    "ods": frozenset({"ods", "zip"}),
    "odp": frozenset({"odp", "zip"}),
    "png": frozenset({"png"}),
    "jpg": frozenset({"jpg"}),
    "jpeg": frozenset({"jpg"}),
    "csv": None,
    "txt": None,
}

#: Bytes read from the start of a file to recognise its type (filetype needs 261).
_SNIFF_BYTES = 8192


def max_upload_bytes() -> int:
    """Return the upload limit in bytes (setting ``ACCESS_INFO_DISCLOSURE_MAX_UPLOAD_BYTES``)."""
    return int(getattr(settings, "ACCESS_INFO_DISCLOSURE_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return ``day`` plus ``months`` calendar months, clamped to the month's last day.

    ``add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)``.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def next_update_due_on(
    published_on: datetime.date, update_every_months: int
) -> datetime.date | None:
    """Return when an item published on ``published_on`` should be refreshed.

    Args:
        published_on: the item's publication date (local date).
        update_every_months: the category's refresh period in months; 0 means the item
            is published once and never falls due.

    Returns:
        ``published_on`` plus the period (see :func:`add_months`), or ``None``.
    """
    if update_every_months <= 0:
        return None
    return add_months(published_on, update_every_months)


def is_overdue(
    *, is_current: bool, next_update_due_on: datetime.date | None, today: datetime.date
) -> bool:
    """True when a current item should have been refreshed before ``today``.

    An item is still up to date on its ``next_update_due_on`` day itself; retired items
    (``is_current`` false) and items without a refresh date are never overdue.
    """
    return is_current and next_update_due_on is not None and next_update_due_on < today


def coverage_percent(covered: int, active: int) -> int | None:
    """Return ``covered / active`` as a whole percentage (0–100, half rounded up).

    ``None`` when no category is active (coverage is undefined, not 0).
    """
    if active <= 0:
        return None
    value = (Decimal(covered) * 100 / Decimal(active)).quantize(Decimal(1), ROUND_HALF_UP)
    return min(100, int(value))


@dataclass(frozen=True)
class UploadCheck:
    """What :func:`check_upload` found: the extension to store the file under."""

    extension: str


def _sniff(file: IO[Any]) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    head = file.read(_SNIFF_BYTES)
    file.seek(position)
    return head if isinstance(head, bytes) else head.encode()


def _is_text(file: IO[Any]) -> bool:
    """True when the whole file is UTF-8 text without NUL bytes (a CSV or text file)."""
    position = file.tell()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        while chunk := file.read(64 * 1024):
            if isinstance(chunk, str):
                chunk = chunk.encode()
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        file.seek(position)
    return True


def check_upload(file: Any) -> UploadCheck:
    """Check a document a collectivity publishes: size, and type read from its content.

    Args:
        file: an uploaded file (``name``, ``size``, ``read``/``seek``).

    Returns:
        An :class:`UploadCheck` with the file's lower-case extension.

    Raises:
        ValidationError: the file is empty or larger than :func:`max_upload_bytes`, its
            extension is not one of :data:`ALLOWED_UPLOADS`, or its content is not what
            the extension says (a renamed executable, a "PDF" that is HTML...).
    """
    limit = max_upload_bytes()
    size = int(getattr(file, "size", 0) or 0)
    if size <= 0:
        raise ValidationError(gettext("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            gettext("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    extension = PurePath(str(getattr(file, "name", "") or "")).suffix.lower().lstrip(".")
    if extension not in ALLOWED_UPLOADS:
        raise ValidationError(
            gettext("This kind of file cannot be published. Accepted: %(kinds)s.")
            % {"kinds": ", ".join(sorted({e.upper() for e in ALLOWED_UPLOADS}))},
            code="extension",
        )
    expected = ALLOWED_UPLOADS[extension]
    if expected is None:
        if filetype.guess(_sniff(file)) is not None or not _is_text(file):
            raise ValidationError(
                gettext("The file's content is not text, as a .%(extension)s file must be.")
                % {"extension": extension},
                code="content",
            )
        return UploadCheck(extension=extension)
    kind = filetype.guess(_sniff(file))
    if kind is None or kind.extension not in expected:
        raise ValidationError(
            gettext("The file's content does not match its name (.%(extension)s).")
            % {"extension": extension},
            code="content",
        )
    return UploadCheck(extension=extension)
