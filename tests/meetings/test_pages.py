"""Public pages and organisers' pages: content, filters, time zone, CSV, query counts."""

from __future__ import annotations

import csv
import datetime
import io
import os
import time
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from infitah.meetings.models import AgendaItem, Meeting, Registration
from tests import factories
from tests.meetings.conftest import People
from tests.meetings.factories import AttendanceFactory
from tests.sample_map import count_queries

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
CASABLANCA = ZoneInfo("Africa/Casablanca")


@pytest.fixture
def other_process_zone() -> Iterator[None]:
    """Run the test with the server process in another time zone (New York)."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


def test_morocco_offsets_are_what_zoneinfo_says() -> None:
    """UTC+1 most of the year, UTC+0 during Ramadan (2026: 15 February to 22 March)."""
    summer = datetime.datetime(2023, 7, 11, 10, tzinfo=CASABLANCA)
    ramadan = datetime.datetime(2026, 3, 1, 10, tzinfo=CASABLANCA)
    assert summer.utcoffset() == datetime.timedelta(hours=1)
    assert ramadan.utcoffset() == datetime.timedelta(0)


# --- Time zone -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("utc", "local"),
    [
        (datetime.datetime(2023, 7, 11, 9, 0, tzinfo=UTC), "10:00"),  # UTC+1
        (datetime.datetime(2026, 3, 1, 10, 0, tzinfo=UTC), "10:00"),  # Ramadan: UTC+0
    ],
)
def test_page_shows_casablanca_time_whatever_the_server_zone(
    other_process_zone: None, network: Any, utc: datetime.datetime, local: str
) -> None:
    meeting = factories.MeetingFactory(
        network=network, starts_at=utc, ends_at=utc + datetime.timedelta(hours=2)
    )
    html = Client().get(f"/fr/meetings/{meeting.slug}/").content.decode()
    assert f"{local}</time>" in html
    assert utc.astimezone(CASABLANCA).isoformat() in html  # <time datetime="...">


@pytest.mark.parametrize(
    ("typed", "stored_utc"),
    [
        ("2023-07-11T10:00", datetime.datetime(2023, 7, 11, 9, 0, tzinfo=UTC)),
        ("2026-03-01T10:00", datetime.datetime(2026, 3, 1, 10, 0, tzinfo=UTC)),
    ],
)
def test_typed_time_is_casablanca_time(
    other_process_zone: None,
    people: People,
    commune_a: Any,
    typed: str,
    stored_utc: datetime.datetime,
) -> None:
    client = Client()
    client.force_login(people["admin_a"])  # type: ignore[arg-type]
    response = client.post(
        "/fr/meetings/new/",
        {
            "organiser": str(commune_a.pk),
            "kind": "co_creation_workshop",
            "title_fr": "Deuxième atelier",
            "format": "in_person",
            "venue_name_fr": "Centre Mghila",
            "starts_at": typed,
            "ends_at": typed.replace("T10:", "T12:"),
            "waiting_list_enabled": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    meeting = Meeting.objects.get(title_fr="Deuxième atelier")
    assert meeting.starts_at == stored_utc
    # The edit form shows what was typed.
    edit = client.get(f"/fr/meetings/{meeting.slug}/edit/").content.decode()
    assert f'value="{typed}"' in edit
    assert meeting.slug.startswith(typed[:10])


# --- List ----------------------------------------------------------------------------------


def test_list_shows_published_upcoming_meetings(network: Any, commune_a: Any) -> None:
    published = factories.MeetingFactory(network=network, title_fr="Atelier public")
    factories.MeetingFactory(network=network, title_fr="Brouillon", is_published=False)
    hidden_plan = factories.ActionPlanFactory(is_published=False)
    factories.MeetingFactory(network=network, plan=hidden_plan, title_fr="Plan caché")
    start = timezone.now() - datetime.timedelta(days=30)
    factories.MeetingFactory(
        network=network,
        title_fr="Atelier passé",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    html = Client().get("/fr/meetings/").content.decode()
    assert published.title_fr in html  # type: ignore[attr-defined]
    assert "Brouillon" not in html and "Plan caché" not in html
    assert "Atelier passé" not in html
    past = Client().get("/fr/meetings/?when=past").content.decode()
    assert "Atelier passé" in past and "Atelier public" not in past


def test_list_filters(network: Any, commune_a: Any, commune_b: Any) -> None:
    plan = factories.ActionPlanFactory(collectivity=commune_a, slug="plan-bm")
    workshop = factories.MeetingFactory(network=network, plan=plan, title_fr="Atelier A")
    training = factories.MeetingFactory(
        network=network,
        plan=None,
        collectivity=None,
        kind=Meeting.Kind.TRAINING,
        title_fr="Formation du réseau",
    )
    training.participating_collectivities.add(commune_a)
    factories.MeetingFactory(
        network=network,
        plan=factories.ActionPlanFactory(collectivity=commune_b),
        title_fr="Atelier B",
    )

    from infitah.meetings.services import meeting_build_search_text

    for meeting in Meeting.objects.all():
        Meeting.objects.filter(pk=meeting.pk).update(search_text=meeting_build_search_text(meeting))

    def titles(query: str) -> set[str]:
        html = Client().get(f"/fr/meetings/?{query}").content.decode()
        return {t for t in ("Atelier A", "Formation du réseau", "Atelier B") if t in html}

    assert titles("kind=training") == {"Formation du réseau"}
    assert titles("network=1") == {"Formation du réseau"}
    assert titles(f"collectivity={commune_a.slug}") == {"Atelier A", "Formation du réseau"}
    assert titles(f"collectivity={commune_a.code}") == {"Atelier A", "Formation du réseau"}
    assert titles("plan=plan-bm") == {"Atelier A"}
    assert titles(f"region={commune_b.region.slug}") == {"Atelier B"}
    assert titles("q=formation") == {"Formation du réseau"}
    # Bad values are ignored with a notice, never an error.
    response = Client().get("/fr/meetings/?kind=nope&when=x&region=zz&plan=%00&page=abc")
    assert response.status_code == 200
    assert workshop.title_fr in response.content.decode()  # type: ignore[attr-defined]


def test_search_finds_arabic_and_participant_names(network: Any, commune_a: Any) -> None:
    from infitah.meetings import services

    coordinator = factories.NetworkRoleFactory(network=network).user
    meeting = services.meeting_create(
        actor=coordinator,
        network=network,
        collectivity=None,
        data={
            "kind": "training",
            "title_ar": "التكوين عن بعد",
            "format": "online",
            "online_url": "https://meet.example.org/x",
            "starts_at": timezone.now() + datetime.timedelta(days=3),
            "ends_at": timezone.now() + datetime.timedelta(days=3, hours=2),
        },
        participating_collectivities=[commune_a],
    )
    services.meeting_publish(actor=coordinator, meeting=meeting)
    for query in ("التكوين", "تكوين", "Commune A", "جماعة أ"):
        html = Client().get("/fr/meetings/", {"q": query}).content.decode()
        assert meeting.slug in html, query


def _meetings(network: Any, count: int) -> list[Meeting]:
    plan = factories.ActionPlanFactory()
    return [
        factories.MeetingFactory(network=network, plan=plan, registration_enabled=True, capacity=9)
        for _ in range(count)
    ]


def test_list_query_count_does_not_grow(network: Any) -> None:
    _meetings(network, 2)
    small = count_queries(Client(), "/fr/meetings/")
    _meetings(network, 18)
    large = count_queries(Client(), "/fr/meetings/")
    assert large == small


def test_detail_query_count_does_not_grow(network: Any) -> None:
    meeting = factories.MeetingFactory(network=network, registration_enabled=True, capacity=9)
    item = factories.AgendaItemFactory(meeting=meeting)
    factories.BreakoutGroupFactory(agenda_item=item)
    small = count_queries(Client(), f"/fr/meetings/{meeting.slug}/")
    for _ in range(10):
        other = factories.AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.BREAKOUT)
        factories.BreakoutGroupFactory(agenda_item=other)
        factories.BreakoutGroupFactory(agenda_item=other)
        meeting.participating_collectivities.add(factories.CommuneFactory())
        AttendanceFactory(meeting=meeting)
    large = count_queries(Client(), f"/fr/meetings/{meeting.slug}/")
    assert large == small


# --- Meeting page ----------------------------------------------------------------------------


def test_detail_shows_agenda_with_parallel_groups(network: Any, commune_a: Any) -> None:
    start = datetime.datetime(2030, 7, 11, 9, 30, tzinfo=CASABLANCA)
    meeting = factories.MeetingFactory(
        network=network,
        plan=factories.ActionPlanFactory(collectivity=commune_a),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    factories.AgendaItemFactory(
        meeting=meeting,
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 0),
        kind=AgendaItem.Kind.RECEPTION,
        title_fr="Accueil des participants",
    )
    slot = factories.AgendaItemFactory(
        meeting=meeting,
        start_time=datetime.time(10, 30),
        end_time=datetime.time(10, 55),
        kind=AgendaItem.Kind.BREAKOUT,
        title_fr="Ateliers",
    )
    for number, (facilitator, rapporteur) in enumerate([("Amina", "Karim"), ("Said", "Nadia")]):
        factories.BreakoutGroupFactory(
            agenda_item=slot,
            name_fr=f"Groupe {number + 1}",
            facilitator=facilitator,
            rapporteur=rapporteur,
        )
    html = Client().get(f"/fr/meetings/{meeting.slug}/").content.decode()
    assert "Accueil des participants" in html
    assert html.count('class="breakout-group"') == 2
    for name in ("Amina", "Karim", "Said", "Nadia"):
        assert name in html
    assert "09:30</time>" in html and "10:55</time>" in html
    assert 'id="meeting-proposals"' not in html  # the proposals hook is empty


def test_registration_box_flow(workshop: Meeting, people: People) -> None:
    citizen = people["citizen"]
    client = Client()
    anonymous = client.get(f"/fr/meetings/{workshop.slug}/").content.decode()
    assert "/accounts/login/?next=" in anonymous
    client.force_login(citizen)  # type: ignore[arg-type]
    page = client.get(f"/fr/meetings/{workshop.slug}/").content.decode()
    assert f"/fr/meetings/{workshop.slug}/register/" in page

    response = client.post(f"/fr/meetings/{workshop.slug}/register/")
    assert response.status_code == 302
    page = client.get(f"/fr/meetings/{workshop.slug}/").content.decode()
    assert f"/fr/meetings/{workshop.slug}/register/cancel/" in page

    mine = client.get("/fr/meetings/my-registrations/").content.decode()
    assert workshop.slug in mine

    client.post(f"/fr/meetings/{workshop.slug}/register/cancel/")
    assert Registration.objects.get(user=citizen).status == Registration.Status.CANCELLED


def test_waiting_position_is_shown(workshop: Meeting, people: People) -> None:
    for _ in range(3):
        factories.RegistrationFactory(meeting=workshop)
    factories.RegistrationFactory(meeting=workshop, status=Registration.Status.WAITING)
    client = Client()
    client.force_login(people["citizen"])  # type: ignore[arg-type]
    client.post(f"/fr/meetings/{workshop.slug}/register/")
    page = client.get("/en/meetings/" + workshop.slug + "/").content.decode()
    assert "waiting list, in position 2" in page


def test_unpublished_meeting_is_hidden(network: Any) -> None:
    draft = factories.MeetingFactory(network=network, is_published=False)
    assert Client().get(f"/fr/meetings/{draft.slug}/").status_code == 404
    assert Client().get(f"/fr/meetings/{draft.slug}.ics").status_code == 404
    assert Client().get("/fr/meetings/calendar.ics").content.count(b"BEGIN:VEVENT") == 0


def test_my_registrations_query_count(people: People, network: Any) -> None:
    citizen = people["citizen"]
    client = Client()
    client.force_login(citizen)  # type: ignore[arg-type]
    for meeting in _meetings(network, 2):
        factories.RegistrationFactory(meeting=meeting, user=citizen)
    small = count_queries(client, "/fr/meetings/my-registrations/")
    for meeting in _meetings(network, 18):
        factories.RegistrationFactory(meeting=meeting, user=citizen)
    large = count_queries(client, "/fr/meetings/my-registrations/")
    assert large == small


# --- Organisers' lists -----------------------------------------------------------------------


def test_registrations_and_attendance_lists_query_counts(
    workshop: Meeting, past_workshop: Meeting, people: People
) -> None:
    client = Client()
    client.force_login(people["editor_a"])  # type: ignore[arg-type]
    urls = [
        f"/fr/meetings/{workshop.slug}/registrations/",
        f"/fr/meetings/{past_workshop.slug}/attendance/",
        f"/fr/meetings/{workshop.slug}/registrations.csv",
        "/fr/meetings/manage/",
    ]

    def add(count: int) -> None:
        for _ in range(count):
            registration = factories.RegistrationFactory(
                meeting=workshop, organisation=factories.OrganisationFactory()
            )
            AttendanceFactory(meeting=past_workshop, organisation=registration.organisation)
            factories.MeetingFactory(plan=workshop.plan, network=workshop.network)

    add(2)
    small = [_count(client, url) for url in urls]
    add(18)
    large = [_count(client, url) for url in urls]
    assert large == small


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def test_registrations_csv_is_safe_and_complete(workshop: Meeting, people: People) -> None:
    evil = factories.UserFactory(email="evil@example.org", display_name='=HYPERLINK("x")')
    factories.RegistrationFactory(meeting=workshop, user=evil)
    factories.RegistrationFactory(
        meeting=workshop,
        user=factories.UserFactory(display_name="فاطمة الزهراء"),
        status=Registration.Status.WAITING,
    )
    client = Client()
    client.force_login(people["admin_a"])  # type: ignore[arg-type]
    response = client.get(f"/fr/meetings/{workshop.slug}/registrations.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3
    assert rows[1][2] == '\'=HYPERLINK("x")'
    assert rows[2][2] == "فاطمة الزهراء"
    # Registration times in Casablanca time.
    local = timezone.localtime(Registration.objects.get(user=evil).created_at, CASABLANCA)
    assert rows[1][0] == local.strftime("%Y-%m-%d %H:%M")


def test_csv_cell_neutralises_formulas() -> None:
    from infitah.meetings.views_staff import csv_cell

    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_cell(value).startswith("'")
    assert csv_cell("Fatima") == "Fatima"
    assert csv_cell(None) == ""
