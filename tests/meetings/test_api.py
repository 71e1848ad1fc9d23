"""The meetings API: public list and detail, filters, own registrations, organisers' writes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from infitah.meetings.models import AgendaItem, Meeting, Registration
from tests import factories
from tests.meetings.conftest import People
from tests.meetings.factories import AttendanceFactory

pytestmark = pytest.mark.django_db


def _queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


def test_list_and_detail(workshop: Meeting) -> None:
    item = factories.AgendaItemFactory(meeting=workshop, kind=AgendaItem.Kind.BREAKOUT)
    factories.BreakoutGroupFactory(agenda_item=item, facilitator="Amina", rapporteur="Karim")
    factories.RegistrationFactory(meeting=workshop)
    factories.MeetingFactory(network=workshop.network, is_published=False, slug="hidden")

    data = APIClient().get("/api/v1/meetings/?lang=fr").json()
    assert data["count"] == 1
    [row] = data["results"]
    assert row["slug"] == workshop.slug
    assert row["registration"]["capacity"] == 3
    assert row["registration"]["confirmed"] == 1
    assert row["registration"]["places_left"] == 2
    assert row["organiser"]["code"] == workshop.collectivity.code  # type: ignore[union-attr]
    assert row["ical_url"].endswith(f"/meetings/{workshop.slug}.ics")

    detail = APIClient().get(f"/api/v1/meetings/{workshop.slug}/").json()
    [agenda_item] = detail["agenda"]
    assert agenda_item["groups"][0]["facilitator"] == "Amina"
    assert detail["attendance"]["total"] == 0
    assert APIClient().get("/api/v1/meetings/hidden/").status_code == 404


def test_times_carry_the_morocco_offset(network: Any) -> None:
    start = datetime.datetime(2030, 7, 11, 9, 0, tzinfo=datetime.UTC)
    meeting = factories.MeetingFactory(
        network=network, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    data = APIClient().get(f"/api/v1/meetings/{meeting.slug}/").json()
    assert data["starts_at"] == "2030-07-11T10:00:00+01:00"


def test_filters_are_validated(workshop: Meeting) -> None:
    client = APIClient()
    for query in ("when=soon", "kind=party", "collectivity=nowhere", "network=maybe", "plan=x"):
        response = client.get(f"/api/v1/meetings/?{query}")
        assert response.status_code == 400, query
        assert response.json()["error"]["code"] == "invalid"
    assert client.get("/api/v1/meetings/?kind=co_creation_workshop").json()["count"] == 1
    assert client.get("/api/v1/meetings/?kind=training").json()["count"] == 0
    assert client.get("/api/v1/meetings/?when=past").json()["count"] == 0
    assert client.get("/api/v1/meetings/?network=true").json()["count"] == 0
    code = workshop.collectivity.code  # type: ignore[union-attr]
    assert client.get(f"/api/v1/meetings/?collectivity={code}").json()["count"] == 1


def test_list_query_count_does_not_grow(network: Any) -> None:
    plan = factories.ActionPlanFactory()
    for _ in range(2):
        factories.MeetingFactory(network=network, plan=plan)
    small = _queries(APIClient(), "/api/v1/meetings/")
    for _ in range(18):
        meeting = factories.MeetingFactory(network=network, plan=plan)
        factories.RegistrationFactory(meeting=meeting)
    large = _queries(APIClient(), "/api/v1/meetings/")
    assert large == small


def test_detail_query_count_does_not_grow(workshop: Meeting) -> None:
    factories.BreakoutGroupFactory(agenda_item__meeting=workshop)
    workshop.participating_collectivities.add(factories.CommuneFactory())
    small = _queries(APIClient(), f"/api/v1/meetings/{workshop.slug}/")
    for _ in range(8):
        item = factories.AgendaItemFactory(meeting=workshop)
        factories.BreakoutGroupFactory(agenda_item=item)
        workshop.participating_collectivities.add(factories.CommuneFactory())
        AttendanceFactory(meeting=workshop)
    large = _queries(APIClient(), f"/api/v1/meetings/{workshop.slug}/")
    assert large == small


def test_own_registrations(workshop: Meeting, people: People) -> None:
    citizen = people["citizen"]
    client = APIClient()
    client.force_login(citizen)  # type: ignore[arg-type]
    response = client.post("/api/v1/meeting-registrations/", {"meeting": workshop.slug})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "confirmed"
    # The message is read in English: the first answer set the language cookie to the
    # citizen's preferred language (ar), which wins over Accept-Language.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    again = client.post("/api/v1/meeting-registrations/", {"meeting": workshop.slug})
    assert again.status_code == 400
    assert "already registered" in str(again.json())
    factories.RegistrationFactory(meeting=workshop)  # someone else's
    listed = client.get("/api/v1/meeting-registrations/").json()
    assert listed["count"] == 1
    assert listed["results"][0]["meeting_detail"]["slug"] == workshop.slug


def test_waiting_position_in_api(workshop: Meeting, people: People) -> None:
    for _ in range(3):
        factories.RegistrationFactory(meeting=workshop)
    client = APIClient()
    client.force_login(people["citizen"])  # type: ignore[arg-type]
    data = client.post("/api/v1/meeting-registrations/", {"meeting": workshop.slug}).json()
    assert data["status"] == "waiting" and data["waiting_position"] == 1


def test_unpublished_meeting_cannot_be_registered_for(network: Any, people: People) -> None:
    draft = factories.MeetingFactory(network=network, is_published=False, registration_enabled=True)
    client = APIClient()
    client.force_login(people["citizen"])  # type: ignore[arg-type]
    response = client.post("/api/v1/meeting-registrations/", {"meeting": draft.slug})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_registrations_list_query_count(people: People, network: Any) -> None:
    citizen = people["citizen"]
    client = APIClient()
    client.force_login(citizen)  # type: ignore[arg-type]
    plan = factories.ActionPlanFactory()
    for _ in range(2):
        factories.RegistrationFactory(
            meeting=factories.MeetingFactory(network=network, plan=plan), user=citizen
        )
    small = _queries(client, "/api/v1/meeting-registrations/")
    for _ in range(18):
        factories.RegistrationFactory(
            meeting=factories.MeetingFactory(network=network, plan=plan), user=citizen
        )
    large = _queries(client, "/api/v1/meeting-registrations/")
    assert large == small


def test_organiser_creates_a_meeting_with_local_time(people: People, commune_a: Any) -> None:
    client = APIClient()
    client.force_login(people["editor_a"])  # type: ignore[arg-type]
    response = client.post(
        "/api/v1/manage/meetings/",
        {
            "organiser": commune_a.slug,
            "kind": "co_creation_workshop",
            "title_ar": "الورشة الثانية",
            "format": "in_person",
            "venue_name_ar": "المركز الاجتماعي والثقافي المغيلة",
            "starts_at": "2023-07-11T10:00",
            "ends_at": "2023-07-11T11:00",
            "participating_collectivities": [commune_a.code],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    meeting = Meeting.objects.get(slug=response.json()["slug"])
    assert meeting.starts_at == datetime.datetime(2023, 7, 11, 9, 0, tzinfo=datetime.UTC)
    assert not meeting.is_published
    assert list(meeting.participating_collectivities.all()) == [commune_a]
    # Unpublished: not in the public API, but in the organiser's list.
    assert APIClient().get(f"/api/v1/meetings/{meeting.slug}/").status_code == 404
    mine = client.get("/api/v1/manage/meetings/").json()
    assert meeting.slug in [row["slug"] for row in mine["results"]]
    invalid = client.post(
        "/api/v1/manage/meetings/",
        {
            "organiser": commune_a.slug,
            "kind": "training",
            "title_fr": "x",
            "format": "online",
            "starts_at": "2030-01-01T10:00",
            "ends_at": "2030-01-01T09:00",
        },
        format="json",
    )
    assert invalid.status_code == 400
    assert {"ends_at", "online_url"} <= set(invalid.json()["error"]["fields"])


def test_attendance_list_is_for_organisers(past_workshop: Meeting, people: People) -> None:
    AttendanceFactory(meeting=past_workshop, name="Fatima")
    url = f"/api/v1/manage/attendance/?meeting={past_workshop.slug}"
    anonymous = APIClient().get(url)
    assert anonymous.status_code == 403
    client = APIClient()
    client.force_login(people["citizen"])  # type: ignore[arg-type]
    assert client.get(url).status_code == 403
    client.force_login(people["editor_a"])  # type: ignore[arg-type]
    data = client.get(url).json()
    assert data["results"][0]["name"] == "Fatima"
    assert "Fatima" not in str(APIClient().get(f"/api/v1/meetings/{past_workshop.slug}/").json())
    small = _queries(client, url)
    for _ in range(10):
        AttendanceFactory(meeting=past_workshop, organisation=factories.OrganisationFactory())
    assert _queries(client, url) == small
