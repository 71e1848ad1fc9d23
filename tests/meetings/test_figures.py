"""Attendance figures: aggregates only, one query, disclosure threshold, per plan."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from infitah.meetings import selectors
from infitah.meetings.models import Attendance, Meeting
from tests import factories
from tests.meetings.factories import AttendanceFactory

pytestmark = pytest.mark.django_db

Category, Gender, Age = Attendance.Category, Attendance.Gender, Attendance.AgeBand


def _attend(meeting: Meeting, rows: list[tuple[str, str, str]]) -> None:
    for category, gender, age in rows:
        AttendanceFactory(meeting=meeting, category=category, gender=gender, age_band=age)


ROWS = [
    (Category.ASSOCIATION, Gender.FEMALE, Age.FROM_18_TO_24),
    (Category.ASSOCIATION, Gender.MALE, Age.FROM_35_TO_49),
    (Category.CITIZEN, Gender.FEMALE, Age.FROM_25_TO_34),
    (Category.CONSULTATIVE_BODY, Gender.FEMALE, Age.FROM_50_TO_64),
    (Category.ELECTED, Gender.MALE, Age.FROM_65),
    (Category.STAFF, Gender.NOT_STATED, Age.NOT_STATED),
    (Category.CITIZEN, Gender.FEMALE, Age.UNDER_18),
    (Category.ASSOCIATION, Gender.FEMALE, Age.FROM_25_TO_34),
]


def test_figures_of_a_meeting(past_workshop: Meeting, django_assert_num_queries: Any) -> None:
    _attend(past_workshop, ROWS)
    with django_assert_num_queries(1):
        figures = selectors.attendance_figures(past_workshop)
    assert figures.total == 8
    assert (figures.women, figures.youth, figures.associations) == (5, 4, 3)
    assert (figures.share_women, figures.share_youth, figures.share_associations) == (62, 50, 38)
    by_category = {row.value: row.count for row in figures.by_category}
    assert by_category == {
        "citizen": 2,
        "association": 3,
        "consultative_body": 1,
        "elected": 1,
        "staff": 1,
        "other": 0,
    }
    assert sum(row.count for row in figures.by_age_band) == 8
    assert figures.is_breakdown_public


def test_empty_figures(past_workshop: Meeting) -> None:
    figures = selectors.attendance_figures(past_workshop)
    assert figures.total == 0 and figures.share_women is None


def test_page_shows_figures_but_no_names(past_workshop: Meeting) -> None:
    _attend(past_workshop, ROWS)
    html = Client().get(f"/en/meetings/{past_workshop.slug}/").content.decode()
    assert "62 %" in html and "women" in html
    for record in Attendance.objects.all():
        assert record.name not in html


def test_small_attendance_shows_only_the_total(past_workshop: Meeting, people: Any) -> None:
    _attend(past_workshop, ROWS[:3])
    html = Client().get(f"/en/meetings/{past_workshop.slug}/").content.decode()
    assert "3</span>" in html
    assert "%" not in html.split('id="attendance"')[1].split("</section>")[0]
    # The organisers see the breakdown.
    client = Client()
    client.force_login(people["admin_a"])
    staff_html = client.get(f"/en/meetings/{past_workshop.slug}/").content.decode()
    assert "67 %" in staff_html
    # The API hides the breakdown the same way.
    data = Client().get(f"/api/v1/meetings/{past_workshop.slug}/").json()["attendance"]
    assert data["total"] == 3 and data["share_women"] is None and data["by_gender"] == []


def test_plan_figures_across_meetings(
    network: Any, commune_a: Any, django_assert_num_queries: Any
) -> None:
    plan = factories.ActionPlanFactory(collectivity=commune_a)
    first = factories.MeetingFactory(network=network, plan=plan)
    second = factories.MeetingFactory(network=network, plan=plan)
    hidden = factories.MeetingFactory(network=network, plan=plan, is_published=False)
    cancelled = factories.MeetingFactory(network=network, plan=plan, is_cancelled=True)
    _attend(first, ROWS[:4])
    _attend(second, ROWS[4:])
    _attend(hidden, ROWS)
    _attend(cancelled, ROWS)
    with django_assert_num_queries(1):
        figures = selectors.plan_attendance_figures(plan)
    assert figures.total == 8
    assert figures.meetings == 2
    assert figures.women == 5
