"""The admin (read-only, scoped), the search-index rebuild and cache invalidation."""

from __future__ import annotations

import pytest
from django.test import Client

from infitah.core.cache import current_content_version
from infitah.library import search
from infitah.library.models import SearchEntry
from infitah.plans.models import ActionPlan
from infitah.proposals import services
from infitah.proposals.models import Proposal
from tests import factories
from tests.proposals.conftest import People

pytestmark = pytest.mark.django_db


def _submit(plan: ActionPlan, user: object, title: str) -> Proposal:
    return services.proposal_submit(plan=plan, author=user, title=title, body="نص")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("admin_a", True),
        ("moderator_a", True),
        ("officer_a", True),
        ("coordinator", True),
        ("admin_b", False),
    ],
)
def test_admin_list_is_scoped_and_read_only(
    plan: ActionPlan, people: People, persona: str, sees: bool
) -> None:
    proposal = _submit(plan, people["citizen"], "مقترح في الإدارة")
    client = Client()
    client.force_login(people[persona])  # type: ignore[arg-type]
    response = client.get("/ar/admin/proposals/proposal/")
    if not sees:
        assert response.status_code == 200
        assert "مقترح في الإدارة" not in response.content.decode()
        change = client.get(f"/ar/admin/proposals/proposal/{proposal.pk}/change/")
        assert change.status_code in (302, 403, 404)
        return
    assert response.status_code == 200
    assert "مقترح في الإدارة" in response.content.decode()
    change = client.get(f"/ar/admin/proposals/proposal/{proposal.pk}/change/")
    assert change.status_code == 200
    assert 'name="title"' not in change.content.decode()  # read-only
    assert client.get("/ar/admin/proposals/proposal/add/").status_code == 403
    response = client.post(f"/ar/admin/proposals/proposal/{proposal.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_rebuild_writes_every_proposal_with_its_public_flag(
    plan: ActionPlan, people: People
) -> None:
    shown = _submit(plan, people["citizen"], "بوابة")
    hidden = _submit(plan, people["citizen"], "مخفي")
    services.proposal_hide(proposal=hidden, actor=people["admin_a"], reason="سبب")
    SearchEntry.objects.filter(object_type="proposals.proposal").delete()
    counts = search.rebuild(["proposals.proposal"])
    assert counts == {"proposals.proposal": 2}
    flags = dict(
        SearchEntry.objects.filter(object_type="proposals.proposal").values_list(
            "object_id", "is_public"
        )
    )
    assert flags == {shown.pk: True, hidden.pk: False}
    hits = search.search_hits("البوابة", object_types=["proposals.proposal"])
    assert [hit.object_id for hit in hits] == [shown.pk]


def test_every_change_invalidates_the_cached_pages(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"], "مقترح")
    steps = [
        lambda: services.proposal_support(proposal=proposal, user=people["cso"]),
        lambda: services.proposal_unsupport(proposal=proposal, user=people["cso"]),
        lambda: services.proposal_answer(
            proposal=proposal, actor=people["admin_a"], status="evaluating", answer=""
        ),
        lambda: services.proposal_hide(proposal=proposal, actor=people["admin_a"], reason="r"),
    ]
    for step in steps:
        before = current_content_version()
        step()
        assert current_content_version() > before


def test_plan_counts(plan: ActionPlan, people: People) -> None:
    from infitah.proposals.selectors import plan_proposal_counts

    first = _submit(plan, people["citizen"], "أ")
    second = _submit(plan, people["citizen"], "ب")
    _submit(plan, people["citizen"], "ج")
    services.proposal_answer(proposal=first, actor=people["admin_a"], status="accepted", answer="")
    services.proposal_withdraw(proposal=second, actor=people["citizen"])
    other = factories.ActionPlanFactory()
    _submit(other, people["citizen"], "د")
    counts = plan_proposal_counts(plan)
    assert counts == {"accepted": 1, "withdrawn": 1, "submitted": 1, "total": 2}


def test_refresh_counts_command(plan: ActionPlan, people: People) -> None:
    from io import StringIO

    from django.core.management import call_command

    proposal = _submit(plan, people["citizen"], "مقترح")
    Proposal.objects.filter(pk=proposal.pk).update(support_count=7)
    out = StringIO()
    call_command("proposals_refresh_counts", stdout=out)
    assert "1 proposal(s) corrected." in out.getvalue()
    assert Proposal.objects.get(pk=proposal.pk).support_count == 0


def test_bench_generator_writes_exact_counters(network: object, principles: object) -> None:
    from infitah.comments.selectors import visible_comment_count
    from infitah.proposals.bench import generate

    for _ in range(3):
        factories.CommuneFactory()
    paths = generate(proposals=300, supports=2000, comments=12, plans=3, people=40)
    assert Proposal.objects.count() == 300
    for proposal in Proposal.objects.all():
        assert proposal.support_count == proposal.supports.count()  # type: ignore[attr-defined]
    commented = Proposal.objects.get(slug=paths["proposal with comments"].split("/")[-2])
    assert commented.comment_count == 12 == visible_comment_count(commented)
    client = Client()
    for path in paths.values():
        assert client.get(path).status_code == 200, path
