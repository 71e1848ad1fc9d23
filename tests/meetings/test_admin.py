"""The admin of meetings: scoped to the user's collectivities; registrations read-only."""

from __future__ import annotations

import pytest
from django.test import Client

from infitah.meetings.models import Meeting
from tests import factories
from tests.meetings.conftest import People
from tests.meetings.factories import AttendanceFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/fr/admin/meetings/meeting/",
    "/fr/admin/meetings/agendaitem/",
    "/fr/admin/meetings/registration/",
    "/fr/admin/meetings/attendance/",
]


def test_lists_are_scoped(workshop: Meeting, past_workshop: Meeting, people: People) -> None:
    factories.RegistrationFactory(meeting=workshop)
    AttendanceFactory(meeting=past_workshop, name="Visible to A")
    other = factories.MeetingFactory(network=workshop.network, title_fr="Réunion de B")
    network_meeting = factories.MeetingFactory(
        network=workshop.network, plan=None, collectivity=None, title_fr="Formation réseau"
    )
    client = Client()
    client.force_login(people["editor_a"])  # type: ignore[arg-type]
    for page in PAGES:
        assert client.get(page).status_code == 200, page
    html = client.get(PAGES[0]).content.decode()
    assert workshop.slug in html or str(workshop.pk) in html
    assert "Réunion de B" not in html and "Formation réseau" not in html
    assert client.get(f"/fr/admin/meetings/meeting/{other.pk}/change/").status_code == 302
    assert client.get(f"/fr/admin/meetings/meeting/{workshop.pk}/change/").status_code == 200

    coordinator = Client()
    coordinator.force_login(people["coordinator"])  # type: ignore[arg-type]
    html = coordinator.get(PAGES[0]).content.decode()
    assert "Formation réseau" in html
    page = coordinator.get(f"/fr/admin/meetings/meeting/{network_meeting.pk}/change/")
    assert page.status_code == 200
    assert coordinator.get("/fr/admin/meetings/registration/add/").status_code == 403


def test_moderator_sees_meetings_but_not_attendance(workshop: Meeting, people: People) -> None:
    client = Client()
    client.force_login(people["moderator_a"])  # type: ignore[arg-type]
    assert client.get(PAGES[0]).status_code == 200
    assert client.get(PAGES[3]).status_code == 403
