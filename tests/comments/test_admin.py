"""Admin: lists scoped to the moderator's collectivities, moderation actions through the
services, nothing added, changed or deleted by hand."""

from __future__ import annotations

import pytest
from django.test import Client

from infitah.accounts.models import User
from infitah.comments import services
from infitah.comments.models import Comment, CommentReport
from infitah.plans.models import ActionPlan
from tests.comments.conftest import ChangeLog, People
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db

COMMENTS = "/en/admin/comments/comment/"
REPORTS = "/en/admin/comments/commentreport/"


def _client(user: User | None) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_lists_are_scoped(plan: ActionPlan, other_plan: ActionPlan, people: People) -> None:
    make_comment(plan, body="Commune A text", author=people["citizen"])
    make_comment(other_plan, body="Commune B text")
    html = _client(people["moderator_a"]).get(COMMENTS).content.decode()
    assert "Commune A text" in html and "Commune B text" not in html
    assert "citizen@example.org" not in html  # public names only
    html = _client(people["coordinator"]).get(COMMENTS).content.decode()
    assert "Commune A text" in html and "Commune B text" in html
    for persona in ("editor_a", "officer_a", "citizen"):
        assert _client(people[persona]).get(COMMENTS).status_code in (302, 403), persona


def test_search_uses_the_folded_text(plan: ActionPlan, people: People) -> None:
    make_comment(plan, body="المشاركة المواطنة")
    html = _client(people["coordinator"]).get(COMMENTS + "?q=المشاركه").content.decode()
    assert "المشاركة المواطنة" in html


def test_read_only(plan: ActionPlan, people: People) -> None:
    comment = make_comment(plan, body="Texte")
    client = _client(people["moderator_a"])
    assert client.get(f"{COMMENTS}{comment.pk}/change/").status_code == 200
    assert client.get(f"{COMMENTS}add/").status_code == 403
    assert client.post(f"{COMMENTS}{comment.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{COMMENTS}{comment.pk}/history/").status_code == 200
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_hide_and_unhide_actions(
    plan: ActionPlan, other_plan: ActionPlan, people: People, changes: ChangeLog
) -> None:
    mine = make_comment(plan)
    theirs = make_comment(other_plan)
    client = _client(people["moderator_a"])
    changes.calls.clear()
    response = client.post(
        COMMENTS, {"action": "hide_abuse", "_selected_action": [str(mine.pk), str(theirs.pk)]}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (
        mine.is_hidden and mine.hidden_reason == "abuse" and mine.hidden_by == people["moderator_a"]
    )
    assert not Comment.objects.get(pk=theirs.pk).is_hidden  # not in their list
    assert changes.calls == [plan]
    client.post(COMMENTS, {"action": "unhide", "_selected_action": [str(mine.pk)]})
    assert not Comment.objects.get(pk=mine.pk).is_hidden


def test_report_admin(plan: ActionPlan, people: People) -> None:
    comment = make_comment(plan)
    report = services.comment_report(comment=comment, reporter=people["cso"], reason="spam")
    client = _client(people["admin_a"])
    html = client.get(REPORTS).content.decode()
    assert "CSO person" in html and "cso@example.org" not in html
    client.post(REPORTS, {"action": "dismiss", "_selected_action": [str(report.pk)]})
    assert CommentReport.objects.get(pk=report.pk).resolution == "dismissed"
    assert _client(people["admin_b"]).get(f"{REPORTS}{report.pk}/change/").status_code in (
        302,
        403,
        404,
    )
