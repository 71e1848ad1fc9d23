"""Settings of the comments app, read when used (so that tests can change them).

Every limit is a setting ``INFITAH_COMMENTS_<NAME>`` with the default below:

- ``MAX_LENGTH`` (5,000): characters of a comment's text.
- ``MAX_DEPTH`` (3): levels of a thread. A comment on the object is level 1, a reply
  to it level 2, a reply to a reply level 3; a reply to a level-3 comment is attached
  to that comment's parent (it stays on level 3), as forum software does, so threads
  never drift off the side of a phone's screen.
- ``EDIT_MINUTES`` (15): minutes during which the author may correct a comment.
- ``RATE_LIMIT`` (5) comments per ``RATE_WINDOW_SECONDS`` (60) per person, on every
  object together (flooding guard). Moderation is not limited.
- ``REPORT_NOTE_MAX_LENGTH`` (1,000) and ``HIDDEN_NOTE_MAX_LENGTH`` (2,000): characters
  of a report's and of a moderator's note.
- ``THREAD_PAGE_SIZE`` (50): conversations (a top-level comment with its replies) per
  page of a thread.
- ``QUEUE_PAGE_SIZE`` (30): comments per page of the moderation queue.
"""

from __future__ import annotations

from django.conf import settings

__all__ = [
    "edit_minutes",
    "hidden_note_max_length",
    "max_depth",
    "max_length",
    "queue_page_size",
    "rate_limit",
    "rate_window_seconds",
    "report_note_max_length",
    "thread_page_size",
]

PREFIX = "INFITAH_COMMENTS_"


def _positive(name: str, default: int) -> int:
    value = int(getattr(settings, PREFIX + name, default))
    if value < 1:
        raise ValueError(f"{PREFIX}{name} must be at least 1, not {value}")
    return value


def max_length() -> int:
    """Characters of a comment's text (``INFITAH_COMMENTS_MAX_LENGTH``, default 5,000)."""
    return _positive("MAX_LENGTH", 5000)


def max_depth() -> int:
    """Levels of a thread, top-level comments being level 1 (default 3)."""
    return _positive("MAX_DEPTH", 3)


def edit_minutes() -> int:
    """Minutes after posting during which the author may edit (default 15)."""
    return _positive("EDIT_MINUTES", 15)


def rate_limit() -> int:
    """Comments a person may post per :func:`rate_window_seconds` (default 5)."""
    return _positive("RATE_LIMIT", 5)


def rate_window_seconds() -> int:
    """Length of the rate-limit window, in seconds (default 60)."""
    return _positive("RATE_WINDOW_SECONDS", 60)


def report_note_max_length() -> int:
    """Characters of a report's note (default 1,000)."""
    return _positive("REPORT_NOTE_MAX_LENGTH", 1000)


def hidden_note_max_length() -> int:
    """Characters of a moderator's note when hiding (default 2,000)."""
    return _positive("HIDDEN_NOTE_MAX_LENGTH", 2000)


def thread_page_size() -> int:
    """Conversations (top-level comments with their replies) per page (default 50)."""
    return _positive("THREAD_PAGE_SIZE", 50)


def queue_page_size() -> int:
    """Comments per page of the moderation queue (default 30)."""
    return _positive("QUEUE_PAGE_SIZE", 30)
