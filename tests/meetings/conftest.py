"""Fixtures of the meetings tests: a plan's workshop and the people of the matrix."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.utils import translation

from infitah.accounts.models import CollectivityRole, OrganisationRepresentative, User
from infitah.meetings.models import Meeting
from infitah.network.models import Network
from infitah.territories.models import Collectivity
from tests import factories

Role = CollectivityRole.Role

#: Every persona of the permission matrix.
PERSONAS = [
    "anonymous",
    "citizen",
    "cso",
    "admin_a",
    "editor_a",
    "moderator_a",
    "officer_a",
    "admin_b",
    "coordinator",
]
#: Who may run commune A's meetings (and network meetings: coordinators only).
MANAGERS_A = {"admin_a", "editor_a", "coordinator"}


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    language = translation.get_language()
    yield
    translation.activate(language)


@dataclass
class People:
    """The personas: ``people[name]`` is a user, ``None`` for anonymous."""

    users: dict[str, User | None]

    def __getitem__(self, name: str) -> User | None:
        return self.users[name]


@pytest.fixture
def people(network: Network, commune_a: Collectivity, commune_b: Collectivity) -> People:
    def staff(collectivity: Collectivity, role: str, email: str) -> User:
        return factories.CollectivityRoleFactory(
            collectivity=collectivity, role=role, user__email=email
        ).user

    cso = factories.UserFactory(email="cso@example.org")
    organisation = factories.OrganisationFactory(collectivity=commune_a)
    OrganisationRepresentative.objects.create(organisation=organisation, user=cso, is_approved=True)
    return People(
        {
            "anonymous": None,
            "citizen": factories.UserFactory(email="citizen@example.org"),
            "cso": cso,
            "admin_a": staff(commune_a, Role.ADMIN, "admin-a@example.org"),
            "editor_a": staff(commune_a, Role.EDITOR, "editor-a@example.org"),
            "moderator_a": staff(commune_a, Role.MODERATOR, "moderator-a@example.org"),
            "officer_a": staff(commune_a, Role.INFORMATION_OFFICER, "officer-a@example.org"),
            "admin_b": staff(commune_b, Role.ADMIN, "admin-b@example.org"),
            "coordinator": factories.NetworkRoleFactory(
                network=network, user__email="coordinator@example.org"
            ).user,
        }
    )


@pytest.fixture
def workshop(network: Network, commune_a: Collectivity) -> Meeting:
    """A published workshop of commune A's plan, next week, registration open, 3 places."""
    plan = factories.ActionPlanFactory(collectivity=commune_a, slug="plan-a")
    return factories.MeetingFactory(
        network=network,
        plan=plan,
        slug="workshop-a",
        registration_enabled=True,
        capacity=3,
    )


@pytest.fixture
def past_workshop(network: Network, commune_a: Collectivity) -> Meeting:
    """A published workshop of commune A held yesterday (attendance can be recorded)."""
    from django.utils import timezone

    plan = factories.ActionPlanFactory(
        collectivity=commune_a,
        slug="plan-a-past",
        start_month=datetime.date(2024, 1, 1),
        end_month=datetime.date(2025, 12, 1),
    )
    start = (timezone.now() - datetime.timedelta(days=1)).replace(microsecond=0)
    return factories.MeetingFactory(
        network=network,
        plan=plan,
        slug="past-workshop-a",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
