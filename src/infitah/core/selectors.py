"""Reads shared by the public pages: pagination and request-parameter cleaning.

Every list page paginates through :func:`paginate`, so a bad ``?page=`` (``abc``,
``0``, ``99999``) never raises: it shows the first or the last page instead.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from infitah.core.text import strip_bidi_controls

__all__ = ["MAX_QUERY_LENGTH", "clean_choice", "clean_query", "page_notice", "paginate"]

T = TypeVar("T")

#: Characters of a search query kept; longer input is cut (each word is one SQL
#: condition, so an unbounded query would be an unbounded statement).
MAX_QUERY_LENGTH = 100


def paginate(
    items: QuerySet[Any] | Sequence[Any], page_number: str | None, *, per_page: int
) -> Page[Any]:
    """Return one page of ``items``, clamped to the pages that exist.

    Args:
        items: an ordered queryset or sequence.
        page_number: the raw ``?page=`` value (any string, or ``None``).
        per_page: rows per page (a positive integer).

    Returns:
        The requested page; page 1 when ``page_number`` is not a number, the last
        page when it is beyond the end. An empty ``items`` gives an empty page 1.
        Costs one ``COUNT`` query and one query for the rows of a queryset.
    """
    paginator = Paginator(items, per_page, allow_empty_first_page=True)
    return paginator.get_page(page_number)


def _query_char(char: str) -> str:
    if char.isprintable():
        return char
    if char.isspace() or unicodedata.category(char) == "Cc":
        return " "
    return ""  # format characters (ZWJ, bidi marks...), private use, unassigned


def clean_query(raw: str | None) -> str:
    """Return a search query fit for display and search: trimmed, bounded, no controls.

    Whitespace of any kind and control characters (``Cc``: tabs, newlines, NUL, which
    PostgreSQL refuses) become spaces; bidi controls and other invisible format
    characters are removed; runs of whitespace collapse to one space, and the text is
    cut to :data:`MAX_QUERY_LENGTH` characters.
    """
    if not raw:
        return ""
    text = strip_bidi_controls(raw)
    text = "".join(_query_char(ch) for ch in text)
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def clean_choice(raw: str | None, *, max_length: int = 60) -> str:
    """Return a filter parameter (slug or code) trimmed and bounded, or ``""``.

    Control characters (NUL breaks PostgreSQL) are dropped. The caller compares the
    value with known slugs or codes and ignores an unknown one with a notice.
    """
    if not raw:
        return ""
    return "".join(ch for ch in raw.strip() if ch.isprintable())[:max_length]


def page_notice(raw: str | None, number: int) -> str:
    """Return the ``?page=`` value that :func:`paginate` did not honour, or ``""``.

    Args:
        raw: the raw ``?page=`` value.
        number: the number of the page actually shown.

    Returns:
        ``""`` when no page was asked for or the asked page is shown; otherwise the
        asked value (cleaned, at most 20 characters) for a "page X does not exist,
        showing page N" notice.
    """
    if raw is None or raw == "" or raw == str(number):
        return ""
    return clean_choice(raw, max_length=20) or "?"
