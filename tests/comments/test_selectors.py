"""Selectors: the thread's shape and placeholders, counts, and constant query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from infitah.comments import selectors, services
from infitah.comments.models import Comment
from infitah.plans.models import ActionPlan
from tests import factories
from tests.comments.conftest import People
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db


def _shape(nodes: list[selectors.ThreadNode]) -> list[Any]:
    """``(body or state, state, replies)`` of each node, recursively."""
    return [
        (node.comment.body if node.comment else node.state, node.state, _shape(node.replies))
        for node in nodes
    ]


def test_thread_order_and_threading(plan: ActionPlan) -> None:
    first = make_comment(plan, body="first")
    reply = make_comment(plan, body="reply", parent=first)
    make_comment(plan, body="reply 2", parent=first)
    make_comment(plan, body="deep", parent=reply)
    make_comment(plan, body="second")
    assert _shape(selectors.visible_comments(plan)) == [
        ("second", "visible", []),
        (
            "first",
            "visible",
            [("reply", "visible", [("deep", "visible", [])]), ("reply 2", "visible", [])],
        ),
    ]


def test_hidden_and_withdrawn_are_placeholders_only_with_visible_replies(plan: ActionPlan) -> None:
    hidden = make_comment(plan, body="SECRET-1", is_hidden=True, hidden_reason="abuse")
    make_comment(plan, body="answer", parent=hidden)
    make_comment(plan, body="SECRET-2", is_hidden=True, hidden_reason="spam")  # no reply: gone
    withdrawn = make_comment(plan, body="SECRET-3", is_deleted_by_author=True)
    make_comment(plan, body="SECRET-4", parent=withdrawn, is_hidden=True, hidden_reason="spam")
    chain = make_comment(plan, body="SECRET-5", is_deleted_by_author=True)
    middle = make_comment(plan, body="SECRET-6", parent=chain, is_hidden=True, hidden_reason="spam")
    make_comment(plan, body="leaf", parent=middle)
    nodes = selectors.visible_comments(plan)
    assert _shape(nodes) == [
        ("deleted", "deleted", [("hidden", "hidden", [("leaf", "visible", [])])]),
        ("hidden", "hidden", [("answer", "visible", [])]),
    ]
    with translation.override("en"):
        assert nodes[1].hidden_reason_label == "insult, harassment or hate speech"
    assert selectors.visible_comment_count(plan) == 2
    assert all(node.comment is None for node in selectors.flatten(nodes) if node.state != "visible")


def test_moderators_thread_shows_hidden_comments(plan: ActionPlan) -> None:
    make_comment(plan, body="hidden", is_hidden=True, hidden_reason="spam")
    make_comment(plan, body="withdrawn", is_deleted_by_author=True)
    page = selectors.comment_thread_page(plan, include_hidden=True)
    assert [(n.state, n.comment.body if n.comment else None) for n in page.nodes] == [
        ("hidden", "hidden")
    ]
    assert page.visible_count == 0
    assert selectors.comment_thread_page(plan).nodes == []


def test_counts(plan: ActionPlan, other_plan: ActionPlan) -> None:
    for _index in range(3):
        make_comment(plan)
    make_comment(plan, is_hidden=True, hidden_reason="spam")
    make_comment(plan, is_deleted_by_author=True)
    make_comment(other_plan)
    empty = factories.ActionPlanFactory(slug="empty")
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.visible_comment_counts([plan, other_plan, empty])
    assert len(ctx.captured_queries) == 1
    assert counts == {plan.pk: 3, other_plan.pk: 1, empty.pk: 0}
    assert selectors.visible_comment_counts([]) == {}
    with pytest.raises(ValueError, match="one model"):
        selectors.visible_comment_counts([plan, factories.UserFactory()])


def test_thread_pages(plan: ActionPlan) -> None:
    for index in range(7):
        make_comment(plan, body=f"c{index}")
    page = selectors.comment_thread_page(plan, "2", per_page=3)
    assert [n.comment.body for n in page.nodes if n.comment] == ["c3", "c2", "c1"]
    assert page.visible_count == 7
    assert selectors.comment_thread_page(plan, "abc", per_page=3).page.number == 1
    assert selectors.comment_thread_page(plan, "99", per_page=3).page.number == 3


def _fill(plan: ActionPlan, count: int) -> None:
    """``count`` comments by different authors, in threads, some for organisations."""
    organisation = factories.OrganisationFactory()
    parents: list[Comment | None] = [None]
    for index in range(count):
        parent = parents[index % len(parents)] if index % 3 else None
        comment = make_comment(
            plan,
            body=f"تعليق {index}",
            parent=parent if parent is None or parent.depth < 2 else None,
            organisation=organisation if index % 4 == 0 else None,
        )
        parents.append(comment)
        if index % 10 == 5:
            Comment.objects.filter(pk=comment.pk).update(is_hidden=True, hidden_reason="spam")


def _thread_queries(plan: ActionPlan) -> int:
    with CaptureQueriesContext(connection) as ctx:
        nodes = selectors.visible_comments(plan)
        for node in selectors.flatten(nodes):
            if node.comment is not None:
                assert node.comment.author_name and node.comment.body
                if node.comment.organisation_id:
                    assert node.comment.organisation_name
    return len(ctx.captured_queries)


def test_thread_query_count_does_not_grow(plan: ActionPlan, other_plan: ActionPlan) -> None:
    _fill(plan, 5)
    _fill(other_plan, 120)
    small = _thread_queries(plan)
    large = _thread_queries(other_plan)
    assert small == large <= 3
    assert selectors.visible_comment_count(other_plan) == 108


# --- Moderation queue ------------------------------------------------------------------


def _report_some(target: ActionPlan, people: People, count: int) -> None:
    reporter = people["cso"]
    for index in range(count):
        comment = make_comment(target, body=f"bad {index}")
        services.comment_report(comment=comment, reporter=reporter, reason="spam", note="x")
        if index % 2:
            services.comment_report(comment=comment, reporter=people["citizen"], reason="abuse")


def test_moderation_queue_scope(plan: ActionPlan, other_plan: ActionPlan, people: People) -> None:
    _report_some(plan, people, 2)
    _report_some(other_plan, people, 3)
    hidden = make_comment(plan)
    services.comment_hide(comment=hidden, moderator=people["coordinator"], reason="spam")
    assert selectors.moderation_queue(people["moderator_a"]).count() == 2
    assert selectors.moderation_queue(people["admin_a"], status="hidden").count() == 1
    assert selectors.moderation_queue(people["admin_b"]).count() == 3
    assert selectors.moderation_queue(people["coordinator"]).count() == 5
    assert (
        selectors.moderation_queue(
            people["coordinator"], collectivity_id=plan.collectivity_id
        ).count()
        == 2
    )
    for persona in ("citizen", "cso", "editor_a", "officer_a"):
        assert selectors.moderation_queue(people[persona]).count() == 0
    with pytest.raises(ValueError, match="status"):
        selectors.moderation_queue(people["coordinator"], status="all")


def _queue_queries(user: object) -> int:
    with CaptureQueriesContext(connection) as ctx:
        for comment in selectors.moderation_queue(user)[:30]:
            str(comment.target)
            [str(report.reporter) for report in getattr(comment, "open_reports", [])]
            str(comment.author_display_name)
            str(comment.collectivity)
    return len(ctx.captured_queries)


def test_moderation_queue_query_count(plan: ActionPlan, people: People) -> None:
    _report_some(plan, people, 2)
    coordinator = people["coordinator"]
    selectors.moderation_collectivity_ids(coordinator)  # roles are read once per user object
    small = _queue_queries(coordinator)
    _report_some(plan, people, 25)
    assert _queue_queries(coordinator) == small <= 3
