"""Registration: capacity (also under concurrent requests), waiting list, cancellation."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone, translation

from infitah.accounts.models import OrganisationRepresentative
from infitah.meetings import services
from infitah.meetings.models import Meeting, Registration
from tests import factories

pytestmark = pytest.mark.django_db

Status = Registration.Status


def _users(count: int, prefix: str = "p") -> list:
    return [factories.UserFactory(email=f"{prefix}{i}@example.org") for i in range(count)]


def test_confirmed_until_full_then_waiting_list(workshop: Meeting) -> None:
    users = _users(5)
    statuses = [services.registration_create(meeting=workshop, user=u).status for u in users]
    assert statuses == [Status.CONFIRMED] * 3 + [Status.WAITING] * 2


def test_full_without_waiting_list_is_refused(workshop: Meeting) -> None:
    workshop.waiting_list_enabled = False
    workshop.save()
    for user in _users(3):
        services.registration_create(meeting=workshop, user=user)
    with pytest.raises(ValidationError) as caught:
        services.registration_create(meeting=workshop, user=factories.UserFactory())
    assert caught.value.code == "full"


def test_unlimited_capacity(workshop: Meeting) -> None:
    workshop.capacity = None
    workshop.save()
    for user in _users(6):
        assert services.registration_create(meeting=workshop, user=user).status == Status.CONFIRMED


def test_one_active_registration_per_person(workshop: Meeting) -> None:
    user = factories.UserFactory()
    registration = services.registration_create(meeting=workshop, user=user)
    with pytest.raises(ValidationError) as caught:
        services.registration_create(meeting=workshop, user=user)
    assert caught.value.code == "duplicate"
    # After cancelling, the person may register again.
    services.registration_cancel(registration=registration, actor=user)
    again = services.registration_create(meeting=workshop, user=user)
    assert again.status == Status.CONFIRMED


def test_database_constraint_is_turned_into_a_clear_error(
    workshop: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A race the application check missed ends as "already registered", not a 500."""
    user = factories.UserFactory()
    Registration.objects.create(meeting=workshop, user=user, status=Status.CONFIRMED)
    real_filter = Registration.objects.filter

    class Blind:
        def exists(self) -> bool:
            return False

    def filter_(*args: object, **kwargs: object) -> object:
        queryset = real_filter(*args, **kwargs)
        if "user" in kwargs:
            queryset.exclude = lambda **kw: Blind()  # type: ignore[method-assign]
        return queryset

    monkeypatch.setattr(Registration.objects, "filter", filter_)
    with pytest.raises(ValidationError) as caught:
        services.registration_create(meeting=workshop, user=user)
    assert caught.value.code == "duplicate"


@pytest.mark.parametrize(
    "change",
    [
        {"is_published": False},
        {"registration_enabled": False},
        {"is_cancelled": True},
        {"registration_opens_at": "future"},
        {"registration_closes_at": "past"},
        {"starts_at": "past"},
    ],
)
def test_registration_refused_when_not_open(workshop: Meeting, change: dict) -> None:
    now = timezone.now()
    for name, value in change.items():
        if value == "future":
            value = now + datetime.timedelta(days=1)
        elif value == "past":
            value = now - datetime.timedelta(hours=1)
            if name == "starts_at":
                workshop.ends_at = now + datetime.timedelta(hours=1)
        setattr(workshop, name, value)
    workshop.save()
    with pytest.raises(ValidationError) as caught:
        services.registration_create(meeting=workshop, user=factories.UserFactory())
    assert caught.value.code == "closed"


def test_meeting_of_unpublished_plan_is_not_open(workshop: Meeting) -> None:
    plan = workshop.plan
    assert plan is not None
    plan.is_published = False
    plan.save()
    with pytest.raises(ValidationError):
        services.registration_create(meeting=workshop, user=factories.UserFactory())


def test_unverified_email_cannot_register(workshop: Meeting) -> None:
    user = factories.UserFactory(email="new@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    with pytest.raises(PermissionDenied):
        services.registration_create(meeting=workshop, user=user)
    EmailAddress.objects.filter(user=user).update(verified=True)
    user = type(user).objects.get(pk=user.pk)  # fresh permission caches
    assert services.registration_create(meeting=workshop, user=user).status == Status.CONFIRMED


def test_on_behalf_of_an_organisation_needs_approval(workshop: Meeting) -> None:
    user = factories.UserFactory()
    organisation = factories.OrganisationFactory()
    with pytest.raises(PermissionDenied):
        services.registration_create(meeting=workshop, user=user, organisation=organisation)
    OrganisationRepresentative.objects.create(
        organisation=organisation, user=user, is_approved=True
    )
    user = type(user).objects.get(pk=user.pk)
    registration = services.registration_create(
        meeting=workshop, user=user, organisation=organisation
    )
    assert registration.organisation == organisation


def test_cancellation_promotes_the_earliest_waiting(
    workshop: Meeting, django_capture_on_commit_callbacks: object
) -> None:
    users = _users(6)
    registrations = [services.registration_create(meeting=workshop, user=u) for u in users]
    # Same creation time for the waiting ones: the primary key breaks the tie.
    Registration.objects.filter(status=Status.WAITING).update(created_at=timezone.now())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        promoted = services.registration_cancel(registration=registrations[1], actor=users[1])

    assert [r.pk for r in promoted] == [registrations[3].pk]
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses[registrations[1].pk] == Status.CANCELLED
    assert statuses[registrations[3].pk] == Status.CONFIRMED
    assert statuses[registrations[4].pk] == Status.WAITING
    assert Registration.objects.get(pk=registrations[3].pk).promoted_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [users[3].email]
    assert workshop.slug in mail.outbox[0].body

    # Cancelling a waiting registration promotes nobody.
    assert services.registration_cancel(registration=registrations[5], actor=users[5]) == []
    assert Registration.objects.filter(meeting=workshop, status=Status.CONFIRMED).count() == 3


def test_waiting_list_order_follows_creation_time(workshop: Meeting) -> None:
    users = _users(6)
    registrations = [services.registration_create(meeting=workshop, user=u) for u in users]
    now = timezone.now()
    # The last one registered first (older created_at): it goes first.
    Registration.objects.filter(pk=registrations[5].pk).update(
        created_at=now - datetime.timedelta(hours=1)
    )
    promoted = services.registration_cancel(registration=registrations[0], actor=users[0])
    assert [r.pk for r in promoted] == [registrations[5].pk]


def test_capacity_increase_promotes_in_order(workshop: Meeting, people: object) -> None:
    users = _users(6)
    registrations = [services.registration_create(meeting=workshop, user=u) for u in users]
    coordinator = people["coordinator"]  # type: ignore[index]
    services.meeting_update(actor=coordinator, meeting=workshop, data={"capacity": 5})
    statuses = [Registration.objects.get(pk=r.pk).status for r in registrations]
    assert statuses == [Status.CONFIRMED] * 5 + [Status.WAITING]


def test_participant_cannot_cancel_once_started_but_organiser_can(
    workshop: Meeting, people: object
) -> None:
    user = factories.UserFactory()
    registration = services.registration_create(meeting=workshop, user=user)
    later = workshop.starts_at + datetime.timedelta(minutes=5)
    with pytest.raises(ValidationError) as caught:
        services.registration_cancel(registration=registration, actor=user, now=later)
    assert caught.value.code == "started"
    services.registration_cancel(
        registration=registration,
        actor=people["admin_a"],  # type: ignore[index]
        now=later,
    )
    assert Registration.objects.get(pk=registration.pk).status == Status.CANCELLED


def test_someone_else_cannot_cancel(workshop: Meeting, people: object) -> None:
    registration = services.registration_create(meeting=workshop, user=factories.UserFactory())
    for name in ("citizen", "moderator_a", "admin_b"):
        with pytest.raises(PermissionDenied):
            services.registration_cancel(registration=registration, actor=people[name])  # type: ignore[index]


def test_cancelled_twice_is_an_error(workshop: Meeting) -> None:
    user = factories.UserFactory()
    registration = services.registration_create(meeting=workshop, user=user)
    services.registration_cancel(registration=registration, actor=user)
    with pytest.raises(ValidationError):
        services.registration_cancel(registration=registration, actor=user)


# --- Concurrency -------------------------------------------------------------------------------

THREADS = 10


def _register_concurrently(meeting_id: int, user_ids: list[int]) -> list[str]:
    """Each user registers from its own thread (its own database connection) at once."""
    from infitah.accounts.models import User

    barrier = threading.Barrier(len(user_ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(user_id: int) -> None:
        # Each thread starts in the default language (ar): read the refusals in English.
        translation.activate("en")
        try:
            user = User.objects.get(pk=user_id)
            meeting = Meeting.objects.get(pk=meeting_id)
            barrier.wait(timeout=20)
            registration = services.registration_create(meeting=meeting, user=user)
            outcome = registration.status
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connections.close_all()
            translation.deactivate()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _skip_if_threads_cannot_share_the_database() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "threads cannot share an in-memory SQLite database (shared-cache locks are "
            "not retried); test_concurrent_registrations_on_a_sqlite_file covers SQLite"
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_capacity(network: object) -> None:
    _skip_if_threads_cannot_share_the_database()
    meeting = factories.MeetingFactory(registration_enabled=True, capacity=3)
    users = _users(THREADS, prefix="concurrent")

    outcomes = _register_concurrently(meeting.pk, [u.pk for u in users])

    assert sorted(outcomes) == sorted([Status.CONFIRMED] * 3 + [Status.WAITING] * 7), outcomes
    assert Registration.objects.filter(meeting=meeting, status=Status.CONFIRMED).count() == 3
    assert Registration.objects.filter(meeting=meeting, status=Status.WAITING).count() == 7


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_click_registers_once(network: object) -> None:
    _skip_if_threads_cannot_share_the_database()
    meeting = factories.MeetingFactory(registration_enabled=True, capacity=3)
    user = factories.UserFactory(email="double@example.org")

    outcomes = _register_concurrently(meeting.pk, [user.pk] * 4)

    assert outcomes.count(Status.CONFIRMED) == 1, outcomes
    assert all("already registered" in o for o in outcomes if o != Status.CONFIRMED), outcomes
    assert Registration.objects.filter(meeting=meeting, user=user).count() == 1


def test_concurrent_registrations_on_a_sqlite_file(tmp_path: Path) -> None:
    """SQLite as in production (a file, WAL, ``BEGIN IMMEDIATE``): 10 threads, 3 places.

    The test database is in memory, so the probe runs in a process of its own on a
    fresh database file (it migrates it first: about 15 seconds).
    """
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite configuration is tested on SQLite runs")
    probe = Path(__file__).with_name("concurrency_probe.py")
    database = tmp_path / "probe.sqlite3"
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(probe), str(database), str(THREADS), "3"],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    outcomes = report["outcomes"]
    assert report["counts"] == {"confirmed": 3, "waiting": THREADS - 3}, outcomes
    assert outcomes.count("confirmed") == 3, outcomes
    assert outcomes.count("waiting") == THREADS - 3, outcomes
    # The person who clicked twice got one registration and one clear refusal.
    refusals = [o for o in outcomes if o not in ("confirmed", "waiting")]
    assert len(refusals) == 1 and "already registered" in refusals[0], outcomes
