"""The public pages: lists, filters, sorting, search, the proposal's page, caching."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from infitah.comments import services as comment_services
from infitah.network.models import Principle
from infitah.plans.models import ActionPlan
from infitah.proposals import services
from infitah.proposals.models import Proposal
from tests import factories
from tests.proposals.conftest import People

pytestmark = pytest.mark.django_db

Status = Proposal.Status


def _submit(
    plan: ActionPlan, user: object, title: str, body: str = "نص المقترح", **kw: object
) -> Proposal:
    return services.proposal_submit(plan=plan, author=user, title=title, body=body, **kw)  # type: ignore[arg-type]


def _titles(html: str) -> list[str]:
    found = re.findall(
        r'class="proposal-card__title"><a href="[^"]+"><bdi dir="auto">(.*?)</bdi>', html
    )
    return [re.sub(r"</?mark>", "", title) for title in found]


def _client(user: object = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


def test_list_and_plan_list_show_public_proposals_only(plan: ActionPlan, people: People) -> None:
    shown = _submit(plan, people["citizen"], "مقترح ظاهر")
    hidden = _submit(plan, people["citizen"], "مقترح مخفي")
    withdrawn = _submit(plan, people["citizen"], "مقترح مسحوب")
    services.proposal_hide(proposal=hidden, actor=people["moderator_a"], reason="إشهار")
    services.proposal_withdraw(proposal=withdrawn, actor=people["citizen"])
    draft_plan = factories.ActionPlanFactory(
        collectivity=plan.collectivity,
        slug="draft",
        start_month=datetime.date(2030, 1, 1),
        end_month=datetime.date(2031, 1, 1),
    )
    in_draft = factories_proposal(draft_plan, "مقترح خطة غير منشورة")
    ActionPlan.objects.filter(pk=draft_plan.pk).update(is_published=False)

    for url in ("/ar/proposals/", "/ar/proposals/plan/plan-a/"):
        for user in (None, people["admin_a"], people["coordinator"]):
            html = _client(user).get(url).content.decode()
            assert _titles(html) == [shown.title], (url, user)
    html = _client().get("/ar/proposals/?status=withdrawn").content.decode()
    assert _titles(html) == [withdrawn.title]
    del in_draft


def factories_proposal(plan: ActionPlan, title: str) -> Proposal:
    from tests.proposals.factories import ProposalFactory

    return ProposalFactory(plan=plan, title=title)


def test_filters_and_sorting(
    plan: ActionPlan, people: People, principles: list[Principle], network: object
) -> None:
    meeting = factories.MeetingFactory(plan=plan, network=network)
    old = _submit(plan, people["citizen"], "الأقدم", principles=principles[:1])
    Proposal.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    popular = _submit(plan, people["citizen"], "الأكثر دعما", principles=principles[1:])
    Proposal.objects.filter(pk=popular.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    workshop = services.proposal_enter_from_workshop(
        plan=plan, actor=people["admin_a"], meeting=meeting, title="من الورشة", body="نص"
    )
    for name in ("cso", "admin_a", "coordinator"):
        services.proposal_support(proposal=popular, user=people[name])
    services.proposal_support(proposal=old, user=people["cso"])
    comment_services.comment_create(target=old, author=people["cso"], body="تعليق أول")
    comment_services.comment_create(target=old, author=people["citizen"], body="تعليق ثان")
    services.proposal_answer(
        proposal=old, actor=people["admin_a"], status=Status.ACCEPTED, answer="مقبول"
    )
    client = _client()

    def titles(query: str) -> list[str]:
        response = client.get(f"/ar/proposals/{query}")
        assert response.status_code == 200
        return _titles(response.content.decode())

    assert titles("") == ["من الورشة", "الأكثر دعما", "الأقدم"]
    assert titles("?sort=supported") == ["الأكثر دعما", "الأقدم", "من الورشة"]
    assert titles("?sort=commented") == ["الأقدم", "من الورشة", "الأكثر دعما"]
    assert titles("?principle=transparency") == ["الأقدم"]
    assert titles("?status=accepted") == ["الأقدم"]
    assert titles("?origin=workshop") == ["من الورشة"]
    assert titles(f"?meeting={meeting.slug}") == ["من الورشة"]
    assert titles("?plan=plan-a&sort=supported") == ["الأكثر دعما", "الأقدم", "من الورشة"]
    assert Proposal.objects.get(pk=old.pk).comment_count == 2
    del workshop
    # Unknown values are ignored with a notice, never an error.
    response = client.get("/ar/proposals/?status=nope&principle=x&sort=y&plan=z&page=99")
    assert response.status_code == 200
    assert len(_titles(response.content.decode())) == 3


def test_arabic_search_matches_spelling_variants(plan: ActionPlan, people: People) -> None:
    _submit(plan, people["citizen"], "إحداث بوابة إلكترونية للجماعة", body="نشر المعلومات")
    _submit(plan, people["citizen"], "تنظيم لقاءات تواصلية", body="مع الساكنة")
    client = _client()
    variants = ("بوابه", "البوابات", "الكترونيه", "للبوابة", "إلكترونيّة", "بوابـــة", "ﺑﻮﺍﺑﺔ")
    for query in variants:
        titles = _titles(client.get("/ar/proposals/", {"q": query}).content.decode())
        assert len(titles) == 1 and "بوابة" in titles[0], query
    assert _titles(client.get("/ar/proposals/", {"q": "لقاء"}).content.decode())
    assert not _titles(client.get("/ar/proposals/", {"q": "ميزانية"}).content.decode())
    # A sorted search and a search of withdrawn proposals (not in the public index) work.
    withdrawn = _submit(plan, people["citizen"], "بوابة مسحوبة")
    services.proposal_withdraw(proposal=withdrawn, actor=people["citizen"])
    found = _titles(
        client.get("/ar/proposals/", {"q": "بوابة", "status": "withdrawn"}).content.decode()
    )
    assert found == ["بوابة مسحوبة"]
    assert "بوابة مسحوبة" not in _titles(
        client.get("/ar/proposals/", {"q": "بوابة"}).content.decode()
    )
    assert _titles(
        client.get("/ar/proposals/", {"q": "بوابه", "sort": "supported"}).content.decode()
    )


def test_hidden_proposal_is_a_404_except_for_staff_and_author(
    plan: ActionPlan, people: People
) -> None:
    proposal = _submit(plan, people["cso"], "مقترح سيخفى")
    services.proposal_hide(proposal=proposal, actor=people["moderator_a"], reason="سبب الإخفاء")
    url = proposal.get_absolute_url()
    for name in ("anonymous", "citizen", "admin_b"):
        assert _client(people[name]).get(url).status_code == 404, name
    for name in ("cso", "moderator_a", "officer_a", "coordinator"):
        response = _client(people[name]).get(url)
        assert response.status_code == 200, name
        assert "سبب الإخفاء" in response.content.decode()


def test_detail_page_for_anonymous_visitors_is_cacheable_and_impersonal(
    plan: ActionPlan, people: People
) -> None:
    proposal = _submit(plan, people["citizen"], "مقترح للعموم", body="نص طويل")
    services.proposal_support(proposal=proposal, user=people["cso"])
    client = _client()
    response = client.get(proposal.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" not in html
    assert "/accounts/login/?next=" in html
    assert getattr(response, "infitah_public", False)
    assert "citizen@example.org" not in html and "cso@example.org" not in html


def test_detail_page_shows_support_state_to_signed_in_people(
    plan: ActionPlan, people: People
) -> None:
    proposal = _submit(plan, people["citizen"], "مقترح")
    client = _client(people["cso"])
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert f'action="/ar/proposals/{proposal.slug}/support/"' in html
    client.post(f"/ar/proposals/{proposal.slug}/support/")
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert f'action="/ar/proposals/{proposal.slug}/unsupport/"' in html
    html = client.get("/ar/proposals/").content.decode()
    assert "proposal-supported" in html


def test_withdrawn_proposal_page_stays_readable(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"], "مقترح مسحوب")
    services.proposal_withdraw(proposal=proposal, actor=people["citizen"])
    response = _client().get(proposal.get_absolute_url())
    assert response.status_code == 200


def test_meeting_page_selector_lists_its_proposals(plan: ActionPlan, people: People) -> None:
    from infitah.proposals.selectors import proposals_for_meeting

    meeting = factories.MeetingFactory(plan=plan)
    group = factories.BreakoutGroupFactory(agenda_item__meeting=meeting)
    first = services.proposal_enter_from_workshop(
        plan=plan,
        actor=people["admin_a"],
        meeting=meeting,
        breakout_group=group,
        title="أ",
        body="ب",
    )
    hidden = services.proposal_enter_from_workshop(
        plan=plan, actor=people["admin_a"], meeting=meeting, title="ج", body="د"
    )
    services.proposal_hide(proposal=hidden, actor=people["admin_a"], reason="خطأ")
    assert proposals_for_meeting(meeting) == [first]


def test_plan_page_says_when_proposals_are_not_collected(plan: ActionPlan, people: People) -> None:
    _submit(plan, people["citizen"], "قبل الاعتماد")
    ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.ADOPTED)
    html = _client(people["citizen"]).get("/ar/proposals/plan/plan-a/").content.decode()
    assert "/ar/proposals/plan/plan-a/new/" not in html
    assert _titles(html) == ["قبل الاعتماد"]
    response = _client(people["citizen"]).get("/ar/proposals/plan/plan-a/new/")
    assert response.status_code == 302


def test_unknown_addresses_are_404(people: People, plan: ActionPlan) -> None:
    client = _client()
    assert client.get("/ar/proposals/nosuch/").status_code == 404
    assert client.get("/ar/proposals/plan/nosuch/").status_code == 404
    assert client.get("/ar/proposals/" + "a" * 30 + "/").status_code == 404


def test_forms_render_and_reshow_errors(plan: ActionPlan, people: People) -> None:
    meeting = factories.MeetingFactory(plan=plan)
    factories.BreakoutGroupFactory(agenda_item__meeting=meeting)
    proposal = _submit(plan, people["citizen"], "مقترح")
    author, staff = _client(people["citizen"]), _client(people["admin_a"])
    for client, url in (
        (author, "/ar/proposals/plan/plan-a/new/"),
        (author, f"/ar/proposals/{proposal.slug}/edit/"),
        (author, f"/ar/proposals/{proposal.slug}/withdraw/"),
        (staff, "/ar/proposals/plan/plan-a/enter/"),
        (staff, f"/ar/proposals/plan/plan-a/enter/?meeting={meeting.slug}"),
        (staff, f"/ar/proposals/{proposal.slug}/answer/"),
        (staff, f"/ar/proposals/{proposal.slug}/hide/"),
        (staff, proposal.get_absolute_url()),
        (staff, "/ar/proposals/plan/plan-a/"),
    ):
        assert client.get(url).status_code == 200, url
    response = staff.post(f"/ar/proposals/{proposal.slug}/answer/", {"status": "rejected"})
    assert response.status_code == 200 and "form__errors" in response.content.decode()
    response = staff.post(
        "/ar/proposals/plan/plan-a/enter/", {"origin": "workshop", "title": "t", "body": "b"}
    )
    assert response.status_code == 200 and "form__errors" in response.content.decode()
    response = author.post("/ar/proposals/plan/plan-a/new/", {"title": "", "body": ""})
    assert response.status_code == 200 and "form__errors" in response.content.decode()
    response = staff.post(
        "/ar/proposals/plan/plan-a/enter/",
        {
            "origin": "workshop",
            "meeting": meeting.pk,
            "title": "ورشة",
            "body": "نص",
            "another": "1",
        },
    )
    assert (
        response.status_code == 302 and response["Location"] == "/ar/proposals/plan/plan-a/enter/"
    )


def test_cso_representative_proposes_for_the_organisation(plan: ActionPlan, people: People) -> None:
    client = _client(people["cso"])
    html = client.get("/ar/proposals/plan/plan-a/new/").content.decode()
    assert 'name="organisation"' in html
    response = client.post(
        "/ar/proposals/plan/plan-a/new/",
        {"title": "مقترح الجمعية", "body": "نص", "organisation": people.organisation.pk},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.organisation == people.organisation
    assert "جمعية الأمل" in _client().get(proposal.get_absolute_url()).content.decode()
    # A citizen without an organisation gets no such field.
    html = _client(people["citizen"]).get("/ar/proposals/plan/plan-a/new/").content.decode()
    assert 'name="organisation"' not in html


def test_support_from_an_anonymous_visitor_goes_to_sign_in(
    plan: ActionPlan, people: People
) -> None:
    proposal = _submit(plan, people["citizen"], "مقترح")
    response = _client().post(f"/ar/proposals/{proposal.slug}/support/")
    assert response.status_code == 302
    assert response["Location"].startswith("/ar/accounts/login/?next=")
    assert proposal.slug in response["Location"] and "support" not in response["Location"]


def test_support_redirects_to_a_safe_next_only(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"], "مقترح")
    client = _client(people["cso"])
    response = client.post(f"/ar/proposals/{proposal.slug}/support/", {"next": "/ar/proposals/"})
    assert response["Location"] == "/ar/proposals/"
    response = client.post(
        f"/ar/proposals/{proposal.slug}/unsupport/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == proposal.get_absolute_url()
