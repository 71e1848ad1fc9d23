"""The working-day engine of the legal deadlines (law 31-13, articles 16, 17 and 19).

Working days are the days of the administration's week (:func:`conf.weekend_days`:
Saturday and Sunday off) that are not public holidays. The holidays come from the
maintained ``holidays`` library (Morocco's fixed national days and its estimated
religious holidays, whose dates move every year) corrected by the coordinators'
:class:`~infitah.access_info.models.HolidayOverride` rows: an override with
``is_holiday=True`` adds a day off (the moon-sighted Eid, an exceptional day off), one
with ``is_holiday=False`` removes a date the library predicted.

The counting rule (article 16: "within 20 working days from the date of receipt"):
the receipt's date is taken in Africa/Casablanca local time (``settings.TIME_ZONE``);
the count starts on the first working day AFTER that date, and the Nth working day is
the due date. A request received on a Friday at 23:30 local time, on a Saturday or on a
public holiday therefore starts counting on the next working day. The request is on
time when decided on or before its due date (local date).

Holiday sets are cached per year in Django's cache under a version token that any
change of overrides replaces (:func:`invalidate_holiday_cache`), so every process sees
a correction at once. Inside a database transaction nothing is read from or written to
the cache (a correction being made must be seen, and a rolled-back one never stored).
A :class:`WorkingCalendar` also keeps the years it read, so a page computing the days
left of fifty requests reads each year once.
"""

from __future__ import annotations

import datetime
import enum
import functools
import uuid
from typing import Any

import holidays as holidays_lib
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from infitah.access_info import conf

__all__ = [
    "Lateness",
    "WorkingCalendar",
    "add_working_days",
    "cdai_decision_due",
    "cdai_filing_deadline",
    "court_filing_deadline",
    "days_left",
    "due_date_for",
    "head_complaint_answer_due",
    "head_complaint_filing_deadline",
    "holiday_dates",
    "holiday_names",
    "invalidate_holiday_cache",
    "lateness",
    "local_date",
    "working_days_between",
]

#: Seconds a year's holiday set stays in the cache (a correction replaces the token).
HOLIDAY_CACHE_SECONDS = 24 * 3600
_VERSION_KEY = "access_info:holidays:version"
#: The ``holidays`` library's language codes for the site's languages.
LIBRARY_LANGUAGES = {"ar": "ar", "fr": "fr", "en": "en_US"}


class Lateness(enum.StrEnum):
    """Where a request stands against its due date."""

    ON_TIME = "on_time"
    LATE = "late"
    VERY_LATE = "very_late"


def local_date(moment: datetime.datetime) -> datetime.date:
    """Return the date of ``moment`` (aware) in the site's time zone (Africa/Casablanca)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


# --- Holidays ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=128)
def _library_holidays(country: str, year: int, language: str) -> tuple[tuple[Any, str], ...]:
    """The ``holidays`` library's ``(date, name)`` pairs for one country and year."""
    calendar = holidays_lib.country_holidays(country, years=year, language=language)
    return tuple(sorted(calendar.items()))


def _library_dates(year: int) -> frozenset[datetime.date]:
    return frozenset(day for day, _name in _library_holidays(conf.holiday_country(), year, "en_US"))


def _overrides(year: int) -> list[tuple[datetime.date, bool, str]]:
    from infitah.access_info.models import HolidayOverride

    return list(
        HolidayOverride.objects.filter(date__year=year)
        .order_by("date")
        .values_list("date", "is_holiday", "name")
    )


def _compute_holiday_dates(year: int) -> frozenset[datetime.date]:
    dates = set(_library_dates(year))
    for day, is_holiday, _name in _overrides(year):
        if is_holiday:
            dates.add(day)
        else:
            dates.discard(day)
    return frozenset(dates)


def _cache_version() -> str:
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # Another process may have set one meanwhile: keep theirs.
        if not cache.add(_VERSION_KEY, version, None):
            version = cache.get(_VERSION_KEY) or version
    return str(version)


def invalidate_holiday_cache() -> None:
    """Forget every cached holiday set (call after an override is saved or deleted).

    Replaces the version token, so all processes read the new calendar on their next
    look-up. Services call it on commit.
    """
    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)


def holiday_dates(year: int) -> frozenset[datetime.date]:
    """Return the public holidays (days off) of ``year``, library plus overrides.

    Cached per year (see the module docstring); inside a transaction it is computed
    afresh (one query on the overrides table).
    """
    if connection.in_atomic_block:
        return _compute_holiday_dates(year)
    key = f"access_info:holidays:{_cache_version()}:{conf.holiday_country()}:{year}"
    cached = cache.get(key)
    if cached is None:
        cached = _compute_holiday_dates(year)
        cache.set(key, cached, HOLIDAY_CACHE_SECONDS)
    return frozenset(cached)


def holiday_names(year: int, language: str) -> list[tuple[datetime.date, str, str]]:
    """Return ``[(date, name, source)]`` of ``year``'s days off, sorted by date.

    ``source`` is ``"library"``, ``"added"`` (an override adding the day) or
    ``"removed"`` (an override removing a library date: listed so coordinators see it,
    but not a day off). Names from the library are in ``language`` (``ar``, ``fr`` or
    ``en``) where it has them; overrides keep their own name. For the calendar page.
    """
    library = dict(
        _library_holidays(conf.holiday_country(), year, LIBRARY_LANGUAGES.get(language, "en_US"))
    )
    rows: dict[datetime.date, tuple[str, str]] = {
        day: (name, "library") for day, name in library.items()
    }
    for day, is_holiday, name in _overrides(year):
        rows[day] = (name, "added" if is_holiday else "removed")
    return [(day, name, source) for day, (name, source) in sorted(rows.items())]


# --- The calendar -----------------------------------------------------------------------


class WorkingCalendar:
    """Working days of the administration, holidays read once per year per instance.

    Create one per page or batch and pass it to the functions below; each year's
    holidays are then read once (from the cache, or computed).
    """

    def __init__(self) -> None:
        self.weekend = conf.weekend_days()
        self._years: dict[int, frozenset[datetime.date]] = {}

    def holidays(self, year: int) -> frozenset[datetime.date]:
        """Days off (public holidays) of ``year``."""
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = holiday_dates(year)
        return found

    def is_working_day(self, day: datetime.date) -> bool:
        """Whether the administration works on ``day`` (not a weekend day, not a holiday)."""
        return day.weekday() not in self.weekend and day not in self.holidays(day.year)

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """Return the ``count``-th working day after ``day`` (``day`` itself for 0).

        ``day`` itself never counts, whether or not it is a working day.

        Raises:
            ValueError: ``count`` is negative.
        """
        if count < 0:
            raise ValueError("count must be zero or more")
        current = day
        remaining = count
        while remaining:
            current += datetime.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_back(self, day: datetime.date, count: int) -> datetime.date:
        """Return the latest date ``x`` with ``working_days_between(x, day) >= count``.

        A due date on or before it is at least ``count`` working days late on ``day``.
        """
        current = day
        remaining = count
        while remaining > 0:
            if self.is_working_day(current):
                remaining -= 1
            current -= datetime.timedelta(days=1)
        return current

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Return the number of working days ``d`` with ``start < d <= end``.

        Negative (minus the working days in ``end < d <= start``) when ``end`` is
        before ``start``; 0 when they are equal.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += datetime.timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    return calendar if calendar is not None else WorkingCalendar()


def working_days_between(
    start: datetime.date, end: datetime.date, *, calendar: WorkingCalendar | None = None
) -> int:
    """Working days ``d`` with ``start < d <= end`` (see ``WorkingCalendar``)."""
    return _calendar(calendar).working_days_between(start, end)


def add_working_days(
    day: datetime.date, count: int, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The ``count``-th working day after ``day`` (see :meth:`WorkingCalendar.add_working_days`)."""
    return _calendar(calendar).add_working_days(day, count)


# --- Requests ---------------------------------------------------------------------------


def due_date_for(
    received_at: datetime.datetime,
    *,
    urgent: bool,
    extended: bool,
    calendar: WorkingCalendar | None = None,
) -> datetime.date:
    """Return the legal due date of a request (a local date).

    Args:
        received_at: when the collectivity received the request (aware datetime).
        urgent: article 17 (3 working days) rather than article 16 (20 working days).
        extended: the one extension was granted (adds 20, or 3 for urgent requests).

    Returns:
        The Nth working day after the local date of receipt (module docstring).
    """
    if urgent:
        days = conf.urgent_answer_working_days()
        if extended:
            days += conf.urgent_extension_working_days()
    else:
        days = conf.answer_working_days()
        if extended:
            days += conf.extension_working_days()
    return _calendar(calendar).add_working_days(local_date(received_at), days)


def _today(today: datetime.date | None) -> datetime.date:
    return (
        today if today is not None else timezone.localdate(timezone=timezone.get_default_timezone())
    )


def days_left(
    request: Any, today: datetime.date | None = None, *, calendar: WorkingCalendar | None = None
) -> int:
    """Working days from ``today`` to the request's ``due_on``.

    Args:
        request: anything with ``due_on`` (an :class:`InformationRequest`, a row).
        today: the local date (default: today in Africa/Casablanca).

    Returns:
        0 on the due date, a positive number before it, minus the working days of
        lateness after it.
    """
    return _calendar(calendar).working_days_between(_today(today), request.due_on)


def lateness(
    request: Any, today: datetime.date | None = None, *, calendar: WorkingCalendar | None = None
) -> Lateness:
    """Whether a request is on time, late or very late.

    An open request is judged on ``today``; a closed one (with ``closed_at``) on the
    date of its decision. Very late: at least :func:`conf.very_late_working_days`
    working days past the due date; late: any day after it (a request due on a Friday
    and still open on Saturday is late by 0 working days).
    """
    closed_at = getattr(request, "closed_at", None)
    on = local_date(closed_at) if closed_at is not None else _today(today)
    if on <= request.due_on:
        return Lateness.ON_TIME
    late_by = _calendar(calendar).working_days_between(request.due_on, on)
    if late_by >= conf.very_late_working_days():
        return Lateness.VERY_LATE
    return Lateness.LATE


# --- Complaints (articles 19 to 21) -----------------------------------------------------


def head_complaint_filing_deadline(
    request: Any, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """Last day to complain to the head of the body (article 19: 20 working days).

    Counted from the decision's local date for a decided request, from the due date
    for a request left without an answer.
    """
    closed_at = getattr(request, "closed_at", None)
    start = local_date(closed_at) if closed_at is not None else request.due_on
    return _calendar(calendar).add_working_days(start, conf.head_complaint_filing_working_days())


def head_complaint_answer_due(
    filed_at: datetime.datetime, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """When the head of the body must answer a complaint (article 19: 15 working days)."""
    return _calendar(calendar).add_working_days(
        local_date(filed_at), conf.head_complaint_answer_working_days()
    )


def _decided_or_due(complaint: Any) -> datetime.date | None:
    return complaint.decided_on or complaint.response_due_on


def cdai_filing_deadline(head_complaint: Any) -> datetime.date | None:
    """Last day to complain to the CDAI (article 20: 30 days after the head's answer or due date).

    ``None`` when the head's complaint has neither a decision nor a due date.
    """
    start = _decided_or_due(head_complaint)
    return start + datetime.timedelta(days=conf.cdai_complaint_filing_days()) if start else None


def cdai_decision_due(filed_at: datetime.datetime) -> datetime.date:
    """When the CDAI must decide (article 20: 30 days after receipt)."""
    return local_date(filed_at) + datetime.timedelta(days=conf.cdai_decision_days())


def court_filing_deadline(cdai_complaint: Any) -> datetime.date | None:
    """Last day to appeal to the administrative court (article 21: 60 days).

    Counted from the CDAI's decision or the expiry of its time to decide; ``None``
    when neither is known.
    """
    start = _decided_or_due(cdai_complaint)
    return start + datetime.timedelta(days=conf.court_appeal_filing_days()) if start else None
