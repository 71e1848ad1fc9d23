"""The follow-up committee's last meeting, the overdue rule and the staff reminders."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from pytest_django import Settings

from infitah.accounts.models import CollectivityRole, User
from infitah.meetings.models import Meeting
from infitah.network.models import Network
from infitah.plans import selectors, services
from infitah.plans.models import ActionPlan, FollowUpCommittee
from tests import factories

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=UTC)


def status_on(committee: FollowUpCommittee, day: datetime.date) -> selectors.CommitteeStatus:
    plan = ActionPlan.objects.get(pk=committee.plan_id)
    return selectors.committee_status(
        committee,
        plan_state=plan.state,
        last_meeting_at=selectors.committee_last_meeting_at(
            plan.pk, now=at(day.year, day.month, day.day, 23)
        ),
        on=day,
    )


def committee_meeting(
    plan: ActionPlan, network: Network, when: datetime.datetime, **extra: object
) -> Meeting:
    return factories.MeetingFactory(
        plan=plan,
        network=network,
        kind=Meeting.Kind.FOLLOW_UP_COMMITTEE,
        starts_at=when,
        ends_at=when + datetime.timedelta(hours=2),
        **extra,
    )


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert selectors.add_months(datetime.date(2023, 8, 31), 6) == datetime.date(2024, 2, 29)
    assert selectors.add_months(datetime.date(2023, 3, 1), 6) == datetime.date(2023, 9, 1)
    assert selectors.add_months(datetime.date(2023, 11, 15), 3) == datetime.date(2024, 2, 15)


def test_without_meeting_the_gap_runs_from_establishment(committee: FollowUpCommittee) -> None:
    # Established 1 March 2023: due by 1 September 2023, overdue from the 2nd.
    assert not status_on(committee, datetime.date(2023, 9, 1)).is_overdue
    status = status_on(committee, datetime.date(2023, 9, 2))
    assert status.is_overdue
    assert status.last_met_on is None
    assert status.due_on == datetime.date(2023, 9, 1)


def test_last_meeting_counts_past_meetings_published_or_not(
    committee: FollowUpCommittee, network: Network
) -> None:
    plan = committee.plan
    committee_meeting(plan, network, at(2023, 6, 1), is_published=False)
    committee_meeting(plan, network, at(2023, 7, 1), is_cancelled=True)  # did not happen
    factories.MeetingFactory(plan=plan, network=network, starts_at=at(2023, 8, 1))  # workshop
    committee_meeting(plan, network, at(2024, 1, 10))  # in the future on the day below
    status = status_on(committee, datetime.date(2023, 9, 15))
    assert status.last_met_on == datetime.date(2023, 6, 1)
    assert status.due_on == datetime.date(2023, 12, 1)
    assert not status.is_overdue
    assert status_on(committee, datetime.date(2023, 12, 2)).is_overdue
    assert not status_on(committee, datetime.date(2024, 1, 11)).is_overdue


def test_meeting_day_is_casablanca_day(committee: FollowUpCommittee, network: Network) -> None:
    # 23:30 UTC on 31 May 2023 is 00:30 on 1 June in Casablanca (UTC+1).
    committee_meeting(committee.plan, network, datetime.datetime(2023, 5, 31, 23, 30, tzinfo=UTC))
    assert status_on(committee, datetime.date(2023, 7, 1)).last_met_on == datetime.date(2023, 6, 1)


def test_the_number_of_months_is_a_setting(
    committee: FollowUpCommittee, settings: Settings
) -> None:
    settings.INFITAH_COMMITTEE_MAX_MONTHS_BETWEEN_MEETINGS = 3
    assert status_on(committee, datetime.date(2023, 6, 2)).is_overdue


def test_a_closed_plan_is_never_overdue(committee: FollowUpCommittee) -> None:
    ActionPlan.objects.filter(pk=committee.plan_id).update(state=ActionPlan.State.CLOSED)
    assert not status_on(committee, datetime.date(2030, 1, 1)).is_overdue


def test_without_establishment_date_the_gap_runs_from_creation(plan: ActionPlan) -> None:
    with time_machine.travel(at(2024, 1, 10), tick=False):
        committee = factories.FollowUpCommitteeFactory(plan=plan)
    assert not status_on(committee, datetime.date(2024, 7, 10)).is_overdue
    assert status_on(committee, datetime.date(2024, 7, 11)).is_overdue


@pytest.fixture
def admins(committee: FollowUpCommittee, staff_a: User) -> list[User]:
    """The plan's collectivity has two administrators (one prefers French) and an editor."""
    second = factories.CollectivityRoleFactory(
        collectivity=committee.plan.collectivity,
        role=CollectivityRole.Role.ADMIN,
        user__email="admin2-a@example.org",
        user__preferred_language="fr",
    ).user
    factories.CollectivityRoleFactory(
        collectivity=committee.plan.collectivity,
        role=CollectivityRole.Role.EDITOR,
        user__email="editor-a@example.org",
    )
    return [staff_a, second]


def send(capture: Any) -> list[int]:
    """Run the reminders and the e-mail tasks they enqueue after commit."""
    with capture(execute=True):
        return services.committee_reminders_send()


def test_reminders_are_sent_once_per_overdue_period(
    committee: FollowUpCommittee,
    admins: list[User],
    network: Network,
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(at(2023, 8, 1), tick=False):
        assert send(capture) == []
    assert mail.outbox == []

    with time_machine.travel(at(2023, 9, 5), tick=False):
        assert send(capture) == [committee.pk]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in admins)
    french = next(m for m in mail.outbox if m.to == ["admin2-a@example.org"])
    assert "must meet" in french.subject or "comité" in french.subject.lower()
    assert "https://example.com/fr/plans/plan-a/" in french.body
    arabic = next(m for m in mail.outbox if m.to == ["admin-a@example.org"])
    assert "/ar/plans/plan-a/" in arabic.body
    assert "1 March 2023" in french.body or "1 mars 2023" in french.body

    # Idempotent: a second run (the next day) sends nothing.
    mail.outbox.clear()
    with time_machine.travel(at(2023, 9, 6), tick=False):
        assert send(capture) == []
    assert mail.outbox == []

    # The committee meets: no warning; overdue again six months later: warned again.
    committee_meeting(committee.plan, network, at(2023, 10, 10))
    with time_machine.travel(at(2024, 3, 1), tick=False):
        assert send(capture) == []
    with time_machine.travel(at(2024, 4, 12), tick=False):
        assert send(capture) == [committee.pk]
    assert len(mail.outbox) == 2
    with time_machine.travel(at(2024, 4, 13), tick=False):
        assert send(capture) == []


def test_reminders_skip_closed_plans_and_other_collectivities(
    committee: FollowUpCommittee,
    admins: list[User],
    commune_b: object,
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    ActionPlan.objects.filter(pk=committee.plan_id).update(state=ActionPlan.State.CLOSED)
    factories.CollectivityRoleFactory(collectivity=commune_b, role="admin")
    with time_machine.travel(at(2024, 9, 5), tick=False):
        assert send(capture) == []
    assert mail.outbox == []


def test_management_command(
    committee: FollowUpCommittee, admins: list[User], django_capture_on_commit_callbacks: Any
) -> None:
    out = StringIO()
    with time_machine.travel(at(2023, 9, 5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("plans_committee_reminders", stdout=out)
        assert "1 overdue committee" in out.getvalue()
        out = StringIO()
        call_command("plans_committee_reminders", stdout=out)
    assert "No committee to warn" in out.getvalue()
    assert len(mail.outbox) == 2
    assert FollowUpCommittee.objects.get(pk=committee.pk).overdue_warned_at == at(2023, 9, 5)
