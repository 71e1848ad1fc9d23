"""The proposals API: shape, filters, pagination, hidden and unpublished never shown."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from infitah.network.models import Principle
from infitah.plans.models import ActionPlan
from infitah.proposals import services
from infitah.proposals.models import Proposal
from tests import factories
from tests.proposals.conftest import People

pytestmark = pytest.mark.django_db


def _submit(plan: ActionPlan, user: object, title: str, **extra: object) -> Proposal:
    return services.proposal_submit(plan=plan, author=user, title=title, body="نص", **extra)  # type: ignore[arg-type]


def _slugs(response: object) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]  # type: ignore[attr-defined]


def test_list_and_detail_shape(
    plan: ActionPlan, people: People, principles: list[Principle]
) -> None:
    proposal = _submit(
        plan,
        people["cso"],
        "بوابة المعطيات",
        principles=principles,
        organisation=people.organisation,
    )
    services.proposal_support(proposal=proposal, user=people["citizen"])
    services.proposal_answer(
        proposal=proposal, actor=people["admin_a"], status="accepted", answer="مقبول"
    )
    client = APIClient()
    response = client.get("/api/v1/proposals/?lang=ar")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and "next" in body
    row = body["results"][0]
    assert row["slug"] == proposal.slug
    assert row["support_count"] == 1 and row["comment_count"] == 0
    assert row["status"] == "accepted" and row["answer"] == "مقبول"
    assert row["author_name"] == "جمعية الأمل"
    assert [p["code"] for p in row["principles"]] == ["transparency", "participation"]
    assert row["plan"]["slug"] == "plan-a"
    assert row["collectivity"]["code"] == plan.collectivity.code
    assert row["page_url"].endswith(f"/proposals/{proposal.slug}/")
    assert "email" not in str(row) and "cso@example.org" not in str(body)
    detail = client.get(f"/api/v1/proposals/{proposal.slug}/").json()
    assert detail["title"] == "بوابة المعطيات"
    assert detail["comments_url"].endswith(
        f"/api/v1/comments/?target_type=proposals.proposal&target_id={proposal.pk}"
    )


def test_hidden_and_unpublished_never_appear(plan: ActionPlan, people: People) -> None:
    shown = _submit(plan, people["citizen"], "ظاهر")
    hidden = _submit(plan, people["citizen"], "مخفي")
    services.proposal_hide(proposal=hidden, actor=people["admin_a"], reason="سبب")
    other = factories.ActionPlanFactory(
        collectivity=plan.collectivity,
        slug="other",
        start_month=datetime.date(2030, 1, 1),
        end_month=datetime.date(2031, 1, 1),
    )
    in_unpublished = _submit(other, people["citizen"], "خطة غير منشورة")
    ActionPlan.objects.filter(pk=other.pk).update(is_published=False)
    for user in (None, people["admin_a"], people["coordinator"]):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        assert _slugs(client.get("/api/v1/proposals/")) == [shown.slug]
        assert _slugs(client.get("/api/v1/proposals/?q=مخفي")) == []
        for slug in (hidden.slug, in_unpublished.slug):
            assert client.get(f"/api/v1/proposals/{slug}/").status_code == 404


def test_filters_and_errors(plan: ActionPlan, people: People, principles: list[Principle]) -> None:
    first = _submit(plan, people["citizen"], "شفافية الميزانية", principles=principles[:1])
    second = _submit(plan, people["citizen"], "لقاءات تواصلية")
    services.proposal_support(proposal=second, user=people["cso"])
    client = APIClient()
    assert _slugs(client.get("/api/v1/proposals/?principle=transparency")) == [first.slug]
    assert _slugs(client.get("/api/v1/proposals/?ordering=supported")) == [second.slug, first.slug]
    assert _slugs(client.get("/api/v1/proposals/?q=الميزانيه")) == [first.slug]
    assert _slugs(client.get("/api/v1/proposals/?plan=plan-a&status=submitted")) == [
        second.slug,
        first.slug,
    ]
    for query in (
        "status=nope",
        "origin=nope",
        "ordering=nope",
        "plan=nope",
        "principle=nope",
        "collectivity=nope",
        "meeting=nope",
        "page_size=0",
    ):
        response = client.get(f"/api/v1/proposals/?{query}")
        assert response.status_code == 400, query
        assert response.json()["error"]["code"] == "invalid"
    assert client.get("/api/v1/proposals/?page=99").status_code == 404


def test_pages_are_never_unpaginated(plan: ActionPlan, people: People) -> None:
    for number in range(3):
        _submit(plan, people["citizen"], f"مقترح {number}")
    client = APIClient()
    body = client.get("/api/v1/proposals/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    body = client.get("/api/v1/proposals/?page_size=100000").json()
    assert len(body["results"]) == 3


def test_support_answers_state(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"], "مقترح")
    client = APIClient()
    client.force_login(people["cso"])
    url = f"/api/v1/proposals/{proposal.slug}/support/"
    assert client.post(url).json() == {"supported": True, "support_count": 1}
    assert client.post(url).json() == {"supported": True, "support_count": 1}
    assert client.delete(url).json() == {"supported": False, "support_count": 0}


def test_writes_report_service_errors(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"], "مقترح")
    client = APIClient()
    client.force_login(people["admin_a"])
    response = client.post(
        f"/api/v1/proposals/{proposal.slug}/answer/", {"status": "rejected"}, format="json"
    )
    assert response.status_code == 400
    assert "answer" in response.json()["error"]["fields"]
    client.force_login(people["citizen"])
    ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.ADOPTED)
    response = client.post(
        "/api/v1/proposals/", {"plan": "plan-a", "title": "t", "body": "b"}, format="json"
    )
    assert response.status_code == 400
    response = client.post(
        "/api/v1/proposals/",
        {"plan": "plan-a", "title": "t", "body": "b", "principles": ["nope"]},
        format="json",
    )
    assert response.status_code == 400 and "principles" in response.json()["error"]["fields"]


def test_workshop_entry_through_the_api(plan: ActionPlan, people: People) -> None:
    meeting = factories.MeetingFactory(plan=plan)
    group = factories.BreakoutGroupFactory(agenda_item__meeting=meeting)
    client = APIClient()
    client.force_login(people["editor_a"])
    response = client.post(
        "/api/v1/proposals/",
        {
            "plan": "plan-a",
            "title": "من المجموعة",
            "body": "نص",
            "origin": "workshop",
            "meeting": meeting.slug,
            "breakout_group": group.pk,
            "contributor_name": "المجموعة 1",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["meeting"] == meeting.slug
    assert response.json()["author_name"] == "المجموعة 1"
    listed = client.get(f"/api/v1/proposals/?meeting={meeting.slug}").json()
    assert listed["count"] == 1


def test_schema_documents_the_endpoints(db: None) -> None:
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/v1/proposals/", "/api/v1/proposals/{slug}/support/"):
        assert path in text
