"""The plans admin: lists scoped to the user's collectivities, state read-only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from infitah.plans.models import ActionPlan, FollowUpCommittee
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_plan(commune_b: object) -> ActionPlan:
    return factories.ActionPlanFactory(collectivity=commune_b, slug="plan-b", title_fr="Plan B")


@pytest.mark.parametrize(
    ("persona", "sees_a", "sees_b"),
    [
        ("admin_a", True, False),
        ("editor_a", True, False),
        ("moderator_a", True, False),
        ("admin_b", False, True),
        ("coordinator", True, True),
    ],
)
def test_plan_list_is_scoped(
    client_for: Callable[[str], Client],
    plan: ActionPlan,
    other_plan: ActionPlan,
    persona: str,
    sees_a: bool,
    sees_b: bool,
) -> None:
    response = client_for(persona).get("/fr/admin/plans/actionplan/")
    assert response.status_code == 200
    shown = {p.slug for p in response.context["cl"].result_list}
    assert ("plan-a" in shown) == sees_a
    assert ("plan-b" in shown) == sees_b


def test_other_collectivity_plan_is_not_reachable(
    client_for: Callable[[str], Client], other_plan: ActionPlan
) -> None:
    response = client_for("admin_a").get(f"/fr/admin/plans/actionplan/{other_plan.pk}/change/")
    assert response.status_code == 302  # unknown object: back to the admin index


def test_state_and_publication_are_read_only(
    client_for: Callable[[str], Client], plan: ActionPlan
) -> None:
    client = client_for("editor_a")
    page = client.get(f"/fr/admin/plans/actionplan/{plan.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "state" not in form.fields
    assert "is_published" not in form.fields  # published through the plan's page
    assert "title_fr" in form.fields


def test_committee_admin_is_scoped(
    client_for: Callable[[str], Client], committee: FollowUpCommittee, other_plan: ActionPlan
) -> None:
    factories.FollowUpCommitteeFactory(plan=other_plan)
    response = client_for("admin_b").get("/fr/admin/plans/followupcommittee/")
    assert response.status_code == 200
    assert [c.plan.slug for c in response.context["cl"].result_list] == ["plan-b"]
    assert client_for("citizen").get("/fr/admin/plans/followupcommittee/").status_code == 302
