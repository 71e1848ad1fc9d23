"""Background tasks: reminders, escalation, recomputation, retention; the daily command.

Tests run the tasks through the task backend (``ImmediateBackend`` in tests), as the
worker would.
"""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from infitah.access_info import services, tasks
from infitah.access_info.models import HolidayOverride, InformationRequest, RequestEvent
from tests.access_info.factories_requests import (
    IDENTITY_STRINGS,
    World,
    file_request,
    local,
    make_request,
    world,
)

__all__ = ["world"]

pytestmark = pytest.mark.django_db
D = datetime.date
Kind = RequestEvent.Kind


def travel(moment: datetime.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def run(task: object) -> object:
    result = task.enqueue()  # type: ignore[attr-defined]
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    return result.return_value


def test_reminders_go_to_the_officers_once_before_the_due_date(world: World) -> None:
    due_soon = make_request(world.a, received_at=local(2026, 3, 2))  # due 31 March
    later = make_request(world.a, received_at=local(2026, 3, 16))  # due 14 April
    urgent = make_request(
        world.a, received_at=local(2026, 3, 25), is_urgent=True, urgency_reason="Vie"
    )  # due 30 March
    make_request(world.b, received_at=local(2026, 3, 2))  # B's officer is told of it

    with travel(local(2026, 3, 26, 7)):  # Thursday: 31 March is 3 working days away
        assert run(tasks.send_deadline_reminders) == 2
        mail_a = [m for m in mail.outbox if m.to == ["officer-a@example.org"]]
        assert len(mail_a) == 1
        assert due_soon.reference in mail_a[0].body
        assert urgent.reference not in mail_a[0].body  # 2 working days away: lead is 1
        assert later.reference not in mail_a[0].body
        mail.outbox.clear()
        assert run(tasks.send_deadline_reminders) == 0
        assert mail.outbox == []

    with travel(local(2026, 3, 27, 7)):
        assert run(tasks.send_deadline_reminders) == 1
        assert urgent.reference in mail.outbox[0].body

    due_soon.refresh_from_db()
    assert due_soon.reminder_sent_on == D(2026, 3, 26)
    assert due_soon.events.filter(kind=Kind.REMINDER).count() == 1
    for message in mail.outbox:
        for value in IDENTITY_STRINGS:
            assert value not in message.body


def test_an_extension_allows_a_new_reminder(world: World) -> None:
    with travel(local(2026, 3, 2, 10)):
        request = file_request(world)
    with travel(local(2026, 3, 26, 7)):
        run(tasks.send_deadline_reminders)
        services.request_extend(actor=world.officer_a, request=request, reason="Volume")
    request.refresh_from_db()
    assert request.reminder_sent_on is None
    with travel(local(2026, 4, 23, 7)):  # 28 April is 3 working days away
        assert run(tasks.send_deadline_reminders) == 1


def test_the_lead_time_is_a_setting(world: World, settings: Settings) -> None:
    settings.INFITAH_ACCESS_INFO_REMINDER_LEAD_WORKING_DAYS = 10
    make_request(world.a, received_at=local(2026, 3, 2))
    with travel(local(2026, 3, 16, 7)):
        assert run(tasks.send_deadline_reminders) == 1


def test_late_requests_are_escalated_to_the_administrator_once(world: World) -> None:
    late = make_request(world.a, received_at=local(2026, 3, 2))
    make_request(world.a, received_at=local(2026, 3, 2), status=InformationRequest.Status.ANSWERED)
    on_time = make_request(world.a, received_at=local(2026, 3, 16))
    with travel(local(2026, 4, 2, 7)):
        assert run(tasks.escalate_late_requests) == 1
        assert [m.to for m in mail.outbox] == [["admin-a@example.org"]]
        assert late.reference in mail.outbox[0].body
        assert on_time.reference not in mail.outbox[0].body
        assert run(tasks.escalate_late_requests) == 0
    late.refresh_from_db()
    assert late.escalated_on == D(2026, 4, 2)
    assert late.events.filter(kind=Kind.ESCALATED).count() == 1


def test_e_mails_to_staff_are_in_their_language(world: World) -> None:
    world.admin_a.preferred_language = "ar"
    world.admin_a.save(update_fields=["preferred_language"])
    make_request(world.a, received_at=local(2026, 3, 2))
    with travel(local(2026, 4, 2, 7)):
        run(tasks.escalate_late_requests)
    assert "/ar/information/officer/requests/" in mail.outbox[0].body


def test_a_calendar_correction_recomputes_through_the_task(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    request = make_request(world.a, received_at=local(2026, 3, 2))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.holiday_override_save(
            actor=world.coordinator, date=D(2026, 3, 12), is_holiday=True, name="Jour chômé"
        )
    assert len(callbacks) == 2  # the cache, then the task
    request.refresh_from_db()
    assert request.due_on == D(2026, 4, 1)
    assert run(tasks.recompute_deadlines) == 0
    HolidayOverride.objects.all().delete()
    assert run(tasks.recompute_deadlines) == 1


def test_identities_past_retention_are_removed(world: World, settings: Settings) -> None:
    settings.INFITAH_ACCESS_INFO_IDENTITY_RETENTION_YEARS = 2
    old = make_request(
        world.a,
        received_at=local(2023, 3, 2),
        status=InformationRequest.Status.ANSWERED,
        closed_at=local(2023, 3, 20),
    )
    recent = make_request(
        world.a,
        received_at=local(2025, 3, 2),
        status=InformationRequest.Status.ANSWERED,
        closed_at=local(2025, 3, 20),
    )
    still_open = make_request(world.a, received_at=local(2023, 3, 2))
    with travel(local(2026, 3, 2, 7)):
        assert run(tasks.purge_expired_identities) == 1
        assert run(tasks.purge_expired_identities) == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert old.requester_name == "" and old.identity_removed_at is not None
    assert recent.requester_name != "" and still_open.requester_name != ""


def test_the_daily_command_enqueues_or_runs_the_tasks(world: World) -> None:
    make_request(world.a, received_at=local(2026, 3, 2))
    out = io.StringIO()
    with travel(local(2026, 4, 2, 7)):
        call_command("access_info_daily", stdout=out)
    assert "escalate_late_requests: enqueued" in out.getvalue()
    assert len(mail.outbox) == 1  # the immediate backend ran them
    out = io.StringIO()
    with travel(local(2026, 4, 3, 7)):
        call_command("access_info_daily", "--now", stdout=out)
    assert "escalate_late_requests: 0" in out.getvalue()


def test_the_recompute_and_purge_commands(world: World) -> None:
    out = io.StringIO()
    call_command("access_info_recompute_deadlines", stdout=out)
    assert "Due dates changed: 0." in out.getvalue()
    call_command("access_info_purge_identities", stdout=out)
    assert "Identities removed: 0" in out.getvalue()


def test_the_requester_e_mail_task_skips_removed_identities(world: World) -> None:
    request = file_request(world)
    event = request.events.get()
    services.requester_identity_remove(request=request)
    result = tasks.send_requester_email.enqueue(request_id=request.pk, event_id=event.pk)
    assert result.return_value == 0
