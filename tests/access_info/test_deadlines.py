"""The working-day engine on a fixed calendar: every due date is written out.

The calendar is the ``holidays`` library's Morocco (pinned version) for 2026: working
days Monday to Friday, minus 1 Jan, 14 Jan, 20 Mar (Eid al-Fitr, estimated), 1 May,
27–28 May, 16 Jun (estimated), 30 Jul, 14 Aug, 20–21 Aug, 25–26 Aug (estimated),
6 Nov and 18 Nov (11 Jan and 31 Oct are weekend days). The count starts on the first
working day after the local (Africa/Casablanca) date of receipt; day N is the due
date. Tests that rely on an estimated date first check the library still predicts it.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django import Settings as SettingsWrapper

from infitah.access_info import deadlines, services
from infitah.access_info.deadlines import (
    Lateness,
    WorkingCalendar,
    add_working_days,
    due_date_for,
    working_days_between,
)
from infitah.access_info.models import HolidayOverride, InformationRequest, RequestEvent
from infitah.accounts.models import User
from tests.access_info.factories_requests import UTC, World, local, make_request, world

__all__ = ["world"]

pytestmark = pytest.mark.django_db
D = datetime.date


def due(received_at: datetime.datetime, *, urgent: bool = False, extended: bool = False) -> D:
    return due_date_for(received_at, urgent=urgent, extended=extended)


# --- The calendar -----------------------------------------------------------------------


def test_the_library_calendar_the_tests_rely_on() -> None:
    days = deadlines.holiday_dates(2026)
    for day in (
        D(2026, 1, 1),
        D(2026, 1, 14),
        D(2026, 3, 20),
        D(2026, 5, 1),
        D(2026, 7, 30),
        D(2026, 8, 14),
        D(2026, 8, 20),
        D(2026, 8, 21),
        D(2026, 8, 25),
        D(2026, 8, 26),
        D(2026, 11, 6),
        D(2026, 11, 18),
    ):
        assert day in days, day
    assert D(2026, 3, 2) not in days


def test_weekends_and_holidays_are_not_working_days() -> None:
    calendar = WorkingCalendar()
    assert calendar.is_working_day(D(2026, 3, 2))  # Monday
    assert not calendar.is_working_day(D(2026, 3, 7))  # Saturday
    assert not calendar.is_working_day(D(2026, 3, 8))  # Sunday
    assert not calendar.is_working_day(D(2026, 7, 30))  # Throne Day, a Thursday


def test_add_working_days_skips_weekends_and_holidays() -> None:
    assert add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)  # Friday -> Monday
    assert add_working_days(D(2026, 3, 19), 1) == D(2026, 3, 23)  # over Eid (Fri 20)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 2), -1)


def test_working_days_between_counts_the_days_after_start_up_to_end() -> None:
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 6)) == 4
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 1
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 31)) == 20
    assert working_days_between(D(2026, 3, 31), D(2026, 3, 2)) == -20
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 8)) == 0  # the weekend


def test_working_days_back_is_the_latest_date_that_many_working_days_before() -> None:
    calendar = WorkingCalendar()
    assert calendar.working_days_back(D(2026, 3, 31), 20) == D(2026, 3, 2)
    assert calendar.working_days_back(D(2026, 3, 9), 1) == D(2026, 3, 8)


# --- Due dates ------------------------------------------------------------------------------


def test_receipt_on_a_working_day() -> None:
    # Monday 2 March 2026: day 1 is Tuesday 3 March; Eid on Friday 20 March is skipped.
    assert due(local(2026, 3, 2, 10)) == D(2026, 3, 31)


def test_receipt_on_a_saturday_counts_from_monday() -> None:
    assert due(local(2026, 3, 7, 11)) == D(2026, 4, 6)
    assert due(local(2026, 3, 8, 11)) == D(2026, 4, 6)  # Sunday: the same


def test_receipt_on_new_year_s_day() -> None:
    # Thursday 1 January 2026 is a holiday; 14 January (Amazigh New Year) is skipped.
    assert due(local(2026, 1, 1, 9)) == D(2026, 1, 30)


def test_receipt_on_throne_day() -> None:
    # Thursday 30 July 2026; August holds 14, 20, 21, 25 and 26 August off.
    assert due(local(2026, 7, 30, 12)) == D(2026, 9, 3)


def test_receipt_on_independence_day() -> None:
    assert due(local(2026, 11, 18, 12)) == D(2026, 12, 16)


def test_receipt_late_on_thursday_evening_local_time() -> None:
    # Thursday 8 October 2026 at 23:30 local time (22:30 UTC): day 1 is Friday.
    assert due(local(2026, 10, 8, 23, 30)) == D(2026, 11, 5)


def test_receipt_late_on_friday_evening_local_time_counts_from_monday() -> None:
    # Friday 23:30 local (22:30 UTC, still Friday in UTC too).
    assert due(local(2026, 10, 9, 23, 30)) == D(2026, 11, 9)
    assert due(datetime.datetime(2026, 10, 9, 22, 30, tzinfo=UTC)) == D(2026, 11, 9)


def test_local_date_not_utc_date_decides() -> None:
    # Thursday 23:30 UTC is already Friday 00:30 in Casablanca (UTC+1): counting
    # starts on Monday, not on Friday as the UTC date would say.
    thursday_utc = datetime.datetime(2026, 10, 8, 23, 30, tzinfo=UTC)
    assert deadlines.local_date(thursday_utc) == D(2026, 10, 9)
    assert due(thursday_utc) == D(2026, 11, 9)
    # Friday 23:30 UTC is Saturday 00:30 local: still counted from Monday.
    assert due(datetime.datetime(2026, 10, 9, 23, 30, tzinfo=UTC)) == D(2026, 11, 9)


def test_ramadan_time_is_utc_plus_zero() -> None:
    # During Ramadan 2026 Morocco is at UTC+0: Thursday 5 March 23:30 UTC is still
    # Thursday locally, so day 1 is Friday 6 March.
    received = datetime.datetime(2026, 3, 5, 23, 30, tzinfo=UTC)
    assert deadlines.local_date(received) == D(2026, 3, 5)
    assert due(received) == D(2026, 4, 3)


def test_extension_adds_twenty_working_days() -> None:
    assert due(local(2026, 3, 2), extended=True) == D(2026, 4, 28)


def test_urgent_request_three_working_days() -> None:
    assert due(local(2026, 3, 2), urgent=True) == D(2026, 3, 5)
    # Received on Thursday 19 March, before Eid (Friday 20): Monday to Wednesday.
    assert due(local(2026, 3, 19), urgent=True) == D(2026, 3, 25)


def test_urgent_request_extended_once_by_three_more() -> None:
    assert due(local(2026, 3, 2), urgent=True, extended=True) == D(2026, 3, 10)


def test_deadline_numbers_are_settings(settings: SettingsWrapper) -> None:
    settings.INFITAH_ACCESS_INFO_ANSWER_WORKING_DAYS = 10
    settings.INFITAH_ACCESS_INFO_EXTENSION_WORKING_DAYS = 5
    assert due(local(2026, 3, 2)) == D(2026, 3, 16)
    assert due(local(2026, 3, 2), extended=True) == D(2026, 3, 24)


def test_weekend_is_a_setting(settings: SettingsWrapper) -> None:
    settings.INFITAH_ACCESS_INFO_WEEKEND_DAYS = (4, 5)  # Friday and Saturday off
    assert due(local(2026, 3, 2), urgent=True) == D(2026, 3, 5)
    assert add_working_days(D(2026, 3, 5), 1) == D(2026, 3, 8)  # Thursday -> Sunday


# --- Days left and lateness ------------------------------------------------------------------


def test_days_left_and_lateness(world: World) -> None:
    request = make_request(world.a, received_at=local(2026, 3, 2))
    assert request.due_on == D(2026, 3, 31)
    assert deadlines.days_left(request, D(2026, 3, 2)) == 20
    assert deadlines.days_left(request, D(2026, 3, 30)) == 1
    assert deadlines.days_left(request, D(2026, 3, 31)) == 0
    assert deadlines.days_left(request, D(2026, 4, 2)) == -2
    assert deadlines.lateness(request, D(2026, 3, 31)) == Lateness.ON_TIME
    assert deadlines.lateness(request, D(2026, 4, 1)) == Lateness.LATE
    assert deadlines.lateness(request, D(2026, 4, 13)) == Lateness.LATE  # 9 working days
    assert deadlines.lateness(request, D(2026, 4, 14)) == Lateness.VERY_LATE  # 10


def test_a_request_due_on_friday_is_late_on_saturday(world: World) -> None:
    request = make_request(world.a, received_at=local(2026, 3, 2), due_on=D(2026, 3, 27))
    assert deadlines.lateness(request, D(2026, 3, 28)) == Lateness.LATE


def test_very_late_threshold_is_a_setting(world: World, settings: SettingsWrapper) -> None:
    settings.INFITAH_ACCESS_INFO_VERY_LATE_WORKING_DAYS = 2
    request = make_request(world.a, received_at=local(2026, 3, 2))
    assert deadlines.lateness(request, D(2026, 4, 1)) == Lateness.LATE
    assert deadlines.lateness(request, D(2026, 4, 2)) == Lateness.VERY_LATE


def test_a_decided_request_is_judged_on_its_decision_date(world: World) -> None:
    request = make_request(
        world.a,
        received_at=local(2026, 3, 2),
        status=InformationRequest.Status.ANSWERED,
        closed_at=local(2026, 4, 2, 9),
    )
    assert deadlines.lateness(request, D(2026, 12, 1)) == Lateness.LATE


# --- Complaint deadlines -----------------------------------------------------------------------


def test_complaint_deadlines(world: World) -> None:
    refused = make_request(
        world.a,
        received_at=local(2026, 3, 2),
        status=InformationRequest.Status.REFUSED,
        refusal_ground="abusive",
        closed_at=local(2026, 3, 10),
    )
    # 20 working days after Tuesday 10 March (Eid on 20 March skipped).
    assert deadlines.head_complaint_filing_deadline(refused) == D(2026, 4, 8)
    # Without an answer: 20 working days after the due date (31 March).
    unanswered = make_request(world.a, received_at=local(2026, 3, 2))
    assert deadlines.head_complaint_filing_deadline(unanswered) == D(2026, 4, 28)
    # The head answers within 15 working days of the complaint.
    assert deadlines.head_complaint_answer_due(local(2026, 4, 20)) == D(2026, 5, 12)
    # The CDAI decides within 30 days.
    assert deadlines.cdai_decision_due(local(2026, 5, 20)) == D(2026, 6, 19)


# --- Corrections of the calendar ------------------------------------------------------------


def test_a_holiday_added_after_receipt_moves_the_due_date(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    request = make_request(world.a, received_at=local(2026, 3, 2))
    untouched = make_request(world.a, received_at=local(2026, 4, 6))
    assert (request.due_on, untouched.due_on) == (D(2026, 3, 31), D(2026, 5, 5))

    with django_capture_on_commit_callbacks(execute=True):
        services.holiday_override_save(
            actor=world.coordinator,
            date=D(2026, 3, 10),
            is_holiday=True,
            name="Exceptional day off",
        )

    request.refresh_from_db()
    untouched.refresh_from_db()
    assert request.due_on == D(2026, 4, 1)
    assert untouched.due_on == D(2026, 5, 5)
    events = RequestEvent.objects.filter(kind=RequestEvent.Kind.DEADLINE_RECOMPUTED)
    assert [(e.request_id, e.note) for e in events] == [(request.pk, "2026-03-31 → 2026-04-01")]


def test_an_override_removing_a_predicted_religious_holiday(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    assert D(2026, 3, 20) in deadlines.holiday_dates(2026)  # the library's estimate
    request = make_request(world.a, received_at=local(2026, 3, 2))
    assert request.due_on == D(2026, 3, 31)

    with django_capture_on_commit_callbacks(execute=True):
        override = services.holiday_override_save(
            actor=world.coordinator,
            date=D(2026, 3, 20),
            is_holiday=False,
            name="Eid al-Fitr sighted on 21 March",
        )

    assert D(2026, 3, 20) not in deadlines.holiday_dates(2026)
    request.refresh_from_db()
    assert request.due_on == D(2026, 3, 30)

    with django_capture_on_commit_callbacks(execute=True):
        services.holiday_override_delete(actor=world.coordinator, override=override)
    request.refresh_from_db()
    assert request.due_on == D(2026, 3, 31)
    assert RequestEvent.objects.filter(kind=RequestEvent.Kind.DEADLINE_RECOMPUTED).count() == 2


def test_recomputing_leaves_decided_requests_and_unchanged_dates_alone(world: World) -> None:
    decided = make_request(
        world.a,
        received_at=local(2026, 3, 2),
        status=InformationRequest.Status.ANSWERED,
        closed_at=local(2026, 3, 20),
    )
    open_request = make_request(world.a, received_at=local(2026, 3, 2))
    HolidayOverride.objects.create(date=D(2026, 3, 10), name="Day off")

    assert services.recompute_open_deadlines() == 1
    assert services.recompute_open_deadlines() == 0
    decided.refresh_from_db()
    open_request.refresh_from_db()
    assert decided.due_on == D(2026, 3, 31)
    assert open_request.due_on == D(2026, 4, 1)
    assert RequestEvent.objects.filter(request=decided).count() == 0


def test_only_coordinators_correct_the_calendar(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.holiday_override_save(
            actor=world.officer_a, date=D(2026, 3, 10), is_holiday=True, name="x"
        )


def test_holiday_names_list_the_library_and_the_corrections(world: World) -> None:
    HolidayOverride.objects.create(date=D(2026, 3, 20), is_holiday=False, name="Not Eid")
    HolidayOverride.objects.create(date=D(2026, 3, 21), is_holiday=True, name="Eid (sighted)")
    rows = {day: (name, source) for day, name, source in deadlines.holiday_names(2026, "fr")}
    assert rows[D(2026, 1, 1)] == ("Nouvel an", "library")
    assert rows[D(2026, 3, 20)] == ("Not Eid", "removed")
    assert rows[D(2026, 3, 21)] == ("Eid (sighted)", "added")


@pytest.mark.django_db(transaction=True)
def test_cached_holiday_sets_are_dropped_when_a_correction_is_saved(
    coordinator: User,
) -> None:
    cache.clear()
    assert not connection.in_atomic_block
    assert D(2026, 3, 10) not in deadlines.holiday_dates(2026)  # now cached
    HolidayOverride.objects.create(date=D(2026, 3, 10), name="Written behind the cache")
    assert D(2026, 3, 10) not in deadlines.holiday_dates(2026)  # served from the cache

    services.holiday_override_save(
        actor=coordinator, date=D(2026, 3, 11), is_holiday=True, name="Through the service"
    )

    days = deadlines.holiday_dates(2026)
    assert D(2026, 3, 10) in days
    assert D(2026, 3, 11) in days
