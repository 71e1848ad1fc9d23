"""Services: posting (cleaning, threading depth, rate limit), editing, withdrawing,
reporting and moderating, with the target's ``on_change`` callback."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone, translation

from infitah.comments import registry, selectors, services
from infitah.comments.models import Comment, CommentReport
from infitah.core.models import ContentVersion
from infitah.plans.models import ActionPlan
from tests import factories
from tests.comments.conftest import ChangeLog, People
from tests.comments.factories import error_code, make_comment

pytestmark = pytest.mark.django_db


def _post(plan: ActionPlan, user: Any, body: str = "Un commentaire", **kwargs: Any) -> Comment:
    return services.comment_create(target=plan, author=user, body=body, **kwargs)


# --- Posting ---------------------------------------------------------------------------


def test_comment_create(plan: ActionPlan, citizen, changes: ChangeLog) -> None:
    comment = _post(plan, citizen, "  نقترح نشر الميزانية بشكل مفتوح  ")
    assert comment.body == "نقترح نشر الميزانية بشكل مفتوح"
    assert comment.collectivity_id == plan.collectivity_id
    assert comment.depth == 0 and comment.parent is None
    assert comment.body_search  # folded copy for search
    assert changes.calls == [plan]
    assert Comment.history.filter(id=comment.pk).count() == 1
    assert selectors.visible_comment_count(plan) == 1


def test_bidi_controls_and_nul_are_removed(plan: ActionPlan, citizen) -> None:
    body = "abc\u202edef\u2066ghi\u2069\x00 \u200fشكرا\r\nline"
    comment = _post(plan, citizen, body)
    assert comment.body == "abcdefghi شكرا\nline"
    for char in ("\u202e", "\u2066", "\u2069", "\x00", "\u200f", "\r"):
        assert char not in comment.body


def test_posting_bumps_the_content_version(plan: ActionPlan, citizen) -> None:
    before = ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    _post(plan, citizen)
    assert ContentVersion.objects.get(pk=1).value > before


@pytest.mark.parametrize("body", ["", "   ", "\u202e\u2066", "\x00"])
def test_empty_comment_is_refused(plan: ActionPlan, citizen, body: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _post(plan, citizen, body)
    assert caught.value.error_dict["body"][0].code == "empty"


@override_settings(INFITAH_COMMENTS_MAX_LENGTH=20)
def test_too_long_comment_is_refused(plan: ActionPlan, citizen) -> None:
    _post(plan, citizen, "x" * 20)
    with pytest.raises(ValidationError) as caught:
        _post(plan, citizen, "x" * 21)
    assert caught.value.error_dict["body"][0].code == "too_long"


def test_unregistered_model_cannot_be_commented(citizen, commune_a) -> None:
    plan = factories.ActionPlanFactory(collectivity=commune_a)
    with pytest.raises(ValidationError) as caught:
        _post(plan, citizen)
    assert error_code(caught.value) == "not_commentable"


def test_unpublished_target_cannot_be_commented(plan: ActionPlan, citizen) -> None:
    plan.is_published = False
    plan.save()
    with pytest.raises(ValidationError) as caught:
        _post(plan, citizen)
    assert error_code(caught.value) == "not_commentable"


def test_closed_target_refuses_comments(plan: ActionPlan, citizen, changes: ChangeLog) -> None:
    plan.state = ActionPlan.State.ADOPTED
    plan.save()
    with pytest.raises(ValidationError) as caught:
        _post(plan, citizen)
    assert error_code(caught.value) == "closed"
    assert changes.calls == []
    assert not Comment.objects.exists()


def test_anonymous_and_unverified_cannot_post(plan: ActionPlan, citizen) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        _post(plan, AnonymousUser())
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=False, primary=True)
    with pytest.raises(PermissionDenied):
        _post(plan, citizen)
    EmailAddress.objects.filter(user=citizen).update(verified=True)
    citizen = type(citizen).objects.get(pk=citizen.pk)  # a fresh request's user
    assert _post(plan, citizen).pk


def test_inactive_user_cannot_post(plan: ActionPlan, citizen) -> None:
    citizen.is_active = False
    citizen.save()
    with pytest.raises(PermissionDenied):
        _post(plan, citizen)


def test_posting_for_an_organisation(plan: ActionPlan, people: People) -> None:
    comment = _post(plan, people["cso"], organisation=people.organisation)
    assert comment.organisation == people.organisation
    with pytest.raises(PermissionDenied):
        _post(plan, people["citizen"], organisation=people.organisation)


def test_unverified_organisation_cannot_be_used(plan: ActionPlan, people: People) -> None:
    people.organisation.is_verified = False
    people.organisation.save()
    with pytest.raises(PermissionDenied):
        _post(plan, people["cso"], organisation=people.organisation)


def test_arabic_text_is_kept_and_searchable(plan: ActionPlan, citizen) -> None:
    comment = _post(plan, citizen, "الشفافية في الجماعة\nوالمشاركة المواطنة")
    assert comment.body == "الشفافية في الجماعة\nوالمشاركة المواطنة"
    assert "الشفافيه" in comment.body_search  # ta marbuta folded


# --- Threads ---------------------------------------------------------------------------


def test_replies_and_depth_limit(plan: ActionPlan, citizen) -> None:
    first = _post(plan, citizen, "1")
    second = _post(plan, citizen, "2", parent=first)
    third = _post(plan, citizen, "3", parent=second)
    assert (first.depth, second.depth, third.depth) == (0, 1, 2)
    # A reply to a level-3 comment is attached to its parent (stays on level 3).
    fourth = _post(plan, citizen, "4", parent=third)
    assert fourth.parent_id == second.pk and fourth.depth == 2


@override_settings(INFITAH_COMMENTS_MAX_DEPTH=1, INFITAH_COMMENTS_RATE_LIMIT=100)
def test_no_replies_when_depth_is_one(plan: ActionPlan, citizen) -> None:
    first = _post(plan, citizen)
    with pytest.raises(ValidationError) as caught:
        _post(plan, citizen, parent=first)
    assert error_code(caught.value) == "bad_parent"


@override_settings(INFITAH_COMMENTS_MAX_DEPTH=5, INFITAH_COMMENTS_RATE_LIMIT=100)
def test_depth_follows_the_setting(plan: ActionPlan, citizen) -> None:
    parent = None
    for _level in range(7):
        parent = _post(plan, citizen, parent=parent)
    assert parent is not None and parent.depth == 4


def test_reply_must_be_on_the_same_target(
    plan: ActionPlan, other_plan: ActionPlan, citizen
) -> None:
    elsewhere = make_comment(other_plan)
    with pytest.raises(ValidationError) as caught:
        _post(plan, citizen, parent=elsewhere)
    assert error_code(caught.value) == "bad_parent"


@pytest.mark.parametrize("state", ["is_hidden", "is_deleted_by_author"])
def test_no_reply_to_hidden_or_withdrawn(plan: ActionPlan, citizen, state: str) -> None:
    extra = {"hidden_reason": "spam"} if state == "is_hidden" else {}
    parent = make_comment(plan, **{state: True}, **extra)
    with pytest.raises(ValidationError) as caught:
        _post(plan, citizen, parent=parent)
    assert error_code(caught.value) == "bad_parent"


# --- Rate limit ------------------------------------------------------------------------


@override_settings(INFITAH_COMMENTS_RATE_LIMIT=3, INFITAH_COMMENTS_RATE_WINDOW_SECONDS=60)
def test_rate_limit(plan: ActionPlan, other_plan: ActionPlan, citizen, people: People) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _index in range(3):
            _post(plan, citizen)
        with pytest.raises(ValidationError) as caught:
            _post(other_plan, citizen)  # every target together
        assert error_code(caught.value) == "rate_limited"
        assert _post(plan, people["cso"]).pk  # others are not limited
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert _post(plan, citizen).pk
    assert Comment.objects.filter(author=citizen).count() == 4


# --- Editing and withdrawing -----------------------------------------------------------


def test_edit_within_the_window(plan: ActionPlan, citizen, people: People) -> None:
    comment = _post(plan, citizen, "first")
    edited = services.comment_edit(comment=comment, actor=citizen, body="second\u202e")
    assert edited.body == "second" and edited.edited_at is not None
    versions = Comment.history.filter(id=comment.pk).order_by("history_date")
    assert [version.body for version in versions] == ["first", "second"]
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, actor=people["moderator_a"], body="x")


def test_edit_too_late(plan: ActionPlan, citizen) -> None:
    comment = _post(plan, citizen)
    later = comment.created_at + datetime.timedelta(minutes=16)
    with pytest.raises(ValidationError) as caught:
        services.comment_edit(comment=comment, actor=citizen, body="x", now=later)
    assert error_code(caught.value) == "too_late"


def test_no_edit_of_hidden_comment(plan: ActionPlan, citizen, people: People) -> None:
    comment = _post(plan, citizen)
    services.comment_hide(comment=comment, moderator=people["moderator_a"], reason="spam")
    with pytest.raises(ValidationError) as caught:
        services.comment_edit(comment=comment, actor=citizen, body="x")
    assert error_code(caught.value) == "hidden"


def test_withdraw(plan: ActionPlan, citizen, people: People, changes: ChangeLog) -> None:
    comment = _post(plan, citizen)
    changes.calls.clear()
    with pytest.raises(PermissionDenied):
        services.comment_delete_by_author(comment=comment, actor=people["coordinator"])
    services.comment_delete_by_author(comment=comment, actor=citizen)
    comment.refresh_from_db()
    assert comment.is_deleted_by_author and comment.deleted_at
    assert changes.calls == [plan]
    assert selectors.visible_comment_count(plan) == 0
    with pytest.raises(ValidationError):
        services.comment_delete_by_author(comment=comment, actor=citizen)


def test_withdrawing_a_hidden_comment_does_not_call_on_change(
    plan: ActionPlan, citizen, people: People, changes: ChangeLog
) -> None:
    comment = _post(plan, citizen)
    services.comment_hide(comment=comment, moderator=people["moderator_a"], reason="spam")
    changes.calls.clear()
    services.comment_delete_by_author(comment=comment, actor=citizen)
    assert changes.calls == []


def test_deleted_account_keeps_the_comment(plan: ActionPlan, citizen) -> None:
    comment = _post(plan, citizen, "kept")
    citizen.delete()
    comment.refresh_from_db()
    assert comment.author is None and comment.body == "kept"
    with translation.override("en"):
        assert str(comment.author_display_name) == "deleted account"


# --- Reports and moderation ------------------------------------------------------------


def test_report_then_hide_resolves_reports(
    plan: ActionPlan, people: People, changes: ChangeLog
) -> None:
    comment = _post(plan, people["citizen"])
    report = services.comment_report(
        comment=comment, reporter=people["cso"], reason="abuse", note="ins\u202eult"
    )
    assert report.note == "insult" and report.is_open
    services.comment_report(comment=comment, reporter=people["editor_a"], reason="spam")
    comment.refresh_from_db()
    assert comment.open_report_count == 2 and comment.last_reported_at
    changes.calls.clear()
    services.comment_hide(
        comment=comment, moderator=people["moderator_a"], reason="abuse", note="clear insult"
    )
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "abuse"
    assert comment.hidden_by == people["moderator_a"] and comment.hidden_at
    assert comment.open_report_count == 0
    assert set(CommentReport.objects.values_list("resolution", flat=True)) == {"hidden"}
    assert changes.calls == [plan]
    assert selectors.visible_comment_count(plan) == 0


def test_report_rules(plan: ActionPlan, people: People) -> None:
    comment = _post(plan, people["citizen"])
    with pytest.raises(PermissionDenied):
        services.comment_report(comment=comment, reporter=people["citizen"], reason="spam")
    with pytest.raises(ValidationError) as caught:
        services.comment_report(comment=comment, reporter=people["cso"], reason="nonsense")
    assert error_code(caught.value) == "reason"
    services.comment_report(comment=comment, reporter=people["cso"], reason="spam")
    with pytest.raises(ValidationError) as caught:
        services.comment_report(comment=comment, reporter=people["cso"], reason="spam")
    assert error_code(caught.value) == "duplicate"
    comment.refresh_from_db()
    assert comment.open_report_count == 1


def test_hidden_comment_cannot_be_reported(plan: ActionPlan, people: People) -> None:
    comment = make_comment(plan, is_hidden=True, hidden_reason="spam")
    with pytest.raises(ValidationError) as caught:
        services.comment_report(comment=comment, reporter=people["cso"], reason="spam")
    assert error_code(caught.value) == "hidden"


def test_hide_needs_a_reason(plan: ActionPlan, people: People) -> None:
    comment = make_comment(plan)
    with pytest.raises(ValidationError) as caught:
        services.comment_hide(comment=comment, moderator=people["moderator_a"], reason="")
    assert error_code(caught.value) == "reason"


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("citizen", False),
        ("cso", False),
        ("admin_a", True),
        ("editor_a", False),
        ("moderator_a", True),
        ("officer_a", False),
        ("admin_b", False),
        ("coordinator", True),
    ],
)
def test_who_may_hide(plan: ActionPlan, people: People, persona: str, allowed: bool) -> None:
    comment = make_comment(plan)
    if allowed:
        services.comment_hide(comment=comment, moderator=people[persona], reason="spam")
        assert Comment.objects.get(pk=comment.pk).is_hidden
    else:
        with pytest.raises(PermissionDenied):
            services.comment_hide(comment=comment, moderator=people[persona], reason="spam")
        assert not Comment.objects.get(pk=comment.pk).is_hidden


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("admin_a", False), ("moderator_a", False), ("admin_b", False), ("coordinator", True)],
)
def test_network_level_comments_are_the_coordinators(
    changes: ChangeLog, people: People, persona: str, allowed: bool
) -> None:
    network_plan = factories.ActionPlanFactory(slug="network-item")
    comment = make_comment(network_plan)
    comment.collectivity = None
    comment.save()
    if allowed:
        services.comment_hide(comment=comment, moderator=people[persona], reason="other")
    else:
        with pytest.raises(PermissionDenied):
            services.comment_hide(comment=comment, moderator=people[persona], reason="other")


def test_unhide(plan: ActionPlan, people: People, changes: ChangeLog) -> None:
    comment = make_comment(plan)
    services.comment_hide(comment=comment, moderator=people["moderator_a"], reason="spam")
    with pytest.raises(ValidationError) as caught:
        services.comment_hide(comment=comment, moderator=people["moderator_a"], reason="spam")
    assert error_code(caught.value) == "already_hidden"
    with pytest.raises(PermissionDenied):
        services.comment_unhide(comment=comment, moderator=people["admin_b"])
    changes.calls.clear()
    services.comment_unhide(comment=comment, moderator=people["coordinator"])
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.hidden_reason == "" and comment.hidden_by is None
    assert changes.calls == [plan]
    assert selectors.visible_comment_count(plan) == 1
    with pytest.raises(ValidationError) as caught:
        services.comment_unhide(comment=comment, moderator=people["coordinator"])
    assert error_code(caught.value) == "not_hidden"
    assert Comment.history.filter(id=comment.pk, is_hidden=True).exists()


def test_dismiss_reports(plan: ActionPlan, people: People) -> None:
    comment = make_comment(plan)
    first = services.comment_report(comment=comment, reporter=people["cso"], reason="spam")
    services.comment_report(comment=comment, reporter=people["citizen"], reason="spam")
    with pytest.raises(PermissionDenied):
        services.report_dismiss(report=first, moderator=people["editor_a"])
    services.report_dismiss(report=first, moderator=people["admin_a"])
    comment.refresh_from_db()
    assert comment.open_report_count == 1
    with pytest.raises(ValidationError) as caught:
        services.report_dismiss(report=first, moderator=people["admin_a"])
    assert error_code(caught.value) == "resolved"
    assert services.comment_reports_dismiss(comment=comment, moderator=people["admin_a"]) == 1
    comment.refresh_from_db()
    assert comment.open_report_count == 0 and not comment.is_hidden
    assert set(CommentReport.objects.values_list("resolution", flat=True)) == {"dismissed"}
    with pytest.raises(ValidationError):
        services.comment_reports_dismiss(comment=comment, moderator=people["admin_a"])


def test_registry(changes: ChangeLog) -> None:
    assert registry.is_registered(ActionPlan)
    assert "plans.actionplan" in registry.registered_labels()
    assert registry.resolve_target("PLANS.ActionPlan", "abc") == (
        registry.get_target(ActionPlan),
        None,
    )
    assert registry.resolve_target("nope.nope", 1) == (None, None)
    registry.unregister_target(ActionPlan)
    assert not registry.is_registered(ActionPlan)
