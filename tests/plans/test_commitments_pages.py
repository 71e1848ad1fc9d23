"""Commitment pages: public page, plan page section, staff forms × personas, query counts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django import Settings

from infitah.plans.models import ActionPlan, Commitment, Milestone, ProgressUpdate
from tests.plans.commitment_factories import CommitmentFactory, MilestoneFactory
from tests.plans.conftest import EDITORS, PERSONAS, TRANSITIONERS
from tests.sample_map import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_page_cache(settings: Settings) -> None:
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def commitment(plan: ActionPlan) -> Commitment:
    commitment = CommitmentFactory(plan=plan, reference="C-2024-01", title_fr="Budget ouvert")
    MilestoneFactory(
        commitment=commitment, weight=30, status="completed", completed_on="2024-02-01"
    )
    MilestoneFactory(commitment=commitment, weight=70, due_on="2024-03-01", title_fr="Portail")
    return commitment


def test_commitment_page_public(client: Client, commitment: Commitment) -> None:
    response = client.get("/fr/plans/plan-a/commitments/C-2024-01/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Budget ouvert" in html
    assert 'value="30"' in html
    assert "milestone--late" in html  # the portal milestone is past due
    assert "style=" not in html


def test_unpublished_commitment_hidden_from_public(
    client_for: Callable[[str], Client], commitment: Commitment
) -> None:
    Commitment.objects.filter(pk=commitment.pk).update(is_published=False)
    url = "/fr/plans/plan-a/commitments/C-2024-01/"
    assert client_for("anonymous").get(url).status_code == 404
    assert client_for("citizen").get(url).status_code == 404
    assert client_for("moderator_a").get(url).status_code == 200
    assert client_for("admin_b").get(url).status_code == 404


def test_plan_page_shows_commitments(client: Client, commitment: Commitment) -> None:
    html = client.get("/fr/plans/plan-a/").content.decode()
    assert 'id="commitments"' in html
    assert "Budget ouvert" in html
    assert 'max="100" value="30"' in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_add_commitment_matrix(
    client_for: Callable[[str], Client], plan: ActionPlan, persona: str
) -> None:
    response = client_for(persona).post(
        "/fr/plans/plan-a/commitments/new/", {"title_fr": "Nouvel engagement", "order": 0}
    )
    created = Commitment.objects.filter(title_fr="Nouvel engagement").exists()
    if persona in EDITORS:
        assert response.status_code == 302
        assert created
    else:
        assert response.status_code in (302, 403) and not created
        if persona != "anonymous":
            assert response.status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_milestone_matrix(
    client_for: Callable[[str], Client], commitment: Commitment, persona: str
) -> None:
    client = client_for(persona)
    response = client.post(
        "/fr/plans/plan-a/commitments/C-2024-01/milestones/new/",
        {"title_fr": "Nouveau jalon", "weight": 5, "order": 0},
    )
    created = Milestone.objects.filter(title_fr="Nouveau jalon").exists()
    assert created == (persona in EDITORS)
    if persona not in EDITORS and persona != "anonymous":
        assert response.status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_progress_update_matrix(
    client_for: Callable[[str], Client], commitment: Commitment, persona: str
) -> None:
    ActionPlan.objects.filter(pk=commitment.plan_id).update(state="implementation")
    response = client_for(persona).post(
        "/fr/plans/plan-a/commitments/C-2024-01/updates/new/", {"text": "Mise en ligne"}
    )
    created = ProgressUpdate.objects.exists()
    assert created == (persona in EDITORS)
    if persona not in EDITORS and persona != "anonymous":
        assert response.status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_adoption_matrix(
    client_for: Callable[[str], Client], plan: ActionPlan, persona: str
) -> None:
    ActionPlan.objects.filter(pk=plan.pk).update(state="consultation")
    response = client_for(persona).post(
        "/fr/plans/plan-a/adoption/",
        {
            "session_kind": "ordinary",
            "session_month": "2024-10",
            "adopted_on": "2024-10-07",
            "deliberation_number": "45/2024",
            "votes_for": 20,
            "votes_against": 2,
            "abstentions": 0,
        },
    )
    plan.refresh_from_db()
    assert (plan.state == "adopted") == (persona in TRANSITIONERS)
    if persona not in TRANSITIONERS and persona != "anonymous":
        assert response.status_code == 403


def test_frozen_plan_form_reshows_error(
    client_for: Callable[[str], Client], commitment: Commitment
) -> None:
    ActionPlan.objects.filter(pk=commitment.plan_id).update(state="adopted")
    response = client_for("admin_a").post(
        "/fr/plans/plan-a/commitments/C-2024-01/edit/", {"title_fr": "Changé", "order": 0}
    )
    assert response.status_code == 200
    assert "adopté" in response.content.decode() or "adopted" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.title_fr == "Budget ouvert"


def _add(plan: ActionPlan, count: int) -> None:
    for _index in range(count):
        commitment = CommitmentFactory(plan=plan)
        for step in range(6):
            MilestoneFactory(commitment=commitment, due_on=f"2024-0{step + 1}-01")


def test_plan_page_query_count_constant(
    client: Client, no_page_cache: None, plan: ActionPlan, people: dict[str, object]
) -> None:
    _add(plan, 10)
    few = count_queries(client, "/fr/plans/plan-a/")
    _add(plan, 50)
    many = count_queries(client, "/fr/plans/plan-a/")
    assert few == many
    staff = Client()
    staff.force_login(people["admin_a"])  # type: ignore[arg-type]
    staff_many = count_queries(staff, "/fr/plans/plan-a/")
    _add(plan, 5)
    assert count_queries(staff, "/fr/plans/plan-a/") == staff_many


def test_commitment_page_query_count_constant(
    client: Client, no_page_cache: None, commitment: Commitment
) -> None:
    few = count_queries(client, "/fr/plans/plan-a/commitments/C-2024-01/")
    for _index in range(10):
        MilestoneFactory(commitment=commitment)
        ProgressUpdate.objects.create(commitment=commitment, text="x")
    assert count_queries(client, "/fr/plans/plan-a/commitments/C-2024-01/") == few
