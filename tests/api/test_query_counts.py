"""The number of queries of every API list stays the same as rows grow (10 vs 1,000).

Run with the response cache off (``no_api_cache``): these tests measure the work of a
cache miss. ``test_cache.py`` covers the cached path.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from infitah.network.models import (
    CharterSection,
    CharterVersion,
    Membership,
    Network,
    Partner,
    Principle,
)
from infitah.territories.models import Collectivity
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_api_cache")]

#: count + page (collectivities, members); the filter that names a code adds one lookup.
LIST_QUERIES = 2


def count_queries(api: APIClient, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = api.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


def add_communes(n: int, *, members_of: Network | None = None) -> None:
    """Add ``n`` communes (and their memberships) in two bulk inserts."""
    province = factories.ProvinceFactory()
    start = Collectivity.objects.count()
    communes = Collectivity.objects.bulk_create(
        Collectivity(
            kind=Collectivity.Kind.COMMUNE,
            code=f"99.{start + i:06d}",
            name=f"Commune {start + i}",
            name_ar=f"جماعة {start + i}",
            name_fr=f"Commune {start + i}",
            slug=f"bulk-commune-{start + i}",
            parent=province,
            region=province.region,
            area_type=Collectivity.AreaType.RURAL,
            search_text=f"commune {start + i}",
        )
        for i in range(n)
    )
    if members_of is not None:
        Membership.objects.bulk_create(
            Membership(
                network=members_of,
                collectivity=commune,
                cohort="2024",
                joined_on=datetime.date(2024, 1, 1) if i % 2 else None,
                focal_point_name="Focal" if i % 3 else "",
            )
            for i, commune in enumerate(communes)
        )


def assert_constant(
    api: APIClient,
    url: str,
    grow: Callable[[int], None],
    params: dict[str, str] | None = None,
    ceiling: int = LIST_QUERIES,
) -> None:
    grow(10)
    small = count_queries(api, url, params)
    grow(990)
    large = count_queries(api, url, params)

    assert small == large, f"{url} {params}: {small} queries with 10 rows, {large} with 1,000"
    assert large <= ceiling


@pytest.mark.parametrize(
    ("params", "ceiling"),
    [
        (None, LIST_QUERIES),
        ({"page_size": "200", "lang": "fr"}, LIST_QUERIES),
        ({"kind": "commune", "is_member": "true"}, LIST_QUERIES),
        ({"q": "commune", "ordering": "-name"}, LIST_QUERIES),
        ({"region": "01"}, LIST_QUERIES + 1),
    ],
)
def test_collectivities_list(
    api: APIClient, network: Network, params: dict[str, str] | None, ceiling: int
) -> None:
    factories.RegionFactory(code="01")
    assert_constant(
        api,
        "/api/v1/collectivities/",
        lambda n: add_communes(n, members_of=network),
        params,
        ceiling,
    )


def test_collectivity_detail(api: APIClient, network: Network) -> None:
    add_communes(1, members_of=network)
    code = Collectivity.objects.communes().values_list("code", flat=True).first()

    assert count_queries(api, f"/api/v1/collectivities/{code}/") == 1


@pytest.mark.parametrize(
    ("params", "ceiling"),
    [
        (None, LIST_QUERIES),
        ({"page_size": "200", "lang": "en"}, LIST_QUERIES),
        ({"kind": "commune", "ordering": "-joined_on"}, LIST_QUERIES),
        ({"q": "commune", "ordering": "name"}, LIST_QUERIES),
    ],
)
def test_members_list(
    api: APIClient, network: Network, params: dict[str, str] | None, ceiling: int
) -> None:
    assert_constant(
        api, "/api/v1/members/", lambda n: add_communes(n, members_of=network), params, ceiling
    )


def test_network_list(api: APIClient, network: Network) -> None:
    """count + networks with member counts + principles + partners."""

    def grow(n: int) -> None:
        start = Principle.objects.count()
        Principle.objects.bulk_create(
            Principle(network=network, code=f"p{start + i}", name=f"P{i}") for i in range(n)
        )
        Partner.objects.bulk_create(
            Partner(network=network, code=f"x{start + i}", name=f"X{i}", kind="other")
            for i in range(n)
        )
        add_communes(n, members_of=network)

    assert_constant(api, "/api/v1/network/", grow, ceiling=4)


def test_charter_list(api: APIClient, network: Network) -> None:
    """count + versions (with the in-force subquery) + sections."""

    def grow(n: int) -> None:
        start = CharterVersion.objects.count()
        versions = CharterVersion.objects.bulk_create(
            CharterVersion(
                network=network,
                version=f"{start + i}.0",
                effective_on=datetime.date(2000, 1, 1) + datetime.timedelta(days=start + i),
            )
            for i in range(n)
        )
        CharterSection.objects.bulk_create(
            CharterSection(charter=version, kind="other", order=j, title=f"T{j}", body="B")
            for version in versions
            for j in range(2)
        )

    assert_constant(api, "/api/v1/charter/", grow, ceiling=3)
