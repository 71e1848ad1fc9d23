"""iCalendar files: valid RFC 5545 with a VTIMEZONE right in both Moroccan offsets."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client

from infitah.meetings.ical import vtimezone
from infitah.meetings.models import Meeting
from tests import factories

pytestmark = pytest.mark.django_db

CASABLANCA = ZoneInfo("Africa/Casablanca")


def _meeting(network: Any, local: datetime.datetime, **extra: Any) -> Meeting:
    return factories.MeetingFactory(
        network=network, starts_at=local, ends_at=local + datetime.timedelta(hours=2), **extra
    )


def _parse(body: bytes) -> icalendar.Calendar:
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert body.rstrip().endswith(b"END:VCALENDAR")
    return icalendar.Calendar.from_ical(body)


@pytest.fixture
def two_meetings(network: Any, commune_a: Any) -> tuple[Meeting, Meeting]:
    plan = factories.ActionPlanFactory(collectivity=commune_a)
    july = _meeting(
        network,
        datetime.datetime(2023, 7, 11, 10, 0, tzinfo=CASABLANCA),
        plan=plan,
        title_fr="Juillet",
    )
    ramadan = _meeting(
        network,
        datetime.datetime(2026, 3, 1, 10, 0, tzinfo=CASABLANCA),
        plan=plan,
        title_fr="Ramadan",
    )
    return july, ramadan


def test_meeting_file_is_valid_and_local_times_are_right(
    two_meetings: tuple[Meeting, Meeting],
) -> None:
    for meeting in two_meetings:
        response = Client().get(f"/fr/meetings/{meeting.slug}.ics")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        calendar = _parse(response.content)
        assert calendar["VERSION"] == "2.0"
        assert calendar["PRODID"]
        [event] = calendar.walk("VEVENT")
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "URL"):
            assert name in event, name
        assert event["DTSTART"].params["TZID"] == "Africa/Casablanca"
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute) == (10, 0)
        assert start.astimezone(datetime.UTC) == meeting.starts_at
        assert event["STATUS"] == "CONFIRMED"
        assert event["URL"].endswith(f"/fr/meetings/{meeting.slug}/")
        assert calendar.get_missing_tzids() == set()


def test_vtimezone_gives_each_offset(two_meetings: tuple[Meeting, Meeting]) -> None:
    """A calendar program using only the file's VTIMEZONE gets each meeting's instant."""
    offsets = {}
    for meeting in two_meetings:
        calendar = _parse(Client().get(f"/fr/meetings/{meeting.slug}.ics").content)
        [timezone_component] = calendar.timezones
        assert timezone_component.tz_name == "Africa/Casablanca"
        tz = timezone_component.to_tz()
        [event] = calendar.walk("VEVENT")
        local = event.decoded("DTSTART").replace(tzinfo=None)
        assert (local.hour, local.minute) == (10, 0)
        instant = local.replace(tzinfo=tz)
        assert instant.astimezone(datetime.UTC) == meeting.starts_at
        offsets[meeting.title_fr] = instant.utcoffset()  # type: ignore[attr-defined]
    assert offsets == {"Juillet": datetime.timedelta(hours=1), "Ramadan": datetime.timedelta(0)}


def test_vtimezone_matches_zoneinfo_every_day() -> None:
    """Every day of 2022–2028 at 10:00 has zoneinfo's offset (Ramadan periods included)."""
    tz = vtimezone("Africa/Casablanca", 2022, 2028).to_tz()
    day = datetime.date(2022, 1, 1)
    while day.year <= 2028:
        local = datetime.datetime(day.year, day.month, day.day, 10, tzinfo=CASABLANCA)
        assert local.replace(tzinfo=tz).utcoffset() == local.utcoffset(), day
        day += datetime.timedelta(days=1)


def test_cancelled_and_unpublished(network: Any) -> None:
    cancelled = factories.MeetingFactory(
        network=network, is_cancelled=True, cancellation_reason_fr="Intempéries"
    )
    factories.MeetingFactory(network=network, is_published=False, title_fr="Caché")
    calendar = _parse(Client().get("/fr/meetings/calendar.ics").content)
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [str(cancelled.title_fr)]  # type: ignore[attr-defined]
    assert events[0]["STATUS"] == "CANCELLED"


def test_uid_is_stable(network: Any) -> None:
    meeting = factories.MeetingFactory(network=network)
    first = _parse(Client().get(f"/fr/meetings/{meeting.slug}.ics").content)
    meeting.title_fr = "Nouveau titre"  # type: ignore[attr-defined]
    meeting.save()
    second = _parse(Client().get(f"/en/meetings/{meeting.slug}.ics").content)
    assert first.walk("VEVENT")[0]["UID"] == second.walk("VEVENT")[0]["UID"]


def test_collectivity_feed(network: Any, commune_a: Any, commune_b: Any) -> None:
    own = factories.MeetingFactory(
        network=network, plan=factories.ActionPlanFactory(collectivity=commune_a)
    )
    training = factories.MeetingFactory(network=network, plan=None, collectivity=None)
    training.participating_collectivities.add(commune_a)
    factories.MeetingFactory(
        network=network, plan=factories.ActionPlanFactory(collectivity=commune_b)
    )
    for ref in (commune_a.code, commune_a.slug):
        calendar = _parse(Client().get(f"/fr/meetings/calendar/{ref}.ics").content)
        summaries = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
        assert summaries == {str(own.title), str(training.title)}
    assert Client().get("/fr/meetings/calendar/nowhere.ics").status_code == 404
