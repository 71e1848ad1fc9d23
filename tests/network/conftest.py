"""Fixtures of the network tests: the real territories, and the seeded network."""

from __future__ import annotations

import pytest

from infitah.network.models import Network
from infitah.network.services import network_load_seed
from infitah.territories.services import territories_load


@pytest.fixture
def territories(db: None) -> None:
    """Every region, province/prefecture and commune, from the real package files."""
    territories_load()


@pytest.fixture
def seeded_network(territories: None) -> Network:
    """The real network, loaded from the seed."""
    return network_load_seed().network
