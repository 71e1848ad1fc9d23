"""Aggregates (figures, region list, the site's network) cached by public-content version.

Transactional tests: inside a transaction (the default test case) nothing is cached,
so that a rolled-back change can never leave figures under a version number.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from infitah.core.cache import bump_content_version
from infitah.core.selectors import cached_aggregate, cached_aggregates
from infitah.network.models import Membership, Network
from infitah.network.selectors import current_network
from infitah.territories.models import Collectivity
from infitah.territories.selectors import territory_figures
from tests import factories
from tests.core.test_views import site  # noqa: F401 - fixture
from tests.sample_map import bulk_communes, bulk_members

AGGREGATE_SQL = re.compile(r"COUNT\(|GROUP BY", re.IGNORECASE)


@pytest.fixture
def uncached_pages(settings: Any) -> None:
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.mark.django_db(transaction=True)
def test_an_aggregate_is_computed_once_per_content_version() -> None:
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"n": len(calls)}

    assert cached_aggregate("test-figure", compute) == {"n": 1}
    with CaptureQueriesContext(connection) as ctx:
        assert cached_aggregate("test-figure", compute) == {"n": 1}
    assert len(ctx.captured_queries) == 1  # the content version only
    bump_content_version()
    assert cached_aggregate("test-figure", compute) == {"n": 2}
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_aggregates_read_together_cost_one_version_read() -> None:
    first = cached_aggregates({"a": lambda: 1, "b": lambda: 2})
    with CaptureQueriesContext(connection) as ctx:
        again = cached_aggregates({"a": lambda: 10, "b": lambda: 20, "c": lambda: 3})
    assert first == {"a": 1, "b": 2}
    assert again == {"a": 1, "b": 2, "c": 3}
    assert len(ctx.captured_queries) == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_cached_inside_a_transaction() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    with transaction.atomic():
        assert cached_aggregate("in-transaction", compute) == 1
        assert cached_aggregate("in-transaction", compute) == 2
    assert cached_aggregate("in-transaction", compute) == 3
    assert cached_aggregate("in-transaction", compute) == 3


@pytest.mark.django_db(transaction=True)
def test_the_sites_network_is_cached_until_it_changes(network: Network) -> None:
    first = current_network()
    assert first is not None
    reference = Network.objects.get(pk=network.pk)
    for field in Network._meta.concrete_fields:
        assert getattr(first, field.attname) == getattr(reference, field.attname), field.name
    assert first._state.adding is False
    with CaptureQueriesContext(connection) as ctx:
        assert current_network() == network
    assert len(ctx.captured_queries) == 1  # the content version only
    network.name_fr = "Un autre nom"
    network.founded_on = datetime.date(2020, 1, 2)
    network.save()  # bumps the content version
    changed = current_network()
    assert changed is not None
    assert changed.name_fr == "Un autre nom"
    assert changed.founded_on == datetime.date(2020, 1, 2)
    network.delete()
    assert current_network() is None


@pytest.mark.django_db(transaction=True)
def test_figures_follow_the_data(
    site: dict[str, Collectivity],  # noqa: F811
    network: Network,
) -> None:
    figures = territory_figures(network)
    assert figures.members_by_kind == {"region": 2, "province": 1, "commune": 1}
    assert figures.member_total == 4
    # Bulk writes send no signal: like the loaders, they bump the version themselves.
    communes = bulk_communes(site["province"], 3)
    bulk_members(network, communes)
    bump_content_version()
    figures = territory_figures(network)
    assert figures.members_by_kind["commune"] == 4
    assert figures.units_by_kind["commune"] == 4
    by_region = {summary.region.code: summary for summary in figures.region_summaries}
    assert by_region["05"].communes == 4
    assert by_region["05"].members == 5  # the region, Béni Mellal and the three new ones
    Membership.objects.get(collectivity=site["prefecture"]).delete()
    assert territory_figures(network).members_by_kind["province"] == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "url",
    [
        "/fr/",
        "/ar/members/",
        "/fr/territories/",
        "/fr/territories/beni-mellal/",
        "/fr/territories/beni-mellal-province/",
        "/ar/network/",
    ],
)
def test_pages_read_no_aggregate_once_cached(
    client: Client,
    site: dict[str, Collectivity],  # noqa: F811
    uncached_pages: None,
    url: str,
) -> None:
    first = client.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url)
    assert second.content == first.content
    statements = [query["sql"] for query in ctx.captured_queries]
    assert not [sql for sql in statements if AGGREGATE_SQL.search(sql)], statements
    # The rows of the page itself, and the content version (read by the network and by
    # the figures): a constant number, whatever the data.
    assert len(statements) <= 5, statements


@pytest.mark.django_db(transaction=True)
def test_home_figures_change_with_the_members(
    client: Client,
    site: dict[str, Collectivity],  # noqa: F811
    network: Network,
    uncached_pages: None,
) -> None:
    assert client.get("/en/").context["figures"].members_by_kind["commune"] == 1
    factories.MembershipFactory(network=network, collectivity=factories.CommuneFactory())
    assert client.get("/en/").context["figures"].members_by_kind["commune"] == 2
