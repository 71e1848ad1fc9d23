"""Permission matrix: every mutating page and API endpoint × every persona.

Personas (conftest ``PERSONAS``): anonymous, a citizen, a CSO representative, commune
A's administrator, editor, moderator and information officer, commune B's
administrator and a network coordinator. Commune A's plan collects proposals; the
citizen wrote ``proposal``; ``hidden`` was hidden by a moderator.

Each case checks the answer and whether the database changed:
- ``ok``: the change is made (a redirect from a page, a 2xx from the API);
- ``login``: anonymous visitors are sent to the sign-in page (API: 403), nothing changes;
- ``denied``: 403, nothing changes;
- ``hidden``: 404 (a hidden proposal the person may not see), nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from infitah.plans.models import ActionPlan
from infitah.proposals import services
from infitah.proposals.models import Proposal, Support
from tests.proposals.conftest import PERSONAS, People

pytestmark = pytest.mark.django_db

SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
EDITORS_A = frozenset({"admin_a", "editor_a", "coordinator"})
MODERATORS_A = frozenset({"admin_a", "moderator_a", "coordinator"})
STAFF_A = frozenset({"admin_a", "editor_a", "moderator_a", "officer_a", "coordinator"})


@dataclass
class World:
    plan: ActionPlan
    proposal: Proposal  # the citizen's, submitted
    hidden: Proposal  # the CSO's, hidden by moderation
    people: People


@pytest.fixture
def world(plan: ActionPlan, people: People) -> World:
    proposal = services.proposal_submit(
        plan=plan, author=people["citizen"], title="مقترح المواطن", body="نص"
    )
    hidden = services.proposal_submit(
        plan=plan, author=people["cso"], title="مقترح مخفي", body="نص"
    )
    services.proposal_hide(proposal=hidden, actor=people["moderator_a"], reason="إشهار")
    return World(plan, proposal, hidden, people)


def _state(world: World) -> dict[str, Any]:
    """Everything the actions may change."""
    rows = {
        p.pk: (p.title, p.status, p.is_hidden, p.support_count, p.answer)
        for p in Proposal.objects.order_by("pk")
    }
    return {"proposals": rows, "supports": sorted(Support.objects.values_list("pk", flat=True))}


@dataclass
class Case:
    """A POST to a page or the API: where, with what, and who may do it."""

    url: Callable[[World], str]
    data: dict[str, Any]
    allowed: frozenset[str]
    #: Personas that see the proposal but may not act (403); the others get 404.
    visible: frozenset[str] | None = None  # None: everyone sees it
    method: str = "post"
    setup: Callable[[World], None] | None = None


def _support_all(world: World) -> None:
    for name in SIGNED_IN:
        services.proposal_support(proposal=world.proposal, user=world.people[name])


PAGE_CASES: dict[str, Case] = {
    "submit": Case(
        url=lambda w: f"/ar/proposals/plan/{w.plan.slug}/new/",
        data={"title": "مقترح جديد", "body": "نص المقترح"},
        allowed=SIGNED_IN,
    ),
    "edit": Case(
        url=lambda w: f"/ar/proposals/{w.proposal.slug}/edit/",
        data={"title": "عنوان معدل", "body": "نص معدل"},
        allowed=frozenset({"citizen"}),
    ),
    "withdraw": Case(
        url=lambda w: f"/ar/proposals/{w.proposal.slug}/withdraw/",
        data={},
        allowed=frozenset({"citizen"}),
    ),
    "support": Case(
        url=lambda w: f"/ar/proposals/{w.proposal.slug}/support/",
        data={},
        allowed=SIGNED_IN,
    ),
    "unsupport": Case(
        url=lambda w: f"/ar/proposals/{w.proposal.slug}/unsupport/",
        data={},
        allowed=SIGNED_IN,
        setup=_support_all,
    ),
    "enter": Case(
        url=lambda w: f"/ar/proposals/plan/{w.plan.slug}/enter/",
        data={"origin": "paper", "title": "استمارة ورقية", "body": "نص"},
        allowed=EDITORS_A,
    ),
    "answer": Case(
        url=lambda w: f"/ar/proposals/{w.proposal.slug}/answer/",
        data={"status": "accepted", "answer": "سيدرج في البرنامج"},
        allowed=EDITORS_A,
    ),
    "hide": Case(
        url=lambda w: f"/ar/proposals/{w.proposal.slug}/hide/",
        data={"reason": "معطيات شخصية"},
        allowed=MODERATORS_A,
    ),
    "unhide": Case(
        url=lambda w: f"/ar/proposals/{w.hidden.slug}/unhide/",
        data={},
        allowed=MODERATORS_A,
        visible=STAFF_A | {"cso"},  # the hidden proposal's author sees it too
    ),
}


def _expected(case: Case, persona: str) -> str:
    if persona == "anonymous":
        return "login"
    if persona in case.allowed:
        return "ok"
    if case.visible is not None and persona not in case.visible:
        return "hidden"
    return "denied"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(PAGE_CASES))
def test_pages(world: World, name: str, persona: str) -> None:
    case = PAGE_CASES[name]
    if case.setup is not None:
        case.setup(world)
    client = Client()
    user = world.people[persona]
    if user is not None:
        client.force_login(user)
    before = _state(world)
    response = client.post(case.url(world), case.data)
    expected = _expected(case, persona)
    after = _state(world)
    if expected == "ok":
        assert response.status_code == 302, (response.status_code, response.content[:2000])
        assert "/accounts/login/" not in response["Location"]
        assert after != before
    else:
        assert after == before
        if expected == "login":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif expected == "denied":
            assert response.status_code == 403
        else:
            assert response.status_code == 404


API_CASES: dict[str, Case] = {
    "create": Case(
        url=lambda w: "/api/v1/proposals/",
        data={"plan": "plan-a", "title": "مقترح جديد", "body": "نص"},
        allowed=SIGNED_IN,
    ),
    "create-paper": Case(
        url=lambda w: "/api/v1/proposals/",
        data={"plan": "plan-a", "title": "ورقة", "body": "نص", "origin": "paper"},
        allowed=EDITORS_A,
    ),
    "update": Case(
        url=lambda w: f"/api/v1/proposals/{w.proposal.slug}/",
        data={"title": "عنوان معدل"},
        allowed=frozenset({"citizen"}),
        method="patch",
    ),
    "withdraw": Case(
        url=lambda w: f"/api/v1/proposals/{w.proposal.slug}/withdraw/",
        data={},
        allowed=frozenset({"citizen"}),
    ),
    "support": Case(
        url=lambda w: f"/api/v1/proposals/{w.proposal.slug}/support/",
        data={},
        allowed=SIGNED_IN,
    ),
    "unsupport": Case(
        url=lambda w: f"/api/v1/proposals/{w.proposal.slug}/support/",
        data={},
        allowed=SIGNED_IN,
        method="delete",
        setup=_support_all,
    ),
    "answer": Case(
        url=lambda w: f"/api/v1/proposals/{w.proposal.slug}/answer/",
        data={"status": "rejected", "answer": "خارج اختصاص الجماعة"},
        allowed=EDITORS_A,
    ),
    "hide": Case(
        url=lambda w: f"/api/v1/proposals/{w.proposal.slug}/hide/",
        data={"reason": "إشهار"},
        allowed=MODERATORS_A,
    ),
    "unhide": Case(
        url=lambda w: f"/api/v1/proposals/{w.hidden.slug}/hide/",
        data={},
        allowed=MODERATORS_A,
        method="delete",
        visible=STAFF_A | {"cso"},
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(API_CASES))
def test_api(world: World, name: str, persona: str) -> None:
    case = API_CASES[name]
    if case.setup is not None:
        case.setup(world)
    client = APIClient()
    user = world.people[persona]
    if user is not None:
        client.force_login(user)
    before = _state(world)
    response = getattr(client, case.method)(case.url(world), case.data, format="json")
    expected = _expected(case, persona)
    after = _state(world)
    if expected == "ok":
        assert 200 <= response.status_code < 300, (response.status_code, response.content)
        assert after != before
    else:
        assert after == before
        assert response.status_code == {"login": 403, "denied": 403, "hidden": 404}[expected], (
            response.status_code,
            response.content,
        )
        assert "error" in response.json()
