"""The plan page's public read model: cached per content version, meetings limited."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from infitah.accounts.models import User
from infitah.network.models import Network
from infitah.plans.models import ActionPlan
from infitah.territories.models import Collectivity
from tests import factories
from tests.sample_map import count_queries

PAGE = "/fr/plans/plan-a/"


@pytest.fixture
def no_page_cache(settings: Settings) -> None:
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def _plan(commune: Collectivity, *, is_published: bool = True) -> ActionPlan:
    return factories.ActionPlanFactory(
        collectivity=commune,
        slug="plan-a",
        title_fr="Programme A",
        start_month=datetime.date(2024, 1, 1),
        end_month=datetime.date(2026, 12, 1),
        state=ActionPlan.State.CO_CREATION,
        is_published=is_published,
    )


def _meetings(plan: ActionPlan, network: Network, days: range) -> None:
    now = timezone.now()
    for day in days:
        factories.MeetingFactory(
            plan=plan,
            network=network,
            title_fr=f"Réunion {day:+d}",
            starts_at=now + datetime.timedelta(days=day),
            ends_at=now + datetime.timedelta(days=day, hours=2),
        )


@pytest.mark.django_db(transaction=True)
def test_anonymous_page_with_warm_cache_costs_at_most_two_queries(
    no_page_cache: None, commune_a: Collectivity, network: Network
) -> None:
    cache.clear()
    plan = _plan(commune_a)
    committee = factories.FollowUpCommitteeFactory(plan=plan)
    factories.CommitteeMemberFactory(committee=committee)
    factories.PhaseFactory(plan=plan)
    _meetings(plan, network, range(-3, 3))
    client = Client()
    assert client.get(PAGE).status_code == 200  # computes the read model
    assert count_queries(client, PAGE) <= 2
    response = client.get(PAGE)
    assert "Programme A" in response.content.decode()
    # A change bumps the content version: the page shows it at once.
    plan.title_fr = "Programme A modifié"
    plan.save()
    assert "Programme A modifié" in client.get(PAGE).content.decode()


@pytest.mark.django_db(transaction=True)
def test_unpublished_plan_is_404_to_the_public_even_with_a_warm_model(
    no_page_cache: None, commune_a: Collectivity, staff_a: User
) -> None:
    cache.clear()
    _plan(commune_a, is_published=False)
    staff = Client()
    staff.force_login(staff_a)
    assert staff.get(PAGE).status_code == 200  # warms the model
    assert Client().get(PAGE).status_code == 404
    assert Client().get("/fr/plans/no-such-plan/").status_code == 404
    assert Client().get("/fr/plans/bad%20slug!/").status_code == 404


def test_page_lists_the_next_and_latest_meetings_with_a_link_to_all(
    client: Client, no_page_cache: None, commune_a: Collectivity, network: Network
) -> None:
    plan = _plan(commune_a)
    _meetings(plan, network, range(-15, 6))  # 15 past, 6 upcoming
    html = client.get(PAGE).content.decode()
    shown = [day for day in range(-15, 6) if f"Réunion {day:+d}<" in html]
    assert shown == [*range(-10, 0), 0, 1, 2]  # 10 latest past, next 3 (today counts)
    assert "/fr/meetings/?plan=plan-a&amp;when=all" in html
