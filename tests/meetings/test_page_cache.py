"""The meeting page reads its public data from one read model cached per content version.

Transactional tests: inside a transaction nothing is cached (see tests/core/test_aggregates.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from infitah.meetings.models import AgendaItem
from tests import factories
from tests.meetings.factories import AttendanceFactory
from tests.sample_map import count_queries


@pytest.fixture
def uncached_pages(settings: Any) -> None:
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def _meeting(network: Any) -> Any:
    meeting = factories.MeetingFactory(network=network, registration_enabled=True, capacity=9)
    item = factories.AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.BREAKOUT)
    factories.BreakoutGroupFactory(agenda_item=item, output="Ideas")
    meeting.participating_collectivities.add(factories.CommuneFactory())
    AttendanceFactory(meeting=meeting)
    return meeting


@pytest.mark.django_db(transaction=True)
def test_anonymous_view_with_a_warm_cache_runs_at_most_two_queries(
    network: Any, uncached_pages: None
) -> None:
    cache.clear()
    meeting = _meeting(network)
    url = f"/ar/meetings/{meeting.slug}/"
    count_queries(Client(), url)  # warms the read model
    assert count_queries(Client(), url) <= 2


@pytest.mark.django_db(transaction=True)
def test_a_change_is_seen_at_once(network: Any, uncached_pages: None) -> None:
    cache.clear()
    meeting = _meeting(network)
    url = f"/fr/meetings/{meeting.slug}/"
    Client().get(url)
    meeting.title_fr = "Atelier renommé"
    meeting.save()
    assert "Atelier renommé" in Client().get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_unpublished_meeting_stays_hidden_with_a_warm_cache(
    network: Any, commune_a: Any, staff_a: Any, uncached_pages: None
) -> None:
    cache.clear()
    meeting = factories.MeetingFactory(network=network, collectivity=commune_a, is_published=False)
    url = f"/fr/meetings/{meeting.slug}/"
    staff = Client()
    staff.force_login(staff_a)
    assert staff.get(url).status_code == 200  # warms the read model
    assert Client().get(url).status_code == 404
    citizen = Client()
    citizen.force_login(factories.UserFactory())
    assert citizen.get(url).status_code == 404
    assert staff.get(url).status_code == 200
