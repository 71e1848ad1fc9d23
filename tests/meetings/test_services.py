"""Services: meetings, agenda, attendance, minutes, documents, e-mails."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from infitah.meetings import services
from infitah.meetings.models import AgendaItem, Attendance, Meeting, Registration
from tests import factories
from tests.meetings.conftest import People

pytestmark = pytest.mark.django_db


def _data(**extra: Any) -> dict[str, Any]:
    start = timezone.now() + datetime.timedelta(days=10)
    return {
        "kind": "co_creation_workshop",
        "title_fr": "Atelier",
        "format": "in_person",
        "venue_name_fr": "Centre",
        "city_fr": "Béni Mellal",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        **extra,
    }


def test_create_sets_slug_and_search_text(people: People, network: Any, commune_a: Any) -> None:
    meeting = services.meeting_create(
        actor=people["admin_a"],  # type: ignore[arg-type]
        network=network,
        collectivity=commune_a,
        data=_data(title_ar="الورشة الثانية"),
    )
    assert meeting.slug.endswith("-atelier")
    assert not meeting.is_published
    assert "beni" in meeting.search_text and "mellal" in meeting.search_text
    assert "الورشه" in meeting.search_text  # folded (ta marbuta)
    assert "commune" in meeting.search_text
    second = services.meeting_create(
        actor=people["admin_a"],  # type: ignore[arg-type]
        network=network,
        collectivity=commune_a,
        data=_data(starts_at=meeting.starts_at, ends_at=meeting.ends_at),
    )
    assert second.slug == f"{meeting.slug}-2"


def test_reserved_slug_is_refused(people: People, network: Any, commune_a: Any) -> None:
    with pytest.raises(ValidationError):
        services.meeting_create(
            actor=people["admin_a"],  # type: ignore[arg-type]
            network=network,
            collectivity=commune_a,
            data=_data(),
            slug="calendar",
        )


def test_network_meetings_only_by_coordinators(people: People, network: Any) -> None:
    for persona in ("admin_a", "editor_a", "citizen"):
        with pytest.raises(PermissionDenied):
            services.meeting_create(
                actor=people[persona],  # type: ignore[arg-type]
                network=network,
                collectivity=None,
                data=_data(),
            )
    meeting = services.meeting_create(
        actor=people["coordinator"],  # type: ignore[arg-type]
        network=network,
        collectivity=None,
        data=_data(),
    )
    assert meeting.is_network_meeting


def test_plan_must_be_the_organisers(people: People, network: Any, commune_a: Any) -> None:
    other_plan = factories.ActionPlanFactory()
    with pytest.raises(ValidationError) as caught:
        services.meeting_create(
            actor=people["admin_a"],  # type: ignore[arg-type]
            network=network,
            collectivity=commune_a,
            data=_data(plan=other_plan),
        )
    assert "plan" in caught.value.message_dict


def test_cancel_emails_everyone_registered(
    workshop: Meeting, people: People, django_capture_on_commit_callbacks: Any
) -> None:
    confirmed = factories.RegistrationFactory(meeting=workshop)
    waiting = factories.RegistrationFactory(meeting=workshop, status=Registration.Status.WAITING)
    factories.RegistrationFactory(meeting=workshop, status=Registration.Status.CANCELLED)
    confirmed.user.preferred_language = "fr"
    confirmed.user.save()
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=people["admin_a"], meeting=workshop, reason=" ")  # type: ignore[arg-type]
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(actor=people["admin_a"], meeting=workshop, reason="Tempête")  # type: ignore[arg-type]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [confirmed.user.email, waiting.user.email]
    )
    french = next(m for m in mail.outbox if m.to == [confirmed.user.email])
    assert "Tempête" in french.body
    assert Meeting.objects.get(pk=workshop.pk).is_cancelled
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=people["admin_a"], meeting=workshop, reason="again")  # type: ignore[arg-type]


def test_agenda_reorder_and_moves(workshop: Meeting, people: People) -> None:
    actor = people["editor_a"]
    ten = datetime.time(10, 0)
    first = services.agenda_item_create(
        actor=actor,  # type: ignore[arg-type]
        meeting=workshop,
        data={"start_time": ten, "end_time": datetime.time(10, 30), "title_fr": "Ouverture"},
    )
    second = services.agenda_item_create(
        actor=actor,  # type: ignore[arg-type]
        meeting=workshop,
        data={"start_time": ten, "end_time": datetime.time(10, 30), "title_fr": "Présentation"},
    )
    later = services.agenda_item_create(
        actor=actor,  # type: ignore[arg-type]
        meeting=workshop,
        data={
            "start_time": datetime.time(11, 0),
            "end_time": datetime.time(12, 0),
            "title_fr": "x",
        },
    )

    def order() -> list[int]:
        return list(
            AgendaItem.objects.filter(meeting=workshop)
            .order_by("day", "start_time", "order", "pk")
            .values_list("pk", flat=True)
        )

    assert order() == [first.pk, second.pk, later.pk]
    services.agenda_item_move(actor=actor, item=second, direction="up")  # type: ignore[arg-type]
    assert order() == [second.pk, first.pk, later.pk]
    with pytest.raises(ValidationError):  # the next item is in another slot
        services.agenda_item_move(actor=actor, item=first, direction="down")  # type: ignore[arg-type]
    services.agenda_items_reorder(
        actor=actor,  # type: ignore[arg-type]
        meeting=workshop,
        item_ids=[first.pk, second.pk, later.pk],
    )
    assert order() == [first.pk, second.pk, later.pk]
    with pytest.raises(ValidationError):
        services.agenda_items_reorder(actor=actor, meeting=workshop, item_ids=[first.pk])  # type: ignore[arg-type]
    with pytest.raises(ValidationError):  # day 2 of a one-day meeting
        services.agenda_item_create(
            actor=actor,  # type: ignore[arg-type]
            meeting=workshop,
            data={"day": 2, "start_time": ten, "end_time": ten, "title_fr": "y"},
        )


def test_groups_make_a_breakout_slot_and_move(workshop: Meeting, people: People) -> None:
    actor = people["admin_a"]
    item = factories.AgendaItemFactory(meeting=workshop)
    one = services.breakout_group_create(actor=actor, item=item, data={"name_fr": "G1"})  # type: ignore[arg-type]
    two = services.breakout_group_create(actor=actor, item=item, data={"name_fr": "G2"})  # type: ignore[arg-type]
    item.refresh_from_db()
    assert item.kind == AgendaItem.Kind.BREAKOUT
    services.breakout_group_move(actor=actor, group=two, direction="up")  # type: ignore[arg-type]
    assert list(item.groups.order_by("order", "pk").values_list("pk", flat=True)) == [
        two.pk,
        one.pk,
    ]
    services.breakout_groups_reorder(actor=actor, item=item, group_ids=[one.pk, two.pk])  # type: ignore[arg-type]
    assert list(item.groups.order_by("order", "pk").values_list("pk", flat=True)) == [
        one.pk,
        two.pk,
    ]
    with pytest.raises(PermissionDenied):
        services.breakout_group_update(actor=people["admin_b"], group=one, data={"output_fr": "x"})  # type: ignore[arg-type]


def test_attendance_from_a_registration(past_workshop: Meeting, people: People) -> None:
    actor = people["editor_a"]
    organisation = factories.OrganisationFactory()
    user = factories.UserFactory(display_name="Fatima Z.")
    registration = factories.RegistrationFactory(
        meeting=past_workshop, user=user, organisation=organisation
    )
    record = services.attendance_record(
        actor=actor,  # type: ignore[arg-type]
        meeting=past_workshop,
        registration=registration,
        data={"category": "association", "gender": "female", "age_band": "25_34"},
    )
    assert record.name == "Fatima Z." and record.organisation == organisation
    assert not record.walk_in and record.user == user
    with pytest.raises(ValidationError):
        services.attendance_record(
            actor=actor,  # type: ignore[arg-type]
            meeting=past_workshop,
            registration=registration,
            data={"category": "citizen"},
        )
    with pytest.raises(ValidationError):  # a walk-in needs a name
        services.attendance_record(
            actor=actor,  # type: ignore[arg-type]
            meeting=past_workshop,
            data={"category": "citizen", "name": ""},
        )
    assert Attendance.objects.count() == 1


def test_attendance_rules(workshop: Meeting, past_workshop: Meeting, people: People) -> None:
    actor = people["admin_a"]
    with pytest.raises(ValidationError) as caught:  # next week's meeting
        services.attendance_record(
            actor=actor,  # type: ignore[arg-type]
            meeting=workshop,
            data={"category": "citizen", "name": "A"},
        )
    assert caught.value.code == "early"
    other = factories.RegistrationFactory(meeting=workshop)
    with pytest.raises(ValidationError):  # a registration of another meeting
        services.attendance_record(
            actor=actor,  # type: ignore[arg-type]
            meeting=past_workshop,
            registration=other,
            data={"category": "citizen"},
        )


def test_minutes(past_workshop: Meeting, people: People) -> None:
    actor = people["editor_a"]
    with pytest.raises(ValidationError):
        services.meeting_minutes_publish(actor=actor, meeting=past_workshop)  # type: ignore[arg-type]
    services.meeting_minutes_update(
        actor=actor,  # type: ignore[arg-type]
        meeting=past_workshop,
        minutes={"minutes_fr": "Deux groupes ont proposé six projets."},
    )
    meeting = services.meeting_minutes_publish(actor=actor, meeting=past_workshop)  # type: ignore[arg-type]
    assert meeting.minutes_published_at is not None
    from django.test import Client

    html = Client().get(f"/fr/meetings/{past_workshop.slug}/").content.decode()
    assert "Deux groupes ont proposé six projets." in html
    services.meeting_minutes_unpublish(actor=actor, meeting=meeting)  # type: ignore[arg-type]
    html = Client().get(f"/fr/meetings/{past_workshop.slug}/").content.decode()
    assert "six projets" not in html


def test_moderator_cannot_change_anything(workshop: Meeting, people: People) -> None:
    moderator = people["moderator_a"]
    with pytest.raises(PermissionDenied):
        services.meeting_update(actor=moderator, meeting=workshop, data={"capacity": 9})  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        services.meeting_publish(actor=moderator, meeting=workshop)  # type: ignore[arg-type]
