"""Shared fixtures: personas and a clean cache for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from infitah.accounts.models import CollectivityRole, User
from infitah.network.models import Network
from infitah.territories.models import Collectivity
from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reset_language() -> Iterator[None]:
    """Start every test in the default language (a request leaves its own active)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def network(db: None) -> Network:
    return factories.NetworkFactory()


@pytest.fixture
def commune_a(db: None) -> Collectivity:
    return factories.CommuneFactory(name_fr="Commune A", name_ar="جماعة أ")


@pytest.fixture
def commune_b(db: None) -> Collectivity:
    return factories.CommuneFactory(name_fr="Commune B", name_ar="جماعة ب")


@pytest.fixture
def citizen(db: None) -> User:
    """A signed-up person with no role."""
    return factories.UserFactory(email="citizen@example.org")


@pytest.fixture
def staff_a(commune_a: Collectivity) -> User:
    """Administrator (focal point) of commune A."""
    role = factories.CollectivityRoleFactory(
        collectivity=commune_a,
        role=CollectivityRole.Role.ADMIN,
        user__email="admin-a@example.org",
    )
    return role.user


@pytest.fixture
def coordinator(network: Network) -> User:
    """Network coordinator."""
    return factories.NetworkRoleFactory(network=network, user__email="coordinator@example.org").user
