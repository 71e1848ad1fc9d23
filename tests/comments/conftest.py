"""Fixtures of the comments tests: a registered test target (an action plan), the
personas of the permission matrix and a comment factory.

``plans.ActionPlan`` is registered as a commentable model here only (product code
registers proposals): commune A's published plan in co-creation is open for comments.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import translation

from infitah.accounts.models import CollectivityRole, OrganisationRepresentative, User
from infitah.comments import registry
from infitah.network.models import Network
from infitah.plans.models import ActionPlan
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
#: Who moderates the comments of commune A's items.
MODERATORS_A = frozenset({"admin_a", "moderator_a", "coordinator"})
#: Everyone signed in (may comment, reply, report).
SIGNED_IN = frozenset(p for p in PERSONAS if p != "anonymous")

OPEN_STATES = {ActionPlan.State.CO_CREATION, ActionPlan.State.CONSULTATION}


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    language = translation.get_language()
    yield
    translation.activate(language)


@dataclass
class ChangeLog:
    """The targets ``on_change`` was called with, in order."""

    calls: list[Any] = field(default_factory=list)

    def __call__(self, target: Any) -> None:
        self.calls.append(target)


@pytest.fixture
def changes() -> Iterator[ChangeLog]:
    """Register ``plans.ActionPlan`` as a comment target for the test; unregister after.

    Open for comments in co-creation and consultation; public when published; the
    collectivity is the plan's; ``on_change`` calls are recorded in the returned log.
    """
    log = ChangeLog()
    registry.register_target(
        ActionPlan,
        collectivity_of=lambda plan: plan.collectivity,
        is_open_for_comments=lambda plan: plan.state in OPEN_STATES,
        is_public=lambda plan: plan.is_published,
        on_change=log,
    )
    yield log
    registry.unregister_target(ActionPlan)


@pytest.fixture
def plan(changes: ChangeLog, commune_a: Collectivity) -> ActionPlan:
    """Commune A's published plan in co-creation (open for comments)."""
    return factories.ActionPlanFactory(collectivity=commune_a, slug="plan-a")


@pytest.fixture
def other_plan(changes: ChangeLog, commune_b: Collectivity) -> ActionPlan:
    """Commune B's published plan in co-creation."""
    return factories.ActionPlanFactory(collectivity=commune_b, slug="plan-b")


@dataclass
class People:
    """The personas: ``people[name]`` is a user, ``None`` for anonymous."""

    users: dict[str, User | None]
    organisation: Any = None

    def __getitem__(self, name: str) -> User | None:
        return self.users[name]


@pytest.fixture
def people(network: Network, commune_a: Collectivity, commune_b: Collectivity) -> People:
    def staff(collectivity: Collectivity, role: str, email: str) -> User:
        return factories.CollectivityRoleFactory(
            collectivity=collectivity, role=role, user__email=email
        ).user

    cso = factories.UserFactory(email="cso@example.org", display_name="CSO person")
    organisation = factories.OrganisationFactory(
        collectivity=commune_a, name_fr="Association Amal", name_ar="جمعية أمل", slug="amal"
    )
    OrganisationRepresentative.objects.create(organisation=organisation, user=cso, is_approved=True)
    return People(
        {
            "anonymous": None,
            "citizen": factories.UserFactory(email="citizen@example.org", display_name="Citizen"),
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
        organisation=organisation,
    )
