"""Permission matrix: every mutating page and API endpoint × every persona.

Personas (conftest ``PERSONAS``): anonymous, a citizen, a CSO representative, commune
A's administrator, editor, moderator and information officer, commune B's
administrator and a network coordinator. The commented object is commune A's plan.

Each case checks the answer and whether the database changed:
- allowed: the change is made (pages: a redirect; API: 2xx);
- anonymous: sent to the sign-in page (API: 403), nothing changes;
- others: 403, or 404 where they may not even see the comment (a hidden one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from rest_framework.test import APIClient

from infitah.accounts.models import User
from infitah.comments import services
from infitah.comments.models import Comment, CommentReport
from infitah.plans.models import ActionPlan
from tests import factories
from tests.comments.conftest import MODERATORS_A, PERSONAS, SIGNED_IN, People
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db

NOBODY: frozenset[str] = frozenset()


@dataclass
class World:
    plan: ActionPlan
    comment: Comment  # visible, by someone outside the matrix, reported by them too
    hidden: Comment  # hidden by a moderator
    report: CommentReport  # an open report on ``comment``
    other: Comment  # on commune B's plan
    own: dict[str, Comment]  # one comment by each signed-in persona


@pytest.fixture
def world(plan: ActionPlan, other_plan: ActionPlan, people: People) -> World:
    participant = factories.UserFactory(email="participant@example.org")
    reporter = factories.UserFactory(email="reporter@example.org")
    comment = make_comment(plan, author=participant, body="Original")
    report = services.comment_report(comment=comment, reporter=reporter, reason="spam")
    hidden = make_comment(plan, author=participant, body="Hidden")
    services.comment_hide(comment=hidden, moderator=people["coordinator"], reason="spam")
    other = make_comment(other_plan, author=participant, body="Elsewhere")
    own = {
        persona: make_comment(plan, author=people[persona], body=f"Mine {persona}")
        for persona in SIGNED_IN
    }
    return World(plan, comment, hidden, report, other, own)


def _user(people: People, persona: str) -> User | None:
    return people[persona]


@dataclass
class Action:
    """A write: its address for a persona, data, what it changes, and who may do it."""

    url: Callable[[World, str], str]
    data: Callable[[World, str], dict[str, Any]]
    state: Callable[[World, str], Any]
    allowed: frozenset[str]
    #: Personas that may not even see the object: 404 instead of 403.
    unseen: frozenset[str] = NOBODY
    method: str = "post"


def _comment(pk: int) -> Comment:
    return Comment.objects.get(pk=pk)


PAGE_ACTIONS: dict[str, Action] = {
    "create": Action(
        url=lambda w, p: "/en/comments/new/",
        data=lambda w, p: {
            "target_type": "plans.actionplan",
            "target_id": str(w.plan.pk),
            "body": "New",
        },
        state=lambda w, p: Comment.objects.count(),
        allowed=SIGNED_IN,
    ),
    "reply": Action(
        url=lambda w, p: f"/en/comments/{w.comment.pk}/reply/",
        data=lambda w, p: {"body": "Reply"},
        state=lambda w, p: Comment.objects.filter(parent=w.comment).count(),
        allowed=SIGNED_IN,
    ),
    "edit-own": Action(
        url=lambda w, p: f"/en/comments/{w.own[p].pk if p in w.own else w.comment.pk}/edit/",
        data=lambda w, p: {"body": "Edited"},
        state=lambda w, p: sorted(Comment.objects.values_list("body", flat=True)),
        allowed=SIGNED_IN,
    ),
    "edit-other": Action(
        url=lambda w, p: f"/en/comments/{w.comment.pk}/edit/",
        data=lambda w, p: {"body": "Edited"},
        state=lambda w, p: _comment(w.comment.pk).body,
        allowed=NOBODY,
    ),
    "delete-own": Action(
        url=lambda w, p: f"/en/comments/{w.own[p].pk if p in w.own else w.comment.pk}/delete/",
        data=lambda w, p: {},
        state=lambda w, p: Comment.objects.filter(is_deleted_by_author=True).count(),
        allowed=SIGNED_IN,
    ),
    "delete-other": Action(
        url=lambda w, p: f"/en/comments/{w.comment.pk}/delete/",
        data=lambda w, p: {},
        state=lambda w, p: _comment(w.comment.pk).is_deleted_by_author,
        allowed=NOBODY,
    ),
    "report": Action(
        url=lambda w, p: f"/en/comments/{w.comment.pk}/report/",
        data=lambda w, p: {"reason": "abuse"},
        state=lambda w, p: CommentReport.objects.count(),
        allowed=SIGNED_IN,
    ),
    "hide": Action(
        url=lambda w, p: f"/en/comments/{w.comment.pk}/hide/",
        data=lambda w, p: {"reason": "abuse"},
        state=lambda w, p: _comment(w.comment.pk).is_hidden,
        allowed=MODERATORS_A,
    ),
    "hide-commune-b": Action(
        url=lambda w, p: f"/en/comments/{w.other.pk}/hide/",
        data=lambda w, p: {"reason": "abuse"},
        state=lambda w, p: _comment(w.other.pk).is_hidden,
        allowed=frozenset({"admin_b", "coordinator"}),
    ),
    "unhide": Action(
        url=lambda w, p: f"/en/comments/{w.hidden.pk}/unhide/",
        data=lambda w, p: {},
        state=lambda w, p: _comment(w.hidden.pk).is_hidden,
        allowed=MODERATORS_A,
        unseen=SIGNED_IN - MODERATORS_A,
    ),
    "dismiss-reports": Action(
        url=lambda w, p: f"/en/comments/{w.comment.pk}/dismiss/",
        data=lambda w, p: {},
        state=lambda w, p: _comment(w.comment.pk).open_report_count,
        allowed=MODERATORS_A,
    ),
    "dismiss-report": Action(
        url=lambda w, p: f"/en/comments/reports/{w.report.pk}/dismiss/",
        data=lambda w, p: {},
        state=lambda w, p: CommentReport.objects.get(pk=w.report.pk).resolution,
        allowed=MODERATORS_A,
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(PAGE_ACTIONS))
def test_page_permission_matrix(name: str, persona: str, world: World, people: People) -> None:
    action = PAGE_ACTIONS[name]
    client = Client()
    user = _user(people, persona)
    if user is not None:
        client.force_login(user)
    before = action.state(world, persona)

    response = client.post(action.url(world, persona), action.data(world, persona))

    after = action.state(world, persona)
    if persona == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert after == before
    elif persona in action.allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert after != before
    else:
        assert response.status_code == (404 if persona in action.unseen else 403)
        assert after == before


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url",
    [
        "/en/comments/moderation/",
        "/en/comments/{comment}/hide/",
        "/en/comments/{comment}/report/",
        "/en/comments/{comment}/reply/",
        "/en/comments/{comment}/edit/",
        "/en/comments/{comment}/delete/",
    ],
)
def test_form_pages(url: str, persona: str, world: World, people: People) -> None:
    """GET of the action pages: who sees the form (200), who is refused."""
    client = Client()
    user = _user(people, persona)
    if user is not None:
        client.force_login(user)
    response = client.get(url.format(comment=world.comment.pk))
    if persona == "anonymous":
        assert response.status_code == 302
        return
    if "moderation" in url:  # commune B's administrator moderates commune B
        expected = 200 if persona in MODERATORS_A | {"admin_b"} else 403
    elif "hide" in url:
        expected = 200 if persona in MODERATORS_A else 403
    elif "edit" in url or "delete" in url:
        expected = 403  # the comment is the participant's
    else:
        expected = 200
    assert response.status_code == expected


def test_unconfirmed_email_may_not_comment(world: World, people: People) -> None:
    citizen = people["citizen"]
    assert citizen is not None
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=False, primary=True)
    client = Client()
    client.force_login(citizen)
    before = Comment.objects.count()
    response = client.post(
        "/en/comments/new/",
        {"target_type": "plans.actionplan", "target_id": str(world.plan.pk), "body": "x"},
    )
    assert response.status_code == 403 and Comment.objects.count() == before
    assert (
        client.post(f"/en/comments/{world.comment.pk}/report/", {"reason": "spam"}).status_code
        == 403
    )
    api = APIClient()
    api.force_authenticate(citizen)
    response = api.post(
        "/api/v1/comments/",
        {"target_type": "plans.actionplan", "target_id": world.plan.pk, "body": "x"},
        format="json",
    )
    assert response.status_code == 403


# --- API --------------------------------------------------------------------------------

API_ACTIONS: dict[str, Action] = {
    "create": Action(
        url=lambda w, p: "/api/v1/comments/",
        data=lambda w, p: {
            "target_type": "plans.actionplan",
            "target_id": w.plan.pk,
            "body": "New",
        },
        state=lambda w, p: Comment.objects.count(),
        allowed=SIGNED_IN,
    ),
    "reply": Action(
        url=lambda w, p: "/api/v1/comments/",
        data=lambda w, p: {
            "target_type": "plans.actionplan",
            "target_id": w.plan.pk,
            "parent": w.comment.pk,
            "body": "Reply",
        },
        state=lambda w, p: Comment.objects.filter(parent=w.comment).count(),
        allowed=SIGNED_IN,
    ),
    "edit-own": Action(
        url=lambda w, p: f"/api/v1/comments/{w.own[p].pk if p in w.own else w.comment.pk}/",
        data=lambda w, p: {"body": "Edited"},
        state=lambda w, p: sorted(Comment.objects.values_list("body", flat=True)),
        allowed=SIGNED_IN,
        method="patch",
    ),
    "edit-other": Action(
        url=lambda w, p: f"/api/v1/comments/{w.comment.pk}/",
        data=lambda w, p: {"body": "Edited"},
        state=lambda w, p: _comment(w.comment.pk).body,
        allowed=NOBODY,
        method="patch",
    ),
    "delete-own": Action(
        url=lambda w, p: f"/api/v1/comments/{w.own[p].pk if p in w.own else w.comment.pk}/",
        data=lambda w, p: {},
        state=lambda w, p: Comment.objects.filter(is_deleted_by_author=True).count(),
        allowed=SIGNED_IN,
        method="delete",
    ),
    "delete-other": Action(
        url=lambda w, p: f"/api/v1/comments/{w.comment.pk}/",
        data=lambda w, p: {},
        state=lambda w, p: _comment(w.comment.pk).is_deleted_by_author,
        allowed=NOBODY,
        method="delete",
    ),
    "report": Action(
        url=lambda w, p: f"/api/v1/comments/{w.comment.pk}/report/",
        data=lambda w, p: {"reason": "abuse", "note": "x"},
        state=lambda w, p: CommentReport.objects.count(),
        allowed=SIGNED_IN,
    ),
    "hide": Action(
        url=lambda w, p: f"/api/v1/comments/{w.comment.pk}/hide/",
        data=lambda w, p: {"reason": "abuse"},
        state=lambda w, p: _comment(w.comment.pk).is_hidden,
        allowed=MODERATORS_A,
    ),
    "hide-commune-b": Action(
        url=lambda w, p: f"/api/v1/comments/{w.other.pk}/hide/",
        data=lambda w, p: {"reason": "abuse"},
        state=lambda w, p: _comment(w.other.pk).is_hidden,
        allowed=frozenset({"admin_b", "coordinator"}),
    ),
    "unhide": Action(
        url=lambda w, p: f"/api/v1/comments/{w.hidden.pk}/unhide/",
        data=lambda w, p: {},
        state=lambda w, p: _comment(w.hidden.pk).is_hidden,
        allowed=MODERATORS_A,
        unseen=SIGNED_IN - MODERATORS_A,
    ),
    "dismiss-reports": Action(
        url=lambda w, p: f"/api/v1/comments/{w.comment.pk}/dismiss-reports/",
        data=lambda w, p: {},
        state=lambda w, p: _comment(w.comment.pk).open_report_count,
        allowed=MODERATORS_A,
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(API_ACTIONS))
def test_api_permission_matrix(name: str, persona: str, world: World, people: People) -> None:
    action = API_ACTIONS[name]
    client = APIClient()
    user = _user(people, persona)
    if user is not None:
        client.force_login(user)
    before = action.state(world, persona)

    send = getattr(client, action.method)
    response = send(action.url(world, persona), action.data(world, persona), format="json")

    after = action.state(world, persona)
    if persona == "anonymous":
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_authenticated"
        assert after == before
    elif persona in action.allowed:
        assert 200 <= response.status_code < 300, response.content
        assert after != before
    else:
        expected = 404 if persona in action.unseen else 403
        assert response.status_code == expected, response.content
        assert response.json()["error"]["status"] == expected
        assert after == before
