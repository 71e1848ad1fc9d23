"""The comments API: public threads (placeholders, pagination, errors, query counts)
and the writes' answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import _load_enum_name_overrides
from drf_spectacular.settings import patched_settings
from rest_framework.test import APIClient

from infitah.comments import services
from infitah.comments.models import Comment
from infitah.plans.models import ActionPlan
from tests import factories
from tests.comments.conftest import People
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db

LIST = "/api/v1/comments/?target_type=plans.actionplan&target_id={pk}"


def _list(plan: ActionPlan, extra: str = "") -> Any:
    response = APIClient().get(LIST.format(pk=plan.pk) + extra)
    assert response.status_code == 200, response.content
    return response.json()


def test_thread_in_reading_order(plan: ActionPlan, people: People) -> None:
    first = make_comment(plan, body="first", author=people["citizen"])
    reply = make_comment(
        plan, body="reply", parent=first, author=people["cso"], organisation=people.organisation
    )
    second = make_comment(plan, body="second")
    data = _list(plan, "&lang=fr")
    assert data["count"] == 3
    assert [(row["id"], row["parent"], row["depth"]) for row in data["results"]] == [
        (second.pk, None, 0),
        (first.pk, None, 0),
        (reply.pk, first.pk, 1),
    ]
    row = data["results"][2]
    assert row["body"] == "reply" and row["author_name"] == "CSO person"
    assert row["organisation"] == {"slug": "amal", "name": people.organisation.name_ar}
    assert row["target_type"] == "plans.actionplan" and row["target_id"] == plan.pk
    assert row["state"] == "visible" and row["hidden_reason"] is None
    assert row["created_at"].endswith("+01:00") or row["created_at"].endswith("+00:00")
    assert row["web_url"].endswith(f"/comments/{reply.pk}/")
    assert "email" not in str(data) and "@example.org" not in str(data)


def test_hidden_content_never_in_the_api(plan: ActionPlan, people: People) -> None:
    hidden = make_comment(plan, body="SECRET-1")
    answer = make_comment(plan, body="answer", parent=hidden)
    lone = make_comment(plan, body="SECRET-2")
    withdrawn = make_comment(plan, body="SECRET-3", author=people["citizen"])
    services.comment_hide(comment=hidden, moderator=people["moderator_a"], reason="abuse")
    services.comment_hide(comment=lone, moderator=people["moderator_a"], reason="spam")
    services.comment_delete_by_author(comment=withdrawn, actor=people["citizen"])
    client = APIClient()
    response = client.get(LIST.format(pk=plan.pk))
    assert "SECRET" not in response.content.decode()
    rows = response.json()["results"]
    assert [(r["id"], r["state"], r["body"], r["author_name"]) for r in rows] == [
        (hidden.pk, "hidden", None, None),
        (answer.pk, "visible", "answer", answer.author_display_name),
    ]
    assert rows[0]["hidden_reason"] == "abuse" and rows[0]["organisation"] is None
    for comment in (hidden, lone, withdrawn):
        assert client.get(f"/api/v1/comments/{comment.pk}/").status_code == 404
    assert client.get(f"/api/v1/comments/{answer.pk}/").json()["body"] == "answer"


def test_cached_answer_forgets_a_hidden_comment(plan: ActionPlan, people: People) -> None:
    comment = make_comment(plan, body="SOON HIDDEN")
    assert "SOON HIDDEN" in APIClient().get(LIST.format(pk=plan.pk)).content.decode()
    services.comment_hide(comment=comment, moderator=people["coordinator"], reason="spam")
    assert "SOON HIDDEN" not in APIClient().get(LIST.format(pk=plan.pk)).content.decode()


def test_list_errors(plan: ActionPlan) -> None:
    client = APIClient()
    response = client.get("/api/v1/comments/")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"target_type", "target_id"}
    response = client.get("/api/v1/comments/?target_type=accounts.user&target_id=1")
    assert response.status_code == 400
    assert "plans.actionplan" in response.json()["error"]["fields"]["target_type"][0]
    # (A NUL is dropped from query strings by infitah.core.middleware: see tests/smoke.)
    for query in ("target_id=999999", "target_id=abc", "target_id=-1"):
        response = client.get(f"/api/v1/comments/?target_type=plans.actionplan&{query}")
        assert response.status_code == 404, query
        assert response.json()["error"]["code"] == "not_found"
    assert client.get(LIST.format(pk=plan.pk) + "&page_size=0").status_code == 400
    assert client.get("/api/v1/comments/abc/").status_code == 404
    plan.is_published = False
    plan.save()
    assert client.get(LIST.format(pk=plan.pk)).status_code == 404


def test_pagination(plan: ActionPlan) -> None:
    for index in range(7):
        make_comment(plan, body=f"c{index}")
    data = _list(plan, "&page_size=3&page=3")
    assert data["count"] == 7 and [r["body"] for r in data["results"]] == ["c0"]
    assert APIClient().get(LIST.format(pk=plan.pk) + "&page=9").status_code == 404


def _queries(url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = APIClient().get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)
def test_list_query_count_does_not_grow(plan: ActionPlan) -> None:
    organisation = factories.OrganisationFactory()
    url = LIST.format(pk=plan.pk)

    def add(count: int) -> None:
        parent = None
        for index in range(count):
            parent = make_comment(
                plan,
                parent=parent if parent is not None and parent.depth < 2 and index % 2 else None,
                organisation=organisation if index % 2 else None,
            )

    add(5)
    small = _queries(url)
    add(115)
    assert _queries(url) == small
    assert _queries(url + "&page_size=200") == small


def test_writes_answer_with_the_comment(plan: ActionPlan, people: People) -> None:
    client = APIClient()
    client.force_login(people["cso"])
    response = client.post(
        "/api/v1/comments/",
        {
            "target_type": "plans.actionplan",
            "target_id": plan.pk,
            "body": "نقترح\u202e نشر",
            "organisation": "amal",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["body"] == "نقترح نشر" and data["organisation"]["slug"] == "amal"
    pk = data["id"]
    response = client.patch(f"/api/v1/comments/{pk}/", {"body": "معدل"}, format="json")
    assert response.json()["body"] == "معدل" and response.json()["edited_at"]
    assert client.delete(f"/api/v1/comments/{pk}/").status_code == 204
    assert Comment.objects.get(pk=pk).is_deleted_by_author


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"target_id": "x"}, "target_id"),
        ({"target_type": "accounts.user"}, "target_type"),
        ({"parent": 999999}, "parent"),
        ({"organisation": "nope"}, "organisation"),
    ],
)
def test_create_errors(plan: ActionPlan, people: People, data: dict[str, Any], field: str) -> None:
    client = APIClient()
    client.force_login(people["citizen"])
    payload = {"target_type": "plans.actionplan", "target_id": plan.pk, "body": "ok", **data}
    response = client.post("/api/v1/comments/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Comment.objects.exists()


def test_write_refusals(plan: ActionPlan, people: People) -> None:
    client = APIClient()
    client.force_login(people["citizen"])
    base = {"target_type": "plans.actionplan", "target_id": plan.pk}
    with override_settings(INFITAH_COMMENTS_RATE_LIMIT=1):
        assert (
            client.post("/api/v1/comments/", {**base, "body": "1"}, format="json").status_code
            == 201
        )
        response = client.post("/api/v1/comments/", {**base, "body": "2"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["error"]["fields"]
    # Someone else's organisation.
    response = client.post(
        "/api/v1/comments/", {**base, "body": "x", "organisation": "amal"}, format="json"
    )
    assert response.status_code == 403
    other = make_comment(plan)
    client.post(f"/api/v1/comments/{other.pk}/report/", {"reason": "spam"}, format="json")
    response = client.post(
        f"/api/v1/comments/{other.pk}/report/", {"reason": "spam"}, format="json"
    )
    assert response.status_code == 400
    response = client.post(f"/api/v1/comments/{other.pk}/report/", {"reason": "bad"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    plan.state = ActionPlan.State.CLOSED
    plan.save()
    response = client.post("/api/v1/comments/", {**base, "body": "late"}, format="json")
    assert response.status_code == 400


def test_moderation_answers(plan: ActionPlan, people: People) -> None:
    comment = make_comment(plan, body="bad")
    services.comment_report(comment=comment, reporter=people["cso"], reason="spam")
    client = APIClient()
    client.force_login(people["moderator_a"])
    response = client.post(f"/api/v1/comments/{comment.pk}/hide/", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    response = client.post(
        f"/api/v1/comments/{comment.pk}/hide/", {"reason": "spam", "note": "n"}, format="json"
    )
    data = response.json()
    assert data["state"] == "hidden" and data["body"] == "bad" and data["open_report_count"] == 0
    response = client.post(
        f"/api/v1/comments/{comment.pk}/hide/", {"reason": "spam"}, format="json"
    )
    assert response.status_code == 400
    response = client.post(f"/api/v1/comments/{comment.pk}/unhide/", format="json")
    assert response.json()["state"] == "visible"
    response = client.post(f"/api/v1/comments/{comment.pk}/dismiss-reports/", format="json")
    assert response.status_code == 400  # resolved when it was hidden


#: The entries this app needs in ``SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]`` (asked of
#: the lead): without them, "state" collides with other apps' fields and the two
#: reason fields give the moderation reasons two names.
ENUM_NAME_OVERRIDES = {
    "CommentStateEnum": "infitah.comments.api.STATES",
    "ModerationReasonEnum": "infitah.comments.models.ModerationReason",
}


def test_schema_has_no_warning_about_comments() -> None:
    """The whole schema, with this app's enum names, warns about nothing of this app."""
    overrides = {**settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"], **ENUM_NAME_OVERRIDES}
    GENERATOR_STATS.reset()
    _load_enum_name_overrides.cache_clear()  # memoised per language by drf-spectacular
    try:
        with patched_settings({"ENUM_NAME_OVERRIDES": overrides}):
            schema = SchemaGenerator().get_schema(request=None, public=True)
    finally:
        _load_enum_name_overrides.cache_clear()
    warnings = [
        message
        for message in GENERATOR_STATS._warn_cache
        if "comment" in message.lower() or "reason" in message.lower() or '"state"' in message
    ]
    GENERATOR_STATS.reset()
    assert warnings == []
    assert {"CommentStateEnum", "ModerationReasonEnum", "PaginatedCommentList"} <= set(
        schema["components"]["schemas"]
    )
    assert "/api/v1/comments/{id}/hide/" in schema["paths"]
