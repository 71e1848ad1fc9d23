"""The plans API: public reads, staff writes with the pages' permissions, query counts."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import Settings
from rest_framework.test import APIClient

from infitah.accounts.models import User
from infitah.meetings.models import Meeting
from infitah.network.models import Network
from infitah.plans.models import ActionPlan, CommitteeMember, FollowUpCommittee, Phase
from infitah.territories.models import Collectivity
from tests import factories
from tests.plans.conftest import EDITORS, PERSONAS, STAFF_A, TRANSITIONERS

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


@pytest.fixture
def api_for(people: dict[str, User | None]) -> Callable[[str], APIClient]:
    def make(persona: str) -> APIClient:
        client = APIClient()
        user = people[persona]
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def no_cache(settings: Settings) -> None:
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def count(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


# --- Reads ------------------------------------------------------------------------


def test_list_is_public_paginated_and_hides_unpublished(
    plan: ActionPlan, draft: ActionPlan
) -> None:
    response = APIClient().get(f"{BASE}/plans/", {"lang": "ar"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["slug"] == "plan-a"
    assert row["title"] == "برنامج عمل الانفتاح لجماعة أ"
    assert row["title_fr"] == "Programme d'action d'ouverture de la commune A"
    assert row["title_en"] is None
    assert row["collectivity"]["name"] == "جماعة أ"
    assert row["state"] == "co_creation"
    assert row["url"].endswith("/api/v1/plans/plan-a/")
    assert row["web_url"].endswith("/ar/plans/plan-a/")
    assert APIClient().get(f"{BASE}/plans/draft-a/").status_code == 404


def test_staff_of_the_collectivity_see_unpublished_plans(
    api_for: Callable[[str], APIClient], plan: ActionPlan, draft: ActionPlan
) -> None:
    for persona in PERSONAS:
        client = api_for(persona)
        slugs = {r["slug"] for r in client.get(f"{BASE}/plans/").json()["results"]}
        detail = client.get(f"{BASE}/plans/draft-a/").status_code
        if persona in STAFF_A:
            assert slugs == {"plan-a", "draft-a"}, persona
            assert detail == 200
        else:
            assert slugs == {"plan-a"}, persona
            assert detail == 404


def test_list_filters(plan: ActionPlan, db: None) -> None:
    other = factories.ActionPlanFactory(
        slug="other", state=ActionPlan.State.IMPLEMENTATION, title_fr="Autre"
    )
    api = APIClient()

    def slugs(**params: str) -> set[str]:
        response = api.get(f"{BASE}/plans/", params)
        assert response.status_code == 200, response.content
        return {r["slug"] for r in response.json()["results"]}

    assert slugs(state="implementation") == {"other"}
    assert slugs(collectivity=plan.collectivity.code) == {"plan-a"}
    assert slugs(region=other.collectivity.region.code) == {"other"}
    assert slugs(kind="commune") == {"plan-a", "other"}
    assert slugs(q="جماعة أ") == {"plan-a"}
    response = api.get(f"{BASE}/plans/", {"state": "dreaming", "region": "zz"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"state", "region"}


def test_detail_has_phases_transitions_and_committee(
    plan: ActionPlan, committee: FollowUpCommittee, staff_a: User, network: Network
) -> None:
    staff_a.display_name = "Focal Point A"
    staff_a.save()
    plan.transitions.create(
        from_state="preparation", to_state="co_creation", actor=staff_a, reason="Lancement"
    )
    factories.MeetingFactory(
        plan=plan,
        network=network,
        kind=Meeting.Kind.FOLLOW_UP_COMMITTEE,
        starts_at=datetime.datetime(2023, 6, 1, 9, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2023, 6, 1, 11, tzinfo=datetime.UTC),
    )
    body = APIClient().get(f"{BASE}/plans/plan-a/", {"lang": "fr"}).json()
    assert body["title"] == "Programme d'action d'ouverture de la commune A"
    assert [p["kind"] for p in body["phases"]] == ["co_creation"]
    assert body["phases"][0]["status"] in {"upcoming", "current", "done"}
    [change] = body["transitions"]
    assert change == {
        "from_state": "preparation",
        "to_state": "co_creation",
        "at": change["at"],
        "reason": "Lancement",
        "by": "Focal Point A",
    }
    committee_body = body["committee"]
    assert committee_body["name_ar"] == "لجنة التتبع"
    assert committee_body["last_met_on"] == "2023-06-01"
    assert committee_body["next_meeting_due_on"] == "2023-12-01"
    assert committee_body["max_months_between_meetings"] == 6
    assert committee_body["composition"]["women_percent"] == 50
    assert {m["person_name"] for m in committee_body["members"]} == {"Fatima Zahra", "Ahmed Elu"}
    assert "@" not in str(body)  # no e-mail address anywhere


def test_phases_and_members_lists(
    plan: ActionPlan, committee: FollowUpCommittee, draft: ActionPlan
) -> None:
    factories.PhaseFactory(plan=draft)
    api = APIClient()
    phases = api.get(f"{BASE}/plan-phases/").json()
    assert {p["plan"] for p in phases["results"]} == {"plan-a"}
    assert api.get(f"{BASE}/plan-phases/", {"plan": "plan-a"}).json()["count"] == 1
    assert api.get(f"{BASE}/plan-phases/", {"plan": "draft-a"}).status_code == 400
    members = api.get(f"{BASE}/committee-members/", {"plan": "plan-a"}).json()
    assert members["count"] == 2
    assert api.get(f"{BASE}/committee-members/", {"plan": "nope"}).status_code == 400
    assert api.get(f"{BASE}/plans/plan-a/committee/").json()["name_fr"] == "Comité de suivi"


def test_list_query_count_does_not_grow(no_cache: None, db: None) -> None:
    api = APIClient()
    for _ in range(2):
        factories.ActionPlanFactory()
    few = count(api, f"{BASE}/plans/")
    for _ in range(18):
        factories.ActionPlanFactory()
    assert count(api, f"{BASE}/plans/") == few
    assert few <= 3


def test_detail_query_count_does_not_grow(
    no_cache: None, plan: ActionPlan, committee: FollowUpCommittee, staff_a: User
) -> None:
    api = APIClient()

    def add(n: int) -> None:
        for index in range(n):
            factories.PhaseFactory(plan=plan, order=index)
            factories.CommitteeMemberFactory(committee=committee)
            plan.transitions.create(from_state="a", to_state="b", actor=staff_a)

    add(2)
    few = count(api, f"{BASE}/plans/plan-a/")
    add(18)
    assert count(api, f"{BASE}/plans/plan-a/") == few
    assert few <= 7


# --- Writes -------------------------------------------------------------------------


Write = Callable[[APIClient, dict[str, Any]], tuple[int, Callable[[], bool]]]


def w_create(api: APIClient, ctx: dict[str, Any]) -> tuple[int, Callable[[], bool]]:
    response = api.post(
        f"{BASE}/plans/",
        {
            "collectivity": ctx["plan"].collectivity.code,
            "title_fr": "Programme API",
            "start_month": "2030-01",
            "end_month": "2031-12",
        },
        format="json",
    )
    return response.status_code, lambda: ActionPlan.objects.filter(
        title_fr="Programme API"
    ).exists()


def w_update(api: APIClient, ctx: dict[str, Any]) -> tuple[int, Callable[[], bool]]:
    response = api.patch(f"{BASE}/plans/plan-a/", {"title_fr": "Titre API"}, format="json")
    return (
        response.status_code,
        lambda: ActionPlan.objects.get(slug="plan-a").title_fr == "Titre API",
    )


def w_transition(api: APIClient, ctx: dict[str, Any]) -> tuple[int, Callable[[], bool]]:
    response = api.post(
        f"{BASE}/plans/plan-a/transition/", {"to_state": "consultation"}, format="json"
    )
    return (
        response.status_code,
        lambda: ActionPlan.objects.get(slug="plan-a").state == "consultation",
    )


def w_publish(api: APIClient, ctx: dict[str, Any]) -> tuple[int, Callable[[], bool]]:
    response = api.post(f"{BASE}/plans/draft-a/publish/")
    return response.status_code, lambda: ActionPlan.objects.get(slug="draft-a").is_published


def w_committee(api: APIClient, ctx: dict[str, Any]) -> tuple[int, Callable[[], bool]]:
    response = api.patch(
        f"{BASE}/plans/plan-a/committee/", {"established_on": "2023-04-01"}, format="json"
    )
    return (
        response.status_code,
        lambda: (
            FollowUpCommittee.objects.get(plan__slug="plan-a").established_on
            == datetime.date(2023, 4, 1)
        ),
    )


def w_phase_create(api: APIClient, ctx: dict[str, Any]) -> tuple[int, Callable[[], bool]]:
    response = api.post(
        f"{BASE}/plan-phases/",
        {
            "plan": "plan-a",
            "kind": "training",
            "starts_on": "2023-02-22",
            "title_fr": "Formation API",
        },
        format="json",
    )
    return response.status_code, lambda: Phase.objects.filter(title_fr="Formation API").exists()


def w_phase_update(api: APIClient, ctx: dict[str, Any]) -> tuple[int, Callable[[], bool]]:
    phase = ctx["phase"]
    response = api.patch(f"{BASE}/plan-phases/{phase.pk}/", {"title_fr": "Changée"}, format="json")
    return response.status_code, lambda: Phase.objects.get(pk=phase.pk).title_fr == "Changée"


def w_phase_delete(api: APIClient, ctx: dict[str, Any]) -> tuple[int, Callable[[], bool]]:
    phase = ctx["phase"]
    response = api.delete(f"{BASE}/plan-phases/{phase.pk}/")
    return response.status_code, lambda: not Phase.objects.filter(pk=phase.pk).exists()


def w_member_create(api: APIClient, ctx: dict[str, Any]) -> tuple[int, Callable[[], bool]]:
    response = api.post(
        f"{BASE}/committee-members/",
        {"plan": "plan-a", "person_name": "Nadia API", "side": "civil_society", "gender": "female"},
        format="json",
    )
    return response.status_code, lambda: CommitteeMember.objects.filter(
        person_name="Nadia API"
    ).exists()


def w_member_update(api: APIClient, ctx: dict[str, Any]) -> tuple[int, Callable[[], bool]]:
    member = ctx["member"]
    response = api.patch(
        f"{BASE}/committee-members/{member.pk}/", {"role": "rapporteur"}, format="json"
    )
    return (
        response.status_code,
        lambda: CommitteeMember.objects.get(pk=member.pk).role == "rapporteur",
    )


def w_member_delete(api: APIClient, ctx: dict[str, Any]) -> tuple[int, Callable[[], bool]]:
    member = ctx["member"]
    response = api.delete(f"{BASE}/committee-members/{member.pk}/")
    return response.status_code, lambda: not CommitteeMember.objects.filter(pk=member.pk).exists()


# name -> (write, who may, success status, on an unpublished plan)
WRITES: dict[str, tuple[Write, set[str], int, bool]] = {
    "create": (w_create, EDITORS, 201, False),
    "update": (w_update, EDITORS, 200, False),
    "transition": (w_transition, TRANSITIONERS, 200, False),
    "publish": (w_publish, EDITORS, 200, True),
    "committee": (w_committee, EDITORS, 200, False),
    "phase_create": (w_phase_create, EDITORS, 201, False),
    "phase_update": (w_phase_update, EDITORS, 200, False),
    "phase_delete": (w_phase_delete, EDITORS, 204, False),
    "member_create": (w_member_create, EDITORS, 201, False),
    "member_update": (w_member_update, EDITORS, 200, False),
    "member_delete": (w_member_delete, EDITORS, 204, False),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(WRITES))
def test_write_permission_matrix(
    api_for: Callable[[str], APIClient],
    plan: ActionPlan,
    draft: ActionPlan,
    committee: FollowUpCommittee,
    persona: str,
    name: str,
) -> None:
    write, allowed, success, unpublished = WRITES[name]
    ctx = {
        "plan": plan,
        "phase": factories.PhaseFactory(plan=plan, kind=Phase.Kind.TRAINING),
        "member": committee.members.order_by("pk").first(),
    }
    status, changed = write(api_for(persona), ctx)
    if persona in allowed:
        assert status == success
        assert changed()
    else:
        if persona == "anonymous":
            expected = 403
        elif unpublished and persona not in STAFF_A:
            expected = 404
        else:
            expected = 403
        assert status == expected
        assert not changed()


def test_write_errors_use_the_error_body(
    api_for: Callable[[str], APIClient], plan: ActionPlan
) -> None:
    api = api_for("admin_a")
    response = api.post(f"{BASE}/plans/plan-a/transition/", {"to_state": "closed"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "to_state" in error["fields"]
    response = api.post(
        f"{BASE}/plans/plan-a/transition/", {"to_state": "preparation"}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    response = api.post(f"{BASE}/plans/", {"title_fr": "x"}, format="json")
    assert response.status_code == 400
    assert "collectivity" in response.json()["error"]["fields"]
    response = api.post(
        f"{BASE}/plans/",
        {"collectivity": plan.collectivity.code, "start_month": "not a month"},
        format="json",
    )
    assert response.status_code == 400
    assert "start_month" in response.json()["error"]["fields"]
    response = api_for("citizen").patch(f"{BASE}/plans/plan-a/", {"title_fr": "x"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    response = APIClient().post(f"{BASE}/plans/plan-a/transition/", {"to_state": "consultation"})
    assert response.json()["error"]["code"] == "not_authenticated"


def test_adoption_through_the_api(api_for: Callable[[str], APIClient], plan: ActionPlan) -> None:
    ActionPlan.objects.filter(pk=plan.pk).update(state="consultation")
    response = api_for("admin_a").post(
        f"{BASE}/plans/plan-a/transition/",
        {"to_state": "adopted", "adopted_on": "2023-10-05", "reason": "Session d'octobre 2023"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "adopted" and body["adopted_on"] == "2023-10-05"
    assert body["transitions"][-1]["reason"] == "Session d'octobre 2023"


def test_committee_setup_through_the_api(
    api_for: Callable[[str], APIClient], plan: ActionPlan
) -> None:
    api = api_for("editor_a")
    assert api.get(f"{BASE}/plans/plan-a/committee/").status_code == 404
    response = api.put(
        f"{BASE}/plans/plan-a/committee/",
        {"name_ar": "لجنة التتبع", "established_on": "2023-03-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["is_overdue"] in (True, False)
    response = api.post(
        f"{BASE}/committee-members/",
        {"plan": "plan-a", "person_name": "Salma", "side": "consultative_body"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["plan"] == "plan-a"


def test_member_needs_a_committee(api_for: Callable[[str], APIClient], plan: ActionPlan) -> None:
    response = api_for("admin_a").post(
        f"{BASE}/committee-members/",
        {"plan": "plan-a", "person_name": "X", "side": "other"},
        format="json",
    )
    assert response.status_code == 400
    assert "plan" in response.json()["error"]["fields"]


def test_schema_documents_the_plans_endpoints(db: None) -> None:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/plans/{slug}/transition/" in paths
    assert "/api/v1/plan-phases/{id}/" in paths
    assert "/api/v1/committee-members/" in paths


def test_collectivity_fixture_has_a_code(commune_a: Collectivity) -> None:
    assert commune_a.code
