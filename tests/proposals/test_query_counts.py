"""Query counts that do not grow with the rows: lists, a proposal with its comments, API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from infitah.comments import services as comment_services
from infitah.network.models import Principle
from infitah.plans.models import ActionPlan
from infitah.proposals import services
from infitah.proposals.models import Proposal
from tests import factories
from tests.proposals.conftest import People

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def _make(plan: ActionPlan, people: People, principles: list[Principle], count: int) -> None:
    """``count`` proposals of several origins, with principles, supports and comments."""
    meeting = factories.MeetingFactory(plan=plan)
    for number in range(count):
        if number % 3 == 0:
            proposal = services.proposal_enter_from_workshop(
                plan=plan,
                actor=people["admin_a"],
                meeting=meeting,
                title=f"ورشة {number}",
                body="نص",
                principles=principles,
            )
        else:
            proposal = services.proposal_submit(
                plan=plan,
                author=people["cso"] if number % 2 else people["citizen"],
                organisation=people.organisation if number % 2 else None,
                title=f"مقترح {number}",
                body="نص " * 200,
                principles=principles[: number % 3],
            )
        services.proposal_support(proposal=proposal, user=people["citizen"])


def _counts(
    plan: ActionPlan, people: People, principles: list[Principle], urls: list[str], user: str
) -> tuple[list[int], list[int]]:
    client = Client()
    if people[user] is not None:
        client.force_login(people[user])  # type: ignore[arg-type]
    _make(plan, people, principles, 2)
    few = [_queries(client, url) for url in urls]
    _make(plan, people, principles, 28)
    assert Proposal.objects.count() == 30
    many = [_queries(client, url) for url in urls]
    return few, many


LIST_URLS = [
    "/ar/proposals/",
    "/ar/proposals/?sort=supported",
    "/ar/proposals/plan/plan-a/",
    "/ar/proposals/plan/plan-a/?principle=transparency&sort=commented",
    "/ar/proposals/?q=مقترح",
    "/ar/proposals/?q=مقترح&sort=supported",
    "/api/v1/proposals/",
    "/api/v1/proposals/?plan=plan-a&ordering=supported&q=ورشة",
]


@pytest.mark.parametrize("user", ["anonymous", "citizen", "admin_a"])
def test_lists_do_not_grow_with_rows(
    plan: ActionPlan, people: People, principles: list[Principle], user: str
) -> None:
    few, many = _counts(plan, people, principles, LIST_URLS, user)
    assert few == many, list(zip(LIST_URLS, few, many, strict=True))
    assert max(many) <= 14, list(zip(LIST_URLS, many, strict=True))


@pytest.mark.parametrize("user", ["anonymous", "citizen", "moderator_a"])
def test_proposal_page_with_comments_does_not_grow(
    plan: ActionPlan, people: People, principles: list[Principle], user: str
) -> None:
    proposal = services.proposal_submit(
        plan=plan, author=people["citizen"], title="مقترح", body="نص", principles=principles
    )
    client = Client()
    if people[user] is not None:
        client.force_login(people[user])  # type: ignore[arg-type]
    url = proposal.get_absolute_url()
    commenters = [(factories.UserFactory(), factories.UserFactory()) for _ in range(20)]

    def comment(count: int) -> None:
        for author, replier in commenters[:count]:
            parent = comment_services.comment_create(target=proposal, author=author, body="رأي")
            comment_services.comment_create(
                target=proposal, author=replier, body="جواب", parent=parent
            )

    comment(2)
    few = _queries(client, url)
    commenters = commenters[2:]
    comment(18)
    proposal.refresh_from_db()
    assert proposal.comment_count == 40
    many = _queries(client, url)
    assert few == many
    assert many <= 20
