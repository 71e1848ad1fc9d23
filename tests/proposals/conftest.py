"""Fixtures of the proposals tests: commune A's plan in co-creation and the personas."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from infitah.accounts.models import CollectivityRole, Organisation, OrganisationRepresentative, User
from infitah.network.models import Network, Principle
from infitah.plans.models import ActionPlan
from infitah.territories.models import Collectivity
from tests import factories
from tests.proposals.factories import PrincipleFactory

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


@dataclass
class People:
    """The personas: ``people[name]`` is a user, ``None`` for anonymous."""

    users: dict[str, User | None]
    organisation: Organisation

    def __getitem__(self, name: str) -> User | None:
        return self.users[name]


@pytest.fixture
def people(network: Network, commune_a: Collectivity, commune_b: Collectivity) -> People:
    def staff(collectivity: Collectivity, role: str, email: str) -> User:
        return factories.CollectivityRoleFactory(
            collectivity=collectivity, role=role, user__email=email
        ).user

    cso = factories.UserFactory(email="cso@example.org")
    organisation = factories.OrganisationFactory(collectivity=commune_a, name="جمعية الأمل")
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
        },
        organisation,
    )


@pytest.fixture
def principles(network: Network) -> list[Principle]:
    """Two of the network's principles: transparency and participation."""
    return [
        PrincipleFactory(
            network=network, code="transparency", name_ar="الشفافية", name_fr="Transparence"
        ),
        PrincipleFactory(
            network=network, code="participation", name_ar="المشاركة", name_fr="Participation"
        ),
    ]


@pytest.fixture
def plan(network: Network, commune_a: Collectivity) -> ActionPlan:
    """Commune A's published plan, in co-creation (collecting proposals)."""
    return factories.ActionPlanFactory(collectivity=commune_a, slug="plan-a")
