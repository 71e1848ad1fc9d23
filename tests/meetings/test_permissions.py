"""Permission matrix: every mutating page and API endpoint × every persona.

Personas (conftest ``PERSONAS``): anonymous, a citizen, a CSO representative, commune
A's administrator, editor, moderator and information officer, commune B's
administrator and a network coordinator. Commune A organises the meetings.

Each case checks the answer and whether the database changed:
- ``ok``: the change is made (a redirect, or a 2xx from the API);
- ``login``: anonymous visitors are sent to the sign-in page (API: 403), nothing changes;
- ``denied``: 403, nothing changes; ``hidden``: 404 (an unpublished meeting the person
  may not see), nothing changes; ``invalid``: the form comes back with an error
  (commune B's administrator may organise meetings, but not for commune A).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from infitah.meetings.models import (
    AgendaItem,
    Attendance,
    BreakoutGroup,
    Meeting,
    MeetingDocument,
    Registration,
)
from infitah.territories.models import Collectivity
from tests import factories
from tests.meetings.conftest import MANAGERS_A, PERSONAS, People
from tests.meetings.factories import AttendanceFactory, MeetingDocumentFactory

pytestmark = pytest.mark.django_db

SEES_DRAFTS_A = MANAGERS_A | {"moderator_a", "officer_a"}


@dataclass
class World:
    workshop: Meeting  # published, next week, registration open
    past: Meeting  # published, held yesterday
    draft: Meeting  # unpublished
    item: AgendaItem
    group: BreakoutGroup
    registration: Registration
    record: Attendance
    document: MeetingDocument
    commune_a: Collectivity


@pytest.fixture
def world(network: Any, commune_a: Collectivity, people: People) -> World:
    factories.MembershipFactory(network=network, collectivity=commune_a)
    plan = factories.ActionPlanFactory(collectivity=commune_a, slug="plan-a")
    workshop = factories.MeetingFactory(
        network=network, plan=plan, slug="workshop", registration_enabled=True, capacity=30
    )
    start = (timezone.now() - datetime.timedelta(days=1)).replace(microsecond=0)
    past = factories.MeetingFactory(
        network=network,
        plan=plan,
        slug="past",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    draft = factories.MeetingFactory(network=network, plan=plan, slug="draft", is_published=False)
    item = factories.AgendaItemFactory(meeting=workshop)
    second = factories.AgendaItemFactory(meeting=workshop)
    group = factories.BreakoutGroupFactory(agenda_item=item)
    factories.BreakoutGroupFactory(agenda_item=item)
    del second
    participant = factories.UserFactory(email="participant@example.org")
    registration = factories.RegistrationFactory(meeting=workshop, user=participant)
    record = AttendanceFactory(meeting=past)
    document = MeetingDocumentFactory(meeting=workshop)
    return World(workshop, past, draft, item, group, registration, record, document, commune_a)


def _client(people: People, persona: str) -> Client:
    client = Client()
    user = people[persona]
    if user is not None:
        client.force_login(user)
    return client


# --- Pages ----------------------------------------------------------------------------------


@dataclass
class PageAction:
    """A POST to a page: its address, data, what it changes, and who may do it."""

    url: Callable[[World], str]
    data: Callable[[World], dict[str, Any]]
    state: Callable[[World], Any]
    allowed: frozenset[str]
    #: Personas that see the meeting but may not act: 403; the others get 404.
    visible: frozenset[str] | None = None  # None: everyone sees it (published)
    #: Personas whose form is refused (200 with errors) instead of a 403.
    invalid: frozenset[str] = frozenset()


def _meeting_form(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "co_creation_workshop",
        "title_fr": "Atelier modifié",
        "format": "in_person",
        "venue_name_fr": "Centre Mghila",
        "city_fr": "Béni Mellal",
        "starts_at": "2030-07-11T10:00",
        "ends_at": "2030-07-11T12:00",
        "waiting_list_enabled": "on",
        "participating_collectivities": "",
        **extra,
    }


def _attendance_form(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Walk-in",
        "category": "association",
        "gender": "female",
        "age_band": "18_24",
        **extra,
    }


MANAGERS = frozenset(MANAGERS_A)
EVERYONE_SIGNED_IN = frozenset(p for p in PERSONAS if p != "anonymous")

PAGE_ACTIONS: dict[str, PageAction] = {
    "meeting-create": PageAction(
        url=lambda w: "/fr/meetings/new/",
        data=lambda w: _meeting_form(w, organiser=str(w.commune_a.pk)),
        state=lambda w: Meeting.objects.count(),
        allowed=MANAGERS,
        invalid=frozenset({"admin_b"}),
    ),
    "meeting-edit": PageAction(
        url=lambda w: f"/fr/meetings/{w.workshop.slug}/edit/",
        data=lambda w: _meeting_form(w),
        state=lambda w: Meeting.objects.get(pk=w.workshop.pk).title_fr,  # type: ignore[attr-defined]
        allowed=MANAGERS,
    ),
    "meeting-publish": PageAction(
        url=lambda w: f"/fr/meetings/{w.draft.slug}/publish/",
        data=lambda w: {},
        state=lambda w: Meeting.objects.get(pk=w.draft.pk).is_published,
        allowed=MANAGERS,
        visible=frozenset(SEES_DRAFTS_A),
    ),
    "meeting-cancel": PageAction(
        url=lambda w: f"/fr/meetings/{w.workshop.slug}/cancel/",
        data=lambda w: {"reason": "Weather"},
        state=lambda w: Meeting.objects.get(pk=w.workshop.pk).is_cancelled,
        allowed=MANAGERS,
    ),
    "agenda-item-create": PageAction(
        url=lambda w: f"/fr/meetings/{w.workshop.slug}/agenda/",
        data=lambda w: {
            "day": "1",
            "start_time": "09:30",
            "end_time": "10:00",
            "kind": "reception",
            "title_fr": "Accueil",
        },
        state=lambda w: AgendaItem.objects.count(),
        allowed=MANAGERS,
    ),
    "agenda-item-create-on-draft": PageAction(
        url=lambda w: f"/fr/meetings/{w.draft.slug}/agenda/",
        data=lambda w: {
            "day": "1",
            "start_time": "09:30",
            "end_time": "10:00",
            "kind": "reception",
            "title_fr": "Accueil",
        },
        state=lambda w: AgendaItem.objects.count(),
        allowed=MANAGERS,
        visible=frozenset(SEES_DRAFTS_A),
    ),
    "agenda-item-edit": PageAction(
        url=lambda w: f"/fr/meetings/{w.workshop.slug}/agenda/{w.item.pk}/",
        data=lambda w: {
            "day": "1",
            "start_time": "10:30",
            "end_time": "10:55",
            "kind": "breakout",
            "title_fr": "Ateliers",
        },
        state=lambda w: AgendaItem.objects.get(pk=w.item.pk).title_fr,  # type: ignore[attr-defined]
        allowed=MANAGERS,
    ),
    "agenda-item-delete": PageAction(
        url=lambda w: f"/fr/meetings/{w.workshop.slug}/agenda/{w.item.pk}/delete/",
        data=lambda w: {},
        state=lambda w: AgendaItem.objects.filter(pk=w.item.pk).exists(),
        allowed=MANAGERS,
    ),
    "agenda-item-move": PageAction(
        url=lambda w: f"/fr/meetings/{w.workshop.slug}/agenda/{w.item.pk}/move/",
        data=lambda w: {"direction": "down"},
        state=lambda w: list(
            AgendaItem.objects.filter(meeting=w.workshop)
            .order_by("day", "start_time", "order", "pk")
            .values_list("pk", flat=True)
        ),
        allowed=MANAGERS,
    ),
    "group-create": PageAction(
        url=lambda w: f"/fr/meetings/{w.workshop.slug}/agenda/{w.item.pk}/groups/new/",
        data=lambda w: {"name_fr": "Groupe 3", "facilitator": "F", "rapporteur": "R"},
        state=lambda w: BreakoutGroup.objects.count(),
        allowed=MANAGERS,
    ),
    "group-edit": PageAction(
        url=lambda w: f"/fr/meetings/{w.workshop.slug}/groups/{w.group.pk}/",
        data=lambda w: {"name_fr": "Groupe 1", "output_fr": "Trois projets."},
        state=lambda w: BreakoutGroup.objects.get(pk=w.group.pk).output_fr,  # type: ignore[attr-defined]
        allowed=MANAGERS,
    ),
    "group-delete": PageAction(
        url=lambda w: f"/fr/meetings/{w.workshop.slug}/groups/{w.group.pk}/delete/",
        data=lambda w: {},
        state=lambda w: BreakoutGroup.objects.filter(pk=w.group.pk).exists(),
        allowed=MANAGERS,
    ),
    "group-move": PageAction(
        url=lambda w: f"/fr/meetings/{w.workshop.slug}/groups/{w.group.pk}/move/",
        data=lambda w: {"direction": "down"},
        state=lambda w: list(
            BreakoutGroup.objects.filter(agenda_item=w.item)
            .order_by("order", "pk")
            .values_list("pk", flat=True)
        ),
        allowed=MANAGERS,
    ),
    "registration-cancel-staff": PageAction(
        url=lambda w: f"/fr/meetings/{w.workshop.slug}/registrations/{w.registration.pk}/cancel/",
        data=lambda w: {},
        state=lambda w: Registration.objects.get(pk=w.registration.pk).status,
        allowed=MANAGERS,
    ),
    "attendance-record": PageAction(
        url=lambda w: f"/fr/meetings/{w.past.slug}/attendance/",
        data=lambda w: _attendance_form(),
        state=lambda w: Attendance.objects.count(),
        allowed=MANAGERS,
    ),
    "attendance-edit": PageAction(
        url=lambda w: f"/fr/meetings/{w.past.slug}/attendance/{w.record.pk}/",
        data=lambda w: _attendance_form(name="Corrected"),
        state=lambda w: Attendance.objects.get(pk=w.record.pk).name,
        allowed=MANAGERS,
    ),
    "attendance-delete": PageAction(
        url=lambda w: f"/fr/meetings/{w.past.slug}/attendance/{w.record.pk}/delete/",
        data=lambda w: {},
        state=lambda w: Attendance.objects.filter(pk=w.record.pk).exists(),
        allowed=MANAGERS,
    ),
    "minutes-save": PageAction(
        url=lambda w: f"/fr/meetings/{w.past.slug}/minutes/",
        data=lambda w: {"form": "minutes", "minutes_fr": "Compte rendu."},
        state=lambda w: Meeting.objects.get(pk=w.past.pk).minutes_fr,  # type: ignore[attr-defined]
        allowed=MANAGERS,
    ),
    "document-add": PageAction(
        url=lambda w: f"/fr/meetings/{w.past.slug}/minutes/",
        data=lambda w: {
            "form": "document",
            "kind": "report",
            "title_fr": "Rapport",
            "url": "https://example.org/rapport.pdf",
            "is_public": "on",
        },
        state=lambda w: MeetingDocument.objects.count(),
        allowed=MANAGERS,
    ),
    "document-delete": PageAction(
        url=lambda w: f"/fr/meetings/{w.workshop.slug}/documents/{w.document.pk}/delete/",
        data=lambda w: {},
        state=lambda w: MeetingDocument.objects.filter(pk=w.document.pk).exists(),
        allowed=MANAGERS,
    ),
    "register": PageAction(
        url=lambda w: f"/fr/meetings/{w.workshop.slug}/register/",
        data=lambda w: {},
        state=lambda w: Registration.objects.count(),
        allowed=EVERYONE_SIGNED_IN,
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(PAGE_ACTIONS))
def test_page_permission_matrix(name: str, persona: str, world: World, people: People) -> None:
    action = PAGE_ACTIONS[name]
    client = _client(people, persona)
    before = action.state(world)

    response = client.post(action.url(world), action.data(world))

    after = action.state(world)
    if persona == "anonymous":
        assert response.status_code == 302, response.status_code
        assert "/accounts/login/" in response["Location"]
        assert after == before
    elif persona in action.allowed:
        assert response.status_code == 302, (response.status_code, _errors(response))
        assert after != before
    elif persona in action.invalid:
        assert response.status_code == 200
        assert after == before
    else:
        visible = action.visible is None or persona in action.visible
        assert response.status_code == (403 if visible else 404)
        assert after == before


def _errors(response: Any) -> Any:
    context = getattr(response, "context", None)
    if context is None:
        return response.content[:500]
    form = context.get("form")
    return form.errors if form is not None else None


@pytest.mark.parametrize("persona", PERSONAS)
def test_own_registration_cancel_is_for_the_participant(
    persona: str, world: World, people: People
) -> None:
    """Everyone cancels only their own registration (the page acts on the caller's)."""
    client = _client(people, persona)
    user = people[persona]
    own = None
    if user is not None:
        own = factories.RegistrationFactory(meeting=world.workshop, user=user)
    response = client.post(f"/fr/meetings/{world.workshop.slug}/register/cancel/")
    assert response.status_code == 302
    # The other participant's registration never moves.
    assert Registration.objects.get(pk=world.registration.pk).status == "confirmed"
    if own is not None:
        assert Registration.objects.get(pk=own.pk).status == "cancelled"


READ_PAGES = {
    "registrations": lambda w: f"/fr/meetings/{w.workshop.slug}/registrations/",
    "registrations-csv": lambda w: f"/fr/meetings/{w.workshop.slug}/registrations.csv",
    "attendance": lambda w: f"/fr/meetings/{w.past.slug}/attendance/",
    "minutes": lambda w: f"/fr/meetings/{w.past.slug}/minutes/",
    "agenda": lambda w: f"/fr/meetings/{w.workshop.slug}/agenda/",
    "edit": lambda w: f"/fr/meetings/{w.workshop.slug}/edit/",
    "draft-detail": lambda w: f"/fr/meetings/{w.draft.slug}/",
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", sorted(READ_PAGES))
def test_staff_pages_are_for_organisers(
    page: str, persona: str, world: World, people: People
) -> None:
    response = _client(people, persona).get(READ_PAGES[page](world))
    if page == "draft-detail":
        expected = 200 if persona in SEES_DRAFTS_A else 404
        assert response.status_code == expected
    elif persona == "anonymous":
        assert response.status_code == 302
    elif persona in MANAGERS_A:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_network_meetings_are_the_coordinators(network: Any, people: People) -> None:
    meeting = factories.MeetingFactory(network=network, plan=None, collectivity=None)
    for persona in ("admin_a", "editor_a", "admin_b"):
        response = _client(people, persona).post(
            f"/fr/meetings/{meeting.slug}/cancel/", {"reason": "x"}
        )
        assert response.status_code == 403
    response = _client(people, "coordinator").post(
        f"/fr/meetings/{meeting.slug}/cancel/", {"reason": "x"}
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).is_cancelled


def test_document_upload_by_organiser(
    world: World, people: People, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = _client(people, "admin_a")
    upload = SimpleUploadedFile("programme.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        f"/fr/meetings/{world.past.slug}/minutes/",
        {
            "form": "document",
            "kind": "report",
            "title_fr": "Programme",
            "file": upload,
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    document = MeetingDocument.objects.get(title_fr="Programme")
    try:
        download = Client().get(f"/fr/meetings/{world.past.slug}/documents/{document.pk}/")
        assert download.status_code == 200
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Disposition"].startswith("attachment;")
        assert b"".join(download.streaming_content) == b"%PDF-1.4 test"  # type: ignore[attr-defined]
    finally:
        document.file.delete(save=False)


def test_document_of_a_forbidden_kind_is_refused(world: World, people: People) -> None:
    client = _client(people, "admin_a")
    upload = SimpleUploadedFile("page.html", b"<script>alert(1)</script>", content_type="text/html")
    response = client.post(
        f"/fr/meetings/{world.past.slug}/minutes/",
        {"form": "document", "kind": "report", "title_fr": "Page", "file": upload},
    )
    assert response.status_code == 200
    assert not MeetingDocument.objects.filter(title_fr="Page").exists()


def test_private_documents_are_for_organisers(world: World, people: People) -> None:
    document = MeetingDocumentFactory(meeting=world.workshop, is_public=False)
    url = f"/fr/meetings/{world.workshop.slug}/documents/{document.pk}/"
    assert Client().get(url).status_code == 404
    assert _client(people, "citizen").get(url).status_code == 404
    response = _client(people, "editor_a").get(url)
    assert response.status_code == 302  # a link document redirects to its address
    public = Client().get(f"/fr/meetings/{world.workshop.slug}/documents/{world.document.pk}/")
    assert public.status_code == 302


# --- API -----------------------------------------------------------------------------------


@dataclass
class ApiAction:
    method: str
    url: Callable[[World], str]
    data: Callable[[World], dict[str, Any]]
    state: Callable[[World], Any]
    allowed: frozenset[str]
    visible: frozenset[str] | None = None
    #: Personas refused with a 400 (a valid request they may not make for that organiser).
    invalid: frozenset[str] = frozenset()


API_ACTIONS: dict[str, ApiAction] = {
    "meeting-create": ApiAction(
        "post",
        lambda w: "/api/v1/manage/meetings/",
        lambda w: {
            "organiser": w.commune_a.code,
            "kind": "training",
            "title_fr": "Formation",
            "format": "online",
            "online_url": "https://meet.example.org/x",
            "starts_at": "2030-03-01T10:00",
            "ends_at": "2030-03-01T12:00",
        },
        lambda w: Meeting.objects.count(),
        MANAGERS,
    ),
    "meeting-update": ApiAction(
        "patch",
        lambda w: f"/api/v1/manage/meetings/{w.workshop.slug}/",
        lambda w: {"title_fr": "Nouveau titre"},
        lambda w: Meeting.objects.get(pk=w.workshop.pk).title_fr,  # type: ignore[attr-defined]
        MANAGERS,
    ),
    "meeting-publish": ApiAction(
        "post",
        lambda w: f"/api/v1/manage/meetings/{w.draft.slug}/publish/",
        lambda w: {},
        lambda w: Meeting.objects.get(pk=w.draft.pk).is_published,
        MANAGERS,
        visible=frozenset(SEES_DRAFTS_A),
    ),
    "meeting-cancel": ApiAction(
        "post",
        lambda w: f"/api/v1/manage/meetings/{w.workshop.slug}/cancel/",
        lambda w: {"reason": "Storm"},
        lambda w: Meeting.objects.get(pk=w.workshop.pk).is_cancelled,
        MANAGERS,
    ),
    "agenda-item-create": ApiAction(
        "post",
        lambda w: "/api/v1/manage/agenda-items/",
        lambda w: {
            "meeting": w.workshop.slug,
            "start_time": "09:30",
            "end_time": "10:00",
            "kind": "reception",
            "title_fr": "Accueil",
        },
        lambda w: AgendaItem.objects.count(),
        MANAGERS,
    ),
    "agenda-item-update": ApiAction(
        "patch",
        lambda w: f"/api/v1/manage/agenda-items/{w.item.pk}/",
        lambda w: {"title_fr": "Ouverture"},
        lambda w: AgendaItem.objects.get(pk=w.item.pk).title_fr,  # type: ignore[attr-defined]
        MANAGERS,
    ),
    "agenda-item-delete": ApiAction(
        "delete",
        lambda w: f"/api/v1/manage/agenda-items/{w.item.pk}/",
        lambda w: {},
        lambda w: AgendaItem.objects.filter(pk=w.item.pk).exists(),
        MANAGERS,
    ),
    "attendance-create": ApiAction(
        "post",
        lambda w: "/api/v1/manage/attendance/",
        lambda w: {"meeting": w.past.slug, **_attendance_form()},
        lambda w: Attendance.objects.count(),
        MANAGERS,
    ),
    "attendance-update": ApiAction(
        "patch",
        lambda w: f"/api/v1/manage/attendance/{w.record.pk}/",
        lambda w: {"gender": "male"},
        lambda w: Attendance.objects.get(pk=w.record.pk).gender,
        MANAGERS,
    ),
    "attendance-delete": ApiAction(
        "delete",
        lambda w: f"/api/v1/manage/attendance/{w.record.pk}/",
        lambda w: {},
        lambda w: Attendance.objects.filter(pk=w.record.pk).exists(),
        MANAGERS,
    ),
    "register": ApiAction(
        "post",
        lambda w: "/api/v1/meeting-registrations/",
        lambda w: {"meeting": w.workshop.slug},
        lambda w: Registration.objects.count(),
        EVERYONE_SIGNED_IN,
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(API_ACTIONS))
def test_api_permission_matrix(name: str, persona: str, world: World, people: People) -> None:
    action = API_ACTIONS[name]
    client = APIClient()
    user = people[persona]
    if user is not None:
        client.force_login(user)
    before = action.state(world)

    response = getattr(client, action.method)(action.url(world), action.data(world), format="json")

    after = action.state(world)
    if persona in action.allowed:
        assert response.status_code in (200, 201, 204), response.content
        assert after != before
        return
    assert after == before
    if persona == "anonymous":
        assert response.status_code == 403
    elif name == "meeting-create" and persona == "admin_b":
        assert response.status_code == 403  # may organise, but not for commune A
    else:
        visible = action.visible is None or persona in action.visible
        assert response.status_code == (403 if visible else 404), response.content
    assert "error" in response.json()


@pytest.mark.parametrize("persona", ["citizen", "admin_b", "moderator_a"])
def test_api_registration_cancel_is_for_the_participant(
    persona: str, world: World, people: People
) -> None:
    client = APIClient()
    client.force_login(people[persona])  # type: ignore[arg-type]
    response = client.post(f"/api/v1/meeting-registrations/{world.registration.pk}/cancel/")
    assert response.status_code == 404  # not among the caller's registrations
    assert Registration.objects.get(pk=world.registration.pk).status == "confirmed"

    participant = APIClient()
    participant.force_login(world.registration.user)
    response = participant.post(f"/api/v1/meeting-registrations/{world.registration.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
