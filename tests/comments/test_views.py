"""Pages: the thread on an object's page (template tag), the action pages and the
moderation queue. The thread is shown on a test page (``tests/comments/pages.py``)
that is cached for anonymous visitors, as product pages are."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from infitah.accounts.models import User
from infitah.comments import services
from infitah.comments.models import Comment, CommentReport
from infitah.plans.models import ActionPlan
from tests import factories
from tests.comments.conftest import ChangeLog, People
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db

PAGE = "/en/comment-test/plan-a/"


@pytest.fixture(autouse=True)
def _test_urls(settings: Any) -> Iterator[None]:
    settings.ROOT_URLCONF = "tests.comments.pages"
    yield


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _thread(html: str) -> str:
    start = html.index('<section class="section comments"')
    return html[start : html.index("</section>", start)]


# --- The thread on a page --------------------------------------------------------------


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)
def test_anonymous_thread_is_the_same_for_everyone(plan: ActionPlan) -> None:
    comment = make_comment(plan, body="Bonjour <b>tout</b>\nle monde")
    first = Client().get(PAGE)
    second = Client().get(PAGE)
    assert first.status_code == 200
    assert first.content == second.content
    html = first.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "Set-Cookie" not in str(first.headers) and not first.cookies
    assert f'id="comment-{comment.pk}"' in html
    assert "Bonjour &lt;b&gt;tout&lt;/b&gt;<br>le monde" in html
    assert 'class="comment__body" dir="auto"' in html
    assert "/en/accounts/login/?next=/en/comment-test/plan-a/" in html
    assert "comments/comments.css" in html
    assert "/reply/" not in html and "/report/" not in html


def test_hidden_content_is_absent_from_public_pages(plan: ActionPlan, people: People) -> None:
    hidden = make_comment(plan, body="SECRET-HIDDEN")
    make_comment(plan, body="visible reply", parent=hidden)
    make_comment(plan, body="SECRET-WITHDRAWN", is_deleted_by_author=True)
    services.comment_hide(comment=hidden, moderator=people["moderator_a"], reason="personal_data")
    for persona in ("anonymous", "citizen", "editor_a", "admin_b"):
        html = _client(people[persona]).get(PAGE).content.decode()
        assert "SECRET" not in html, persona
        assert "visible reply" in html
        assert "Comment hidden by a moderator (personal data of someone)." in html
        assert "1 comment" in _thread(html)
    html = _client(people["moderator_a"]).get(PAGE).content.decode()
    assert "SECRET-HIDDEN" in html and "Hidden: personal data of someone" in html
    assert "SECRET-WITHDRAWN" not in html
    assert f"/en/comments/{hidden.pk}/unhide/" in html


def test_cached_anonymous_page_forgets_a_hidden_comment(plan: ActionPlan, people: People) -> None:
    comment = make_comment(plan, body="SOON HIDDEN")
    assert "SOON HIDDEN" in Client().get(PAGE).content.decode()
    assert "SOON HIDDEN" in Client().get(PAGE).content.decode()  # from the cache
    services.comment_hide(comment=comment, moderator=people["coordinator"], reason="spam")
    assert "SOON HIDDEN" not in Client().get(PAGE).content.decode()


def test_signed_in_thread(plan: ActionPlan, people: People) -> None:
    citizen = people["citizen"]
    own = make_comment(plan, body="mine", author=citizen)
    other = make_comment(
        plan, body="theirs", author=people["cso"], organisation=people.organisation
    )
    reported = make_comment(plan, body="reported")
    services.comment_report(comment=reported, reporter=citizen, reason="spam")
    html = _client(citizen).get(PAGE).content.decode()
    assert (
        'name="csrfmiddlewaretoken"' in html
        and 'name="target_type" value="plans.actionplan"' in html
    )
    assert f"/en/comments/{own.pk}/edit/?next=/en/comment-test/plan-a/" in html
    assert f"/en/comments/{own.pk}/delete/" in html
    assert f"/en/comments/{own.pk}/report/" not in html
    assert (
        f"/en/comments/{other.pk}/report/" in html and f"/en/comments/{other.pk}/edit/" not in html
    )
    assert f"/en/comments/{other.pk}/hide/" not in html
    assert "You reported this comment." in html
    assert "Association Amal" in html  # posted for the organisation
    assert 'name="organisation"' not in html  # the citizen represents nobody
    assert 'name="organisation"' in _client(people["cso"]).get(PAGE).content.decode()
    moderator = _client(people["moderator_a"]).get(PAGE).content.decode()
    assert f"/en/comments/{other.pk}/hide/" in moderator and "/en/comments/moderation/" in moderator


def test_closed_and_unpublished_targets(plan: ActionPlan, people: People) -> None:
    make_comment(plan, body="old comment")
    plan.state = ActionPlan.State.ADOPTED
    plan.save()
    html = _client(people["citizen"]).get(PAGE).content.decode()
    assert "Comments are closed." in html and "old comment" in html
    assert 'name="body"' not in html and "/reply/" not in html
    plan.is_published = False
    plan.save()
    assert "old comment" not in _client(people["citizen"]).get(PAGE).content.decode()


def test_arabic_page(plan: ActionPlan, people: People) -> None:
    make_comment(plan, body="نطالب بنشر محاضر الدورات", author=people["citizen"])
    html = Client().get("/ar/comment-test/plan-a/").content.decode()
    assert 'dir="rtl"' in html and "نطالب بنشر محاضر الدورات" in html


def _page_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(PAGE)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0, INFITAH_COMMENTS_THREAD_PAGE_SIZE=200)
@pytest.mark.parametrize("persona", ["anonymous", "cso", "moderator_a"])
def test_page_query_count_is_constant(plan: ActionPlan, people: People, persona: str) -> None:
    organisation = factories.OrganisationFactory()
    client = _client(people[persona])

    def add(count: int) -> None:
        parents: list[Comment] = []
        for index in range(count):
            parent = parents[-1] if parents and index % 2 and parents[-1].depth < 2 else None
            parents.append(
                make_comment(
                    plan,
                    body=f"c{index}",
                    parent=parent,
                    organisation=organisation if index % 3 == 0 else None,
                    is_hidden=index % 7 == 3,
                    hidden_reason="spam" if index % 7 == 3 else "",
                )
            )

    add(5)
    small = _page_queries(client)
    add(115)
    large = _page_queries(client)
    assert large == small, (small, large)


# --- Posting ---------------------------------------------------------------------------


def _create(client: Client, plan: ActionPlan, **data: str) -> Any:
    return client.post(
        "/en/comments/new/",
        {
            "target_type": "plans.actionplan",
            "target_id": str(plan.pk),
            "body": "Mon avis",
            "next": PAGE,
            **data,
        },
    )


def test_create_and_back_to_the_page(plan: ActionPlan, people: People, changes: ChangeLog) -> None:
    client = _client(people["citizen"])
    response = _create(client, plan, body="Je propose\u202e des réunions")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#comment-{comment.pk}"
    assert comment.body == "Je propose des réunions"
    assert changes.calls == [plan]
    page = client.get(PAGE).content.decode()
    assert "Your comment is published." in page


def test_create_for_an_organisation(plan: ActionPlan, people: People) -> None:
    _create(_client(people["cso"]), plan, organisation=str(people.organisation.pk))
    assert Comment.objects.get().organisation == people.organisation
    # Someone else's organisation: refused by the form, shown again.
    response = _create(_client(people["citizen"]), plan, organisation=str(people.organisation.pk))
    assert response.status_code == 200 and Comment.objects.count() == 1


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "\x00"]
)
def test_unsafe_next_is_ignored(plan: ActionPlan, people: People, next_url: str) -> None:
    response = _create(_client(people["citizen"]), plan, next=next_url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/en/plans/{plan.slug}/")


def test_errors_come_back_in_the_form(plan: ActionPlan, people: People) -> None:
    client = _client(people["citizen"])
    response = _create(client, plan, body="   ")
    assert response.status_code == 200
    assert "Write something first." in response.content.decode()
    with override_settings(INFITAH_COMMENTS_MAX_LENGTH=10):
        response = _create(client, plan, body="x" * 11)
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert not Comment.objects.exists()
    with override_settings(INFITAH_COMMENTS_RATE_LIMIT=1):
        assert _create(client, plan, body="one").status_code == 302
        response = _create(client, plan, body="two, kept")
    assert response.status_code == 200
    html = response.content.decode()
    assert "You are commenting too fast" in html and "two, kept" in html


@pytest.mark.parametrize(
    "data",
    [
        {"target_type": "plans.nope"},
        {"target_type": "accounts.user"},
        {"target_id": "abc"},
        {"target_id": "99999999999999999999999"},
        {"target_id": "\x00"},
        {"parent": "123456"},
        {"parent": "x"},
    ],
)
def test_bad_targets_answer_404(plan: ActionPlan, people: People, data: dict[str, str]) -> None:
    assert _create(_client(people["citizen"]), plan, **data).status_code == 404


def test_closed_target_message(plan: ActionPlan, people: People) -> None:
    plan.state = ActionPlan.State.CLOSED
    plan.save()
    response = _create(_client(people["citizen"]), plan)
    assert response.status_code == 200 and "Comments are closed" in response.content.decode()
    assert not Comment.objects.exists()


def test_reply_page_and_reply(plan: ActionPlan, people: People) -> None:
    parent = make_comment(plan, body="Question ?")
    client = _client(people["citizen"])
    page = client.get(f"/en/comments/{parent.pk}/reply/?next={PAGE}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Question ?" in html and f'value="{PAGE}"' in html
    response = client.post(f"/en/comments/{parent.pk}/reply/", {"body": "Réponse", "next": PAGE})
    reply = Comment.objects.get(parent=parent)
    assert response["Location"] == f"{PAGE}#comment-{reply.pk}"
    hidden = make_comment(plan, is_hidden=True, hidden_reason="spam")
    assert client.get(f"/en/comments/{hidden.pk}/reply/").status_code == 404


def test_edit_pages(plan: ActionPlan, people: People) -> None:
    client = _client(people["citizen"])
    comment = services.comment_create(target=plan, author=people["citizen"], body="Avant")
    html = client.get(f"/en/comments/{comment.pk}/edit/").content.decode()
    assert "Avant" in html
    response = client.post(f"/en/comments/{comment.pk}/edit/", {"body": "Après", "next": PAGE})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Après" and comment.edited_at
    Comment.objects.filter(pk=comment.pk).update(
        created_at=comment.created_at - datetime.timedelta(hours=1)
    )
    response = client.post(f"/en/comments/{comment.pk}/edit/", {"body": "Trop tard"})
    assert response.status_code == 200 and "can only be edited" in response.content.decode()
    assert _client(people["cso"]).get(f"/en/comments/{comment.pk}/edit/").status_code == 403


def test_withdraw_pages(plan: ActionPlan, people: People) -> None:
    comment = make_comment(plan, body="À retirer", author=people["citizen"])
    client = _client(people["citizen"])
    assert "À retirer" in client.get(f"/en/comments/{comment.pk}/delete/").content.decode()
    assert client.post(f"/en/comments/{comment.pk}/delete/", {"next": PAGE}).status_code == 302
    assert Comment.objects.get(pk=comment.pk).is_deleted_by_author
    assert client.get(f"/en/comments/{comment.pk}/delete/").status_code == 404


def test_report_pages(plan: ActionPlan, people: People) -> None:
    comment = make_comment(plan, body="Spam!")
    client = _client(people["cso"])
    assert "Spam!" in client.get(f"/en/comments/{comment.pk}/report/").content.decode()
    response = client.post(f"/en/comments/{comment.pk}/report/", {"reason": "", "next": PAGE})
    assert response.status_code == 200 and not CommentReport.objects.exists()
    response = client.post(
        f"/en/comments/{comment.pk}/report/", {"reason": "spam", "note": "pub", "next": PAGE}
    )
    assert response["Location"] == f"{PAGE}#comment-{comment.pk}"
    response = client.post(f"/en/comments/{comment.pk}/report/", {"reason": "spam"})
    assert response.status_code == 302 and CommentReport.objects.count() == 1


def test_moderation_pages(plan: ActionPlan, people: People) -> None:
    comment = make_comment(plan, body="Insulte")
    services.comment_report(comment=comment, reporter=people["cso"], reason="abuse")
    client = _client(people["moderator_a"])
    assert "Insulte" in client.get(f"/en/comments/{comment.pk}/hide/").content.decode()
    response = client.post(f"/en/comments/{comment.pk}/hide/", {"reason": "", "next": PAGE})
    assert response.status_code == 200 and not Comment.objects.get(pk=comment.pk).is_hidden
    response = client.post(
        f"/en/comments/{comment.pk}/hide/", {"reason": "abuse", "note": "n", "next": PAGE}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden and comment.open_report_count == 0
    # The moderator still reaches the hidden comment; others get 404.
    assert client.post(f"/en/comments/{comment.pk}/unhide/", {"next": PAGE}).status_code == 302
    assert not Comment.objects.get(pk=comment.pk).is_hidden


def test_go_to_a_comment(plan: ActionPlan, people: People) -> None:
    first = make_comment(plan, body="first")
    with override_settings(INFITAH_COMMENTS_THREAD_PAGE_SIZE=2):
        reply = make_comment(plan, parent=first)
        make_comment(plan)
        make_comment(plan)
        response = Client().get(f"/en/comments/{reply.pk}/")
    assert response["Location"] == f"/en/plans/{plan.slug}/?comment_page=2#comment-{reply.pk}"
    hidden = make_comment(plan, is_hidden=True, hidden_reason="spam")
    assert Client().get(f"/en/comments/{hidden.pk}/").status_code == 404
    assert _client(people["moderator_a"]).get(f"/en/comments/{hidden.pk}/").status_code == 302


# --- The moderation queue --------------------------------------------------------------


def test_moderation_queue_page(plan: ActionPlan, other_plan: ActionPlan, people: People) -> None:
    mine = make_comment(plan, body="Signalé A")
    theirs = make_comment(other_plan, body="Signalé B")
    for comment in (mine, theirs):
        services.comment_report(comment=comment, reporter=people["cso"], reason="spam", note="NOTE")
    html = _client(people["moderator_a"]).get("/en/comments/moderation/").content.decode()
    assert "Signalé A" in html and "Signalé B" not in html and "NOTE" in html
    assert f"/en/comments/{mine.pk}/hide/" in html and f"/en/comments/{mine.pk}/dismiss/" in html
    coordinator = _client(people["coordinator"])
    html = coordinator.get("/en/comments/moderation/").content.decode()
    assert "Signalé A" in html and "Signalé B" in html
    html = coordinator.get(
        f"/en/comments/moderation/?collectivity={other_plan.collectivity.slug}"
    ).content.decode()
    assert "Signalé A" not in html and "Signalé B" in html
    html = coordinator.get(
        "/en/comments/moderation/?status=hidden&collectivity=zzz&page=x%00"
    ).content.decode()
    assert "Unknown collectivity" in html and "Nothing waits for moderation here." in html
    assert coordinator.get("/en/comments/moderation/?status=%00").status_code == 200
    for persona in ("citizen", "cso", "editor_a", "officer_a"):
        assert _client(people[persona]).get("/en/comments/moderation/").status_code == 403
    assert Client().get("/en/comments/moderation/").status_code == 302


def test_queue_actions(plan: ActionPlan, people: People) -> None:
    comment = make_comment(plan)
    report = services.comment_report(comment=comment, reporter=people["cso"], reason="spam")
    services.comment_report(comment=comment, reporter=people["citizen"], reason="spam")
    queue = "/en/comments/moderation/"
    client = _client(people["admin_a"])
    response = client.post(f"/en/comments/reports/{report.pk}/dismiss/", {"next": queue})
    assert response["Location"] == f"{queue}#comment-{comment.pk}"
    assert Comment.objects.get(pk=comment.pk).open_report_count == 1
    client.post(f"/en/comments/{comment.pk}/dismiss/", {"next": queue})
    assert Comment.objects.get(pk=comment.pk).open_report_count == 0
    response = client.post(f"/en/comments/{comment.pk}/dismiss/", {"next": queue}, follow=True)
    assert "no open report" in response.content.decode()


def _queue_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/en/comments/moderation/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_queue_query_count(plan: ActionPlan, people: People) -> None:
    client = _client(people["moderator_a"])

    def add(count: int) -> None:
        for index in range(count):
            comment = make_comment(plan, organisation=people.organisation if index % 2 else None)
            services.comment_report(comment=comment, reporter=people["cso"], reason="spam")
            services.comment_report(comment=comment, reporter=people["citizen"], reason="abuse")

    add(2)
    small = _queue_queries(client)
    add(20)
    assert _queue_queries(client) == small


@override_settings(INFITAH_COMMENTS_THREAD_PAGE_SIZE=2, PUBLIC_PAGE_CACHE_SECONDS=0)
def test_thread_pagination_on_the_page(plan: ActionPlan) -> None:
    for index in range(5):
        make_comment(plan, body=f"conversation {index}")
    html = Client().get(PAGE).content.decode()
    assert "conversation 4" in html and "conversation 2" not in html
    assert "?comment_page=2" in html and "5 comments" in html
    html = Client().get(PAGE + "?comment_page=3").content.decode()
    assert "conversation 0" in html and "conversation 1" not in html
    assert Client().get(PAGE + "?comment_page=%00x").status_code == 200
