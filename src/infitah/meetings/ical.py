"""iCalendar (RFC 5545) files of published meetings, with the ``icalendar`` library (7.x).

Each file is one ``VCALENDAR`` (``PRODID``, ``VERSION:2.0``, ``CALSCALE:GREGORIAN``,
``METHOD:PUBLISH``) holding a ``VTIMEZONE`` for ``settings.TIME_ZONE``
(Africa/Casablanca) and one ``VEVENT`` per meeting with ``UID`` (stable: the
meeting's key and creation time), ``DTSTAMP``, ``DTSTART``/``DTEND`` as local times
with ``TZID``, ``SUMMARY``, ``LOCATION``, ``URL``, ``DESCRIPTION`` and ``STATUS``
(``CONFIRMED`` or ``CANCELLED``).

Why our own VTIMEZONE: Morocco is UTC+1 except during Ramadan (UTC+0), a period of
about five weeks that moves every year. ``icalendar.Timezone.from_tzid`` (7.3) finds
transitions by jumping 64 days at a time and misses periods shorter than that: for
Africa/Casablanca its VTIMEZONE lacks the Ramadan periods of 2022, 2024 and 2027, so a
calendar program trusting it would show those meetings an hour off.
:func:`vtimezone` reads every transition from ``zoneinfo`` instead (tested against
``zoneinfo`` for each day of the years covered).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from infitah.meetings.models import Meeting
from infitah.meetings.selectors import MeetingFilters, public_meetings

__all__ = ["FEED_LIMIT", "PRODID", "calendar_for", "feed_meetings", "meeting_uid", "vtimezone"]

PRODID = "-//Infitah//Meetings//EN"
#: Most events in a feed (the latest ones; older meetings stay on the pages).
FEED_LIMIT = 500
#: How far back a collectivity's or the network's feed goes.
FEED_HISTORY = datetime.timedelta(days=366)

_UTC = datetime.UTC


def _transitions(
    zone: ZoneInfo, first: datetime.datetime, last: datetime.datetime
) -> list[tuple[datetime.datetime, datetime.timedelta, datetime.timedelta]]:
    """Every change of UTC offset of ``zone`` between two UTC instants.

    Returns ``(instant in UTC, offset before, offset after)`` tuples. Steps a day at a
    time (no zone changes twice within a day), then bisects to the second.
    """
    found = []
    step = 86400
    start, end = int(first.timestamp()), int(last.timestamp())

    def offset(seconds: int) -> datetime.timedelta:
        value = datetime.datetime.fromtimestamp(seconds, _UTC).astimezone(zone).utcoffset()
        return value or datetime.timedelta(0)

    current = offset(start)
    moment = start
    while moment < end:
        following = min(moment + step, end)
        after = offset(following)
        if after != current:
            low, high = moment, following
            while high - low > 1:
                middle = (low + high) // 2
                if offset(middle) == current:
                    low = middle
                else:
                    high = middle
            found.append((datetime.datetime.fromtimestamp(high, _UTC), current, after))
            current = after
        moment = following
    return found


@functools.lru_cache(maxsize=32)
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for ``tzid`` valid from 1 January ``first_year`` to 31 December ``last_year``.

    One ``STANDARD`` or ``DAYLIGHT`` sub-component per offset change (``DAYLIGHT`` when
    the zone reports daylight saving after the change, as Python's ``zoneinfo`` does
    for Morocco's Ramadan hour), plus one for the offset in force at the start. Each
    ``DTSTART`` is the local time just before the change, in the offset it changes
    from (RFC 5545 §3.6.5).
    """
    zone = ZoneInfo(tzid)
    first = datetime.datetime(first_year, 1, 1, tzinfo=_UTC)
    last = datetime.datetime(last_year + 1, 1, 1, tzinfo=_UTC)
    component = Timezone()
    component.add("TZID", tzid)
    component.add("X-LIC-LOCATION", tzid)

    def sub(
        kind: type[TimezoneStandard | TimezoneDaylight],
        at: datetime.datetime,
        before: datetime.timedelta,
        after: datetime.timedelta,
    ) -> None:
        local = first.astimezone(zone) if at == first else at.astimezone(zone)
        part = kind()
        part.add("TZNAME", local.tzname() or tzid)
        part.add("DTSTART", (at + before).replace(tzinfo=None))
        part.add("TZOFFSETFROM", before)
        part.add("TZOFFSETTO", after)
        component.add_component(part)

    start_local = first.astimezone(zone)
    start_offset = start_local.utcoffset() or datetime.timedelta(0)
    is_dst = bool(start_local.dst())
    sub(TimezoneDaylight if is_dst else TimezoneStandard, first, start_offset, start_offset)
    for at, before, after in _transitions(zone, first, last):
        is_dst = bool(at.astimezone(zone).dst())
        sub(TimezoneDaylight if is_dst else TimezoneStandard, at, before, after)
    return component


def meeting_uid(meeting: Meeting) -> str:
    """The event's ``UID``: unchanged when the meeting is edited, unique across sites."""
    created = meeting.created_at.astimezone(_UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"meeting-{meeting.pk}-{created}@{meeting.network.slug}.infitah"


def _location(meeting: Meeting) -> str:
    parts = [str(meeting.venue_name or ""), str(meeting.address or ""), str(meeting.city or "")]
    place = ", ".join(part for part in parts if part)
    if meeting.online_url and not place:
        return meeting.online_url
    return place


def _event(meeting: Meeting, request: HttpRequest, zone: ZoneInfo) -> Event:
    event = Event()
    event.add("UID", meeting_uid(meeting))
    event.add("DTSTAMP", meeting.updated_at.astimezone(_UTC))
    event.add("LAST-MODIFIED", meeting.updated_at.astimezone(_UTC))
    event.add("CREATED", meeting.created_at.astimezone(_UTC))
    event.add("DTSTART", meeting.starts_at.astimezone(zone))
    event.add("DTEND", meeting.ends_at.astimezone(zone))
    event.add("SUMMARY", str(meeting.title))
    location = _location(meeting)
    if location:
        event.add("LOCATION", location)
    url = request.build_absolute_uri(meeting.get_absolute_url())
    event.add("URL", url)
    description = [str(meeting.description or "").strip()]
    if meeting.online_url:
        description.append(meeting.online_url)
    if meeting.is_cancelled and meeting.cancellation_reason:
        description.insert(0, str(meeting.cancellation_reason))
    description.append(url)
    event.add("DESCRIPTION", "\n\n".join(part for part in description if part))
    event.add("STATUS", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("CLASS", "PUBLIC")
    collectivity = meeting.collectivity
    if collectivity is not None:
        event.add(
            "ORGANIZER",
            f"urn:infitah:collectivity:{collectivity.code}",
            parameters={"CN": str(collectivity.name)},
        )
    return event


def calendar_for(meetings: Sequence[Meeting], *, request: HttpRequest, name: str) -> bytes:
    """Return the iCalendar file (bytes, CRLF lines) of ``meetings``.

    Args:
        meetings: published meetings, with ``collectivity`` and ``network`` loaded.
        request: for the absolute address of each meeting's page.
        name: the calendar's name (``NAME`` and ``X-WR-CALNAME``).
    """
    tzid = settings.TIME_ZONE
    zone = ZoneInfo(tzid)
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("NAME", name)
    calendar.add("X-WR-CALNAME", name)
    calendar.add("X-WR-TIMEZONE", tzid)
    language = get_language()
    if language:
        calendar.add("X-INFITAH-LANGUAGE", language)
    years = [m.starts_at.astimezone(zone).year for m in meetings] + [
        m.ends_at.astimezone(zone).year for m in meetings
    ]
    this_year = timezone.localdate().year
    first_year = min(years, default=this_year) - 1
    last_year = max(years, default=this_year) + 1
    calendar.add_component(vtimezone(tzid, first_year, last_year))
    for meeting in meetings:
        calendar.add_component(_event(meeting, request, zone))
    return calendar.to_ical()


def feed_meetings(
    filters: MeetingFilters, *, now: datetime.datetime | None = None
) -> list[Meeting]:
    """Published meetings of ``filters`` ending within the last year or later, by start.

    At most :data:`FEED_LIMIT` (the latest). Two queries: meetings (with organiser and
    network) and nothing else.
    """
    now = now or timezone.now()
    queryset = (
        public_meetings(filters, now=now)
        .filter(ends_at__gte=now - FEED_HISTORY)
        .select_related("network")
        .order_by("-starts_at", "-pk")
    )
    meetings = list(queryset[:FEED_LIMIT])
    meetings.reverse()
    return meetings
