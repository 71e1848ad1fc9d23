"""Fixtures of the API tests: a small real-shaped territory and a network."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import translation
from pytest_django import Settings
from rest_framework.test import APIClient

from infitah.accounts.models import User
from infitah.network.models import Membership, Network
from infitah.territories.models import Collectivity
from tests import factories


@dataclass
class Territory:
    """Béni Mellal-Khénifra in miniature: a region, a province, two communes."""

    region: Collectivity
    other_region: Collectivity
    province: Collectivity
    beni_mellal: Collectivity
    rural: Collectivity


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    """Requests activate their language for the thread; don't leak it to other tests."""
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.fixture
def api() -> APIClient:
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def no_api_cache(settings: Settings) -> None:
    """Turn the API's response cache off (query-count tests measure real work)."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def territory(db: None) -> Territory:
    region = factories.RegionFactory(
        code="05",
        name_ar="جهة بني ملال خنيفرة",
        name_fr="Béni Mellal-Khénifra",
        slug="beni-mellal-khenifra",
    )
    other = factories.RegionFactory(code="01", name_ar="جهة طنجة", name_fr="Tanger", slug="tanger")
    province = factories.ProvinceFactory(
        code="05.081",
        parent=region,
        name_ar="إقليم بني ملال",
        name_fr="Province de Béni Mellal",
        slug="province-beni-mellal",
    )
    beni_mellal = factories.CommuneFactory(
        code="05.081.01.01",
        parent=province,
        name_ar="بني ملال",
        name_fr="Béni Mellal",
        name_en="Beni Mellal",
        slug="beni-mellal",
        area_type=Collectivity.AreaType.URBAN,
        population_2024=193_000,
    )
    rural = factories.CommuneFactory(
        code="05.081.03.05",
        parent=province,
        name_ar="فم العنصر",
        name_fr="Foum Oudi",
        slug="foum-oudi",
        area_type=Collectivity.AreaType.RURAL,
        population_2024=12_000,
    )
    return Territory(region, other, province, beni_mellal, rural)


@pytest.fixture
def members(territory: Territory, network: Network) -> list[Membership]:
    """The region (founding, active) and Béni Mellal (date unknown, with a focal point)."""
    return [
        factories.MembershipFactory(
            network=network,
            collectivity=territory.region,
            cohort="founding",
            is_founding_member=True,
            joined_on=datetime.date(2022, 10, 21),
        ),
        factories.MembershipFactory(
            network=network,
            collectivity=territory.beni_mellal,
            cohort="2023",
            joined_on=None,
            focal_point_name="Amina Focal",
            focal_point_email="openness@example.org",
        ),
        factories.MembershipFactory(
            network=network,
            collectivity=territory.other_region,
            status=Membership.Status.WITHDRAWN,
            cohort="founding",
        ),
    ]


@pytest.fixture
def csrf_client(citizen: User) -> Client:
    """A signed-in client that enforces CSRF checks, like a browser."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    return client
