"""Public plan pages: list, a collectivity's plans, a plan's page (Arabic included)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client
from pytest_django import Settings

from infitah.accounts.models import User
from infitah.meetings.models import Meeting
from infitah.network.models import Network
from infitah.plans import services
from infitah.plans.models import ActionPlan, CommitteeMember, FollowUpCommittee, Phase
from infitah.territories.models import Collectivity
from tests import factories
from tests.sample_map import bulk_communes, count_queries, small_map

pytestmark = pytest.mark.django_db

# 20 May 2023, noon in Casablanca: during the co-creation phase (14 March – 11 July).
DURING_CO_CREATION = datetime.datetime(2023, 5, 20, 11, 0, tzinfo=datetime.UTC)


@pytest.fixture
def no_page_cache(settings: Settings) -> None:
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def test_list_shows_published_plans_in_arabic(
    client: Client, plan: ActionPlan, draft: ActionPlan
) -> None:
    response = client.get("/ar/plans/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert "برنامج عمل الانفتاح لجماعة أ" in html
    assert "جماعة أ" in html
    assert "/ar/plans/plan-a/" in html
    assert "مسودة" not in html  # unpublished
    assert response.context["page"].paginator.count == 1


def test_list_filters(client: Client, db: None) -> None:
    places = small_map()
    commune_plan = factories.ActionPlanFactory(
        collectivity=places["commune"], title_fr="Plan Béni Mellal", slug="bm"
    )
    services_refresh()
    region_plan = factories.ActionPlanFactory(
        collectivity=places["other_region"],
        title_fr="Plan régional Tanger",
        slug="tanger",
        state=ActionPlan.State.IMPLEMENTATION,
    )
    services_refresh()

    def slugs(query: str) -> list[str]:
        response = client.get(f"/fr/plans/{query}")
        assert response.status_code == 200
        return [row.plan.slug for row in response.context["page"].object_list]

    assert sorted(slugs("")) == ["bm", "tanger"]
    assert slugs("?region=beni-mellal-khenifra") == ["bm"]
    assert slugs("?region=01") == ["tanger"]
    assert slugs("?kind=commune") == ["bm"]
    assert slugs("?kind=region") == ["tanger"]
    assert slugs("?state=implementation") == ["tanger"]
    assert slugs("?q=بني ملال") == ["bm"]
    assert slugs("?q=BENI+mellal") == ["bm"]
    assert slugs("?q=tanger") == ["tanger"]
    # Bad values are ignored with a notice, never an error.
    response = client.get("/fr/plans/?region=nowhere&kind=moon&state=dreaming&page=abc")
    assert response.status_code == 200
    assert response.context["unknown_region"] == "nowhere"
    assert response.context["unknown_kind"] == "moon"
    assert response.context["unknown_state"] == "dreaming"
    assert response.context["page"].paginator.count == 2
    assert commune_plan.pk and region_plan.pk


def services_refresh() -> None:
    services.plan_refresh_search_text()


def _plans(communes: list[Collectivity]) -> None:
    for index, commune in enumerate(communes):
        plan = factories.ActionPlanFactory(collectivity=commune, slug=f"bulk-{commune.pk}")
        factories.PhaseFactory(plan=plan)
        factories.PhaseFactory(plan=plan, kind=Phase.Kind.CONSULTATION, order=index)


def test_list_query_count_does_not_grow(client: Client, no_page_cache: None, db: None) -> None:
    places = small_map()
    communes = bulk_communes(places["province"], 20)
    _plans(communes[:2])
    few = count_queries(client, "/fr/plans/")
    _plans(communes[2:])
    many = count_queries(client, "/fr/plans/")
    assert few == many
    assert many <= 6


def test_collectivity_page(client: Client, plan: ActionPlan, draft: ActionPlan) -> None:
    response = client.get(f"/ar/plans/collectivity/{plan.collectivity.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "برنامج عمل الانفتاح لجماعة أ" in html
    assert "مسودة" not in html
    assert client.get("/ar/plans/collectivity/nowhere/").status_code == 404


def test_collectivity_page_shows_drafts_to_its_staff(
    client: Client, plan: ActionPlan, draft: ActionPlan, staff_a: User
) -> None:
    client.force_login(staff_a)
    html = client.get(f"/fr/plans/collectivity/{plan.collectivity.slug}/").content.decode()
    assert "Brouillon" in html
    assert f"/fr/plans/collectivity/{plan.collectivity.slug}/new/" in html


def test_unpublished_plan_is_404_to_the_public(
    client: Client, draft: ActionPlan, citizen: User
) -> None:
    assert client.get("/ar/plans/draft-a/").status_code == 404
    client.force_login(citizen)
    assert client.get("/ar/plans/draft-a/").status_code == 404
    assert client.get("/ar/plans/nothing-here/").status_code == 404


def test_unpublished_plan_is_shown_to_its_moderator(client: Client, draft: ActionPlan) -> None:
    moderator = factories.CollectivityRoleFactory(
        collectivity=draft.collectivity, role="moderator"
    ).user
    client.force_login(moderator)
    response = client.get("/en/plans/draft-a/")
    assert response.status_code == 200
    assert "not published" in response.content.decode()
    assert not response.context["can_change"]


@time_machine.travel(DURING_CO_CREATION, tick=False)
def test_detail_in_arabic_shows_standing_timeline_committee_and_meetings(
    client: Client,
    plan: ActionPlan,
    committee: FollowUpCommittee,
    staff_a: User,
    network: Network,
) -> None:
    services.plan_transition(
        plan=ActionPlan.objects.get(pk=plan.pk),
        to_state=ActionPlan.State.CONSULTATION,
        actor=staff_a,
    )
    plan.refresh_from_db()
    factories.PhaseFactory(
        plan=plan,
        kind=Phase.Kind.ADOPTION,
        title_ar="المصادقة في دورة أكتوبر",
        starts_on=datetime.date(2023, 10, 2),
        ends_on=None,
    )
    factories.MeetingFactory(
        plan=plan,
        network=network,
        title_ar="الورشة الثانية للإعداد المشترك",
        starts_at=datetime.datetime(2023, 7, 11, 9, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2023, 7, 11, 12, 0, tzinfo=datetime.UTC),
    )
    factories.MeetingFactory(
        plan=plan, network=network, title_ar="اجتماع غير منشور", is_published=False
    )
    response = client.get("/ar/plans/plan-a/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "برنامج عمل الانفتاح لجماعة أ" in html
    # Where it stands: the co-creation phase is in progress today.
    page = response.context["page"]
    assert page["current_phases"] == ["ورشات الإعداد التشاركي"]
    assert page["next_phase"]["title"] == "المصادقة في دورة أكتوبر"
    current = re.search(r'<li class="timeline__item[^"]*"\s+aria-current="step">', html)
    assert current is not None and "timeline__item--current" in current.group(0)
    assert html.count('aria-current="step"') == 2  # the stage and the current phase
    # Timeline in date order: phase (March), change of state (May), adoption (October).
    kinds = [("phase" if e["phase"] else "transition") for e in page["timeline"]]
    assert kinds == ["phase", "transition", "phase"]
    # Committee: names, composition.
    assert "لجنة التتبع" in html
    assert "Fatima Zahra" in html and "Ahmed Elu" in html
    assert page["committee"]["composition"]["women_percent"] == 50
    # Meetings: published only; 11 July 2023 at 10:00 in Casablanca (UTC+1 that day).
    assert "الورشة الثانية للإعداد المشترك" in html
    assert "اجتماع غير منشور" not in html
    assert "10:00" in html or "10 ص" in html or "١٠:٠٠" in html
    # No staff content for the public, and no e-mail addresses.
    assert "plan-overdue" not in html
    assert "@example.org" not in html


def test_detail_query_count_does_not_grow(
    client: Client, no_page_cache: None, plan: ActionPlan, staff_a: User, network: Network
) -> None:
    committee = factories.FollowUpCommitteeFactory(plan=plan)

    def add(count: int) -> None:
        for index in range(count):
            factories.PhaseFactory(plan=plan, kind=Phase.Kind.TRAINING, order=index)
            factories.CommitteeMemberFactory(committee=committee)
            factories.MeetingFactory(plan=plan, network=network)
            factories.MeetingFactory(
                plan=plan,
                network=network,
                kind=Meeting.Kind.FOLLOW_UP_COMMITTEE,
                starts_at=datetime.datetime(2023, 1, 1 + index, 9, tzinfo=datetime.UTC),
                ends_at=datetime.datetime(2023, 1, 1 + index, 11, tzinfo=datetime.UTC),
            )
            plan.transitions.create(from_state="co_creation", to_state="co_creation", actor=staff_a)

    add(2)
    few = count_queries(client, "/fr/plans/plan-a/")
    add(18)
    many = count_queries(client, "/fr/plans/plan-a/")
    assert few == many
    assert many <= 9  # cold read model: plan, phases, changes, members, 2 meeting reads...
    staff = Client()
    staff.force_login(staff_a)
    staff_few = count_queries(staff, "/fr/plans/plan-a/")
    add(2)
    assert count_queries(staff, "/fr/plans/plan-a/") == staff_few


def test_committee_composition_by_side(plan: ActionPlan) -> None:
    committee = factories.FollowUpCommitteeFactory(plan=plan)
    for side, gender in [
        ("elected", "male"),
        ("elected", "female"),
        ("civil_society", "female"),
        ("civil_society", "female"),
        ("consultative_body", "not_stated"),
    ]:
        factories.CommitteeMemberFactory(committee=committee, side=side, gender=gender)
    factories.CommitteeMemberFactory(
        committee=committee, side="elected", gender="male", left_on=datetime.date(2020, 1, 1)
    )
    from infitah.plans import selectors

    detail = selectors.plan_detail(selectors.plan_by_slug("plan-a"))  # type: ignore[arg-type]
    composition = detail.composition
    assert composition is not None
    assert (composition.total, composition.women, composition.men, composition.not_stated) == (
        5,
        3,
        1,
        1,
    )
    assert composition.women_percent == 60
    assert [(s.side, s.total, s.women) for s in composition.by_side] == [
        (CommitteeMember.Side.ELECTED, 2, 1),
        (CommitteeMember.Side.CIVIL_SOCIETY, 2, 2),
        (CommitteeMember.Side.CONSULTATIVE_BODY, 1, 0),
    ]
    assert len(detail.former_members) == 1


def test_anonymous_pages_are_cached_and_refreshed_on_change(
    client: Client, plan: ActionPlan, staff_a: User
) -> None:
    assert "Ateliers" in client.get("/fr/plans/plan-a/").content.decode()
    factories.PhaseFactory(plan=plan, title_fr="Formation des membres", kind="training")
    assert "Formation des membres" in client.get("/fr/plans/plan-a/").content.decode()
