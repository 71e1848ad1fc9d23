"""Personas and plans for the plans tests (on top of tests/conftest.py).

Roles of the permission matrix: anonymous, citizen, an approved CSO representative,
each staff role of commune A (the plan's collectivity), the administrator of commune
B, and a network coordinator.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from infitah.accounts.models import CollectivityRole, OrganisationRepresentative, User
from infitah.plans.models import ActionPlan, CommitteeMember, FollowUpCommittee, Phase
from infitah.plans.services import plan_search_text
from infitah.territories.models import Collectivity
from tests import factories

Role = CollectivityRole.Role

#: Every persona of the matrix, in order.
PERSONAS = [
    "anonymous",
    "citizen",
    "cso",
    "admin_a",
    "editor_a",
    "moderator_a",
    "information_officer_a",
    "admin_b",
    "coordinator",
]
#: Who may write a plan's content (plan, phases, committee, members) and publish it.
EDITORS = {"admin_a", "editor_a", "coordinator"}
#: Who may move a plan from one state to another.
TRANSITIONERS = {"admin_a", "coordinator"}
#: Who may see an unpublished plan of commune A.
STAFF_A = {"admin_a", "editor_a", "moderator_a", "information_officer_a", "coordinator"}


def _role(collectivity: Collectivity, role: str, email: str) -> User:
    return factories.CollectivityRoleFactory(
        collectivity=collectivity, role=role, user__email=email
    ).user


def with_search_text(plan: ActionPlan) -> ActionPlan:
    """The factory leaves ``search_text`` empty; the services fill it."""
    plan.search_text = plan_search_text(plan)
    plan.save(update_fields=["search_text"])
    return plan


@pytest.fixture
def people(
    db: None,
    citizen: User,
    staff_a: User,
    coordinator: User,
    commune_a: Collectivity,
    commune_b: Collectivity,
) -> dict[str, User | None]:
    """``{persona: user}`` (``None`` for the anonymous visitor)."""
    cso = factories.UserFactory(email="cso@example.org")
    OrganisationRepresentative.objects.create(
        user=cso,
        organisation=factories.OrganisationFactory(collectivity=commune_a),
        is_approved=True,
    )
    return {
        "anonymous": None,
        "citizen": citizen,
        "cso": cso,
        "admin_a": staff_a,
        "editor_a": _role(commune_a, Role.EDITOR, "editor-a@example.org"),
        "moderator_a": _role(commune_a, Role.MODERATOR, "moderator-a@example.org"),
        "information_officer_a": _role(commune_a, Role.INFORMATION_OFFICER, "info-a@example.org"),
        "admin_b": _role(commune_b, Role.ADMIN, "admin-b@example.org"),
        "coordinator": coordinator,
    }


@pytest.fixture
def client_for(people: dict[str, User | None]) -> Callable[[str], Client]:
    """Return a client signed in as the persona (anonymous: not signed in)."""

    def make(persona: str) -> Client:
        client = Client()
        user = people[persona]
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def plan(commune_a: Collectivity) -> ActionPlan:
    """A published plan of commune A in co-creation, with a co-creation phase."""
    plan = factories.ActionPlanFactory(
        collectivity=commune_a,
        slug="plan-a",
        title_ar="برنامج عمل الانفتاح لجماعة أ",
        title_fr="Programme d'action d'ouverture de la commune A",
        start_month=datetime.date(2024, 1, 1),
        end_month=datetime.date(2026, 12, 1),
        state=ActionPlan.State.CO_CREATION,
    )
    factories.PhaseFactory(
        plan=plan,
        kind=Phase.Kind.CO_CREATION,
        title_fr="Ateliers de co-création",
        title_ar="ورشات الإعداد التشاركي",
        starts_on=datetime.date(2023, 3, 14),
        ends_on=datetime.date(2023, 7, 11),
    )
    return with_search_text(plan)


@pytest.fixture
def draft(commune_a: Collectivity) -> ActionPlan:
    """An unpublished plan of commune A in preparation, without phases."""
    plan = factories.ActionPlanFactory(
        collectivity=commune_a,
        slug="draft-a",
        title_fr="Brouillon",
        title_ar="مسودة",
        start_month=datetime.date(2027, 1, 1),
        end_month=datetime.date(2028, 12, 1),
        state=ActionPlan.State.PREPARATION,
        is_published=False,
    )
    return with_search_text(plan)


@pytest.fixture
def committee(plan: ActionPlan) -> FollowUpCommittee:
    committee = factories.FollowUpCommitteeFactory(
        plan=plan, established_on=datetime.date(2023, 3, 1)
    )
    factories.CommitteeMemberFactory(
        committee=committee,
        person_name="Fatima Zahra",
        side=CommitteeMember.Side.CIVIL_SOCIETY,
        gender=CommitteeMember.Gender.FEMALE,
        role=CommitteeMember.Role.CHAIR,
    )
    factories.CommitteeMemberFactory(
        committee=committee,
        person_name="Ahmed Elu",
        side=CommitteeMember.Side.ELECTED,
        gender=CommitteeMember.Gender.MALE,
    )
    return committee
