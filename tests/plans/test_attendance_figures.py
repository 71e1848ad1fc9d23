"""The plan page's attendance figures: totals always, shares only from the threshold."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from pytest_django import Settings

from infitah.meetings.models import Attendance, Meeting
from infitah.meetings.selectors import MIN_ATTENDANCE_FOR_BREAKDOWN
from infitah.network.models import Network
from infitah.plans.models import ActionPlan
from tests import factories
from tests.sample_map import count_queries

pytestmark = pytest.mark.django_db

PAGE = "/fr/plans/plan-a/"
PAST = datetime.datetime(2023, 5, 10, 9, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def no_page_cache(settings: Settings) -> None:
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def _meeting(plan: ActionPlan, network: Network, **extra: object) -> Meeting:
    return factories.MeetingFactory(
        plan=plan,
        network=network,
        starts_at=PAST,
        ends_at=PAST + datetime.timedelta(hours=2),
        **extra,
    )


def _attend(meeting: Meeting, count: int, **values: str) -> None:
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting,
                name=f"Personne {meeting.pk}-{index}",
                category=values.get("category", Attendance.Category.CITIZEN),
                gender=values.get("gender", Attendance.Gender.MALE),
                age_band=values.get("age_band", Attendance.AgeBand.FROM_50_TO_64),
            )
            for index in range(count)
        ]
    )


def test_no_figures_without_attendance(client: Client, plan: ActionPlan) -> None:
    html = client.get(PAGE).content.decode()
    assert "plan-attendance" not in html


def test_a_small_total_is_shown_without_shares(
    client: Client, plan: ActionPlan, network: Network
) -> None:
    _attend(_meeting(plan, network), MIN_ATTENDANCE_FOR_BREAKDOWN - 1, gender="female")
    _attend(_meeting(plan, network, is_published=False), 10)  # not counted
    _attend(_meeting(plan, network, is_cancelled=True), 10)  # not counted
    response = client.get(PAGE)
    figures = response.context["attendance"]
    assert figures["total"] == MIN_ATTENDANCE_FOR_BREAKDOWN - 1
    assert not figures["is_breakdown_public"]
    html = response.content.decode()
    assert "plan-attendance" in html
    assert " %" not in html.split("plan-attendance", 1)[1].split("</ul>", 1)[0]
    assert "Personne" not in html  # never a name


def test_shares_of_women_youth_and_associations(
    client: Client, plan: ActionPlan, network: Network
) -> None:
    first, second = _meeting(plan, network), _meeting(plan, network)
    _attend(first, 3, gender="female", age_band="18_24", category="association")
    _attend(second, 3, gender="female")
    _attend(second, 4)
    response = client.get(PAGE)
    figures = response.context["attendance"]
    assert (figures["total"], figures["meetings"]) == (10, 2)
    shares = (figures["share_women"], figures["share_youth"], figures["share_associations"])
    assert shares == (60, 30, 30)
    block = response.content.decode().split("plan-attendance", 1)[1].split("</ul>", 1)[0]
    for text in (">10<", "2 réunions", "60 %", "30 %"):
        assert text in block, text
    assert "Personne" not in response.content.decode()


def test_query_count_does_not_grow_with_meetings_or_attendance(
    client: Client, plan: ActionPlan, network: Network
) -> None:
    for _index in range(2):
        _attend(_meeting(plan, network), 3)
    few = count_queries(client, PAGE)
    for _index in range(18):
        _attend(_meeting(plan, network), 30)
    assert count_queries(client, PAGE) == few
