"""Fixtures of the reference-data tests: real territories, the network seed, the plan data."""

from __future__ import annotations

import pytest

from infitah.network.models import Network
from infitah.network.services import network_load_seed
from infitah.plans.reference_data import ReferenceDataReport, plan_reference_data_load
from infitah.territories.services import territories_load


@pytest.fixture
def seeded_network(db: None) -> Network:
    """Every real collectivity (well under a second) and the real network."""
    territories_load()
    return network_load_seed().network


@pytest.fixture
def loaded(seeded_network: Network) -> ReferenceDataReport:
    """The Béni Mellal 2023 process, loaded once."""
    return plan_reference_data_load()
