"""Services of plans, phases, committee and members: validation, permissions, search text."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from infitah.accounts.models import User
from infitah.plans import services
from infitah.plans.models import ActionPlan, CommitteeMember, FollowUpCommittee, Phase
from infitah.territories.models import Collectivity
from tests import factories
from tests.plans.conftest import EDITORS, PERSONAS

pytestmark = pytest.mark.django_db

PLAN_DATA = {
    "title_fr": "Programme d'ouverture 2024-2026",
    "title_ar": "برنامج عمل الانفتاح 2024-2026",
    "start_month": datetime.date(2024, 1, 15),
    "end_month": datetime.date(2026, 12, 31),
    "planned_adoption_month": datetime.date(2023, 10, 3),
}


def test_plan_create_normalises_months_and_builds_slug_and_search_text(
    commune_a: Collectivity, staff_a: User
) -> None:
    plan = services.plan_create(actor=staff_a, collectivity=commune_a, data=PLAN_DATA)
    assert plan.slug == f"{commune_a.slug}-2024"
    assert (plan.start_month, plan.end_month, plan.planned_adoption_month) == (
        datetime.date(2024, 1, 1),
        datetime.date(2026, 12, 1),
        datetime.date(2023, 10, 1),
    )
    assert plan.state == ActionPlan.State.PREPARATION and not plan.is_published
    # Titles (Arabic folded: ة→ه, أ→ا) and the collectivity's names.
    assert "برنامج عمل الانفتاح" in plan.search_text
    assert "commune a" in plan.search_text
    assert "جماعه ا" in plan.search_text
    assert ActionPlan.objects.search("انفتاح جماعة أ").get() == plan
    assert ActionPlan.objects.search("OUVERTURE commune").get() == plan


def test_plan_create_slug_collision_and_explicit_slug(
    commune_a: Collectivity, staff_a: User
) -> None:
    factories.ActionPlanFactory(slug=f"{commune_a.slug}-2024")
    plan = services.plan_create(actor=staff_a, collectivity=commune_a, data=PLAN_DATA)
    assert plan.slug == f"{commune_a.slug}-2024-2"
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            actor=staff_a,
            collectivity=commune_a,
            slug=plan.slug,
            data={**PLAN_DATA, "start_month": datetime.date(2030, 1, 1)},
        )
    assert "slug" in error.value.message_dict


def test_plan_create_refuses_bad_input(commune_a: Collectivity, staff_a: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            actor=staff_a,
            collectivity=commune_a,
            data={
                "start_month": datetime.date(2025, 1, 1),
                "end_month": datetime.date(2024, 1, 1),
            },
        )
    assert {"title_ar", "end_month"} <= set(error.value.message_dict)
    services.plan_create(actor=staff_a, collectivity=commune_a, data=PLAN_DATA)
    with pytest.raises(ValidationError):  # one plan per collectivity and period
        services.plan_create(actor=staff_a, collectivity=commune_a, data=PLAN_DATA)
    with pytest.raises(ValueError, match="Unknown fields"):
        services.plan_create(actor=staff_a, collectivity=commune_a, data={"state": "closed"})


def test_plan_create_title_in_french_only(commune_a: Collectivity, staff_a: User) -> None:
    data = {k: v for k, v in PLAN_DATA.items() if k != "title_ar"}
    plan = services.plan_create(actor=staff_a, collectivity=commune_a, data=data)
    assert plan.title_ar is None
    assert plan.title == PLAN_DATA["title_fr"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_create_and_update_plans(
    people: dict[str, User | None], commune_a: Collectivity, persona: str
) -> None:
    actor = people[persona]
    if persona in EDITORS:
        plan = services.plan_create(actor=actor, collectivity=commune_a, data=PLAN_DATA)
        services.plan_update(plan=plan, actor=actor, data={"title_fr": "Nouveau titre"})
        assert ActionPlan.objects.get().title_fr == "Nouveau titre"
        assert "nouveau titre" in ActionPlan.objects.get().search_text
    else:
        with pytest.raises(PermissionDenied):
            services.plan_create(actor=actor, collectivity=commune_a, data=PLAN_DATA)
        plan = factories.ActionPlanFactory(collectivity=commune_a)
        with pytest.raises(PermissionDenied):
            services.plan_update(plan=plan, actor=actor, data={"title_fr": "X"})


def test_bidi_controls_are_removed_from_short_texts(commune_a: Collectivity, staff_a: User) -> None:
    data = {**PLAN_DATA, "title_fr": "\u202eTitre\u202c  "}
    plan = services.plan_create(actor=staff_a, collectivity=commune_a, data=data)
    assert plan.title_fr == "Titre"


def test_phases(plan: ActionPlan, staff_a: User) -> None:
    phase = services.phase_create(
        plan=plan,
        actor=staff_a,
        data={
            "kind": Phase.Kind.CONSULTATION,
            "starts_on": datetime.date(2023, 9, 1),
            "ends_on": datetime.date(2023, 9, 30),
        },
    )
    services.phase_update(phase=phase, actor=staff_a, data={"title_fr": "Consultation en ligne"})
    assert Phase.objects.get(pk=phase.pk).title_fr == "Consultation en ligne"
    with pytest.raises(ValidationError) as error:
        services.phase_update(
            phase=phase, actor=staff_a, data={"ends_on": datetime.date(2023, 8, 1)}
        )
    assert "ends_on" in error.value.message_dict
    services.phase_delete(phase=phase, actor=staff_a)
    # The plan is in co-creation: its last phase stays.
    last = plan.phases.get()
    with pytest.raises(ValidationError):
        services.phase_delete(phase=last, actor=staff_a)
    assert plan.phases.count() == 1


def test_last_phase_may_go_in_preparation(draft: ActionPlan, staff_a: User) -> None:
    phase = factories.PhaseFactory(plan=draft)
    services.phase_delete(phase=phase, actor=staff_a)
    assert not draft.phases.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_write_phases_committee_and_members(
    people: dict[str, User | None], plan: ActionPlan, persona: str
) -> None:
    actor = people[persona]
    phase_data = {"kind": Phase.Kind.TRAINING, "starts_on": datetime.date(2023, 2, 22)}
    if persona in EDITORS:
        phase = services.phase_create(plan=plan, actor=actor, data=phase_data)
        services.phase_delete(phase=phase, actor=actor)
        committee = services.committee_create(plan=plan, actor=actor, data={"name_fr": "Comité"})
        member = services.committee_member_add(
            committee=committee,
            actor=actor,
            data={"person_name": "Salma", "side": "civil_society", "gender": "female"},
        )
        services.committee_member_update(member=member, actor=actor, data={"role": "chair"})
        services.committee_member_remove(member=member, actor=actor)
        assert not CommitteeMember.objects.exists()
    else:
        with pytest.raises(PermissionDenied):
            services.phase_create(plan=plan, actor=actor, data=phase_data)
        with pytest.raises(PermissionDenied):
            services.committee_create(plan=plan, actor=actor, data={})
        committee = factories.FollowUpCommitteeFactory(plan=plan)
        with pytest.raises(PermissionDenied):
            services.committee_member_add(committee=committee, actor=actor, data={})
        with pytest.raises(PermissionDenied):
            services.committee_update(committee=committee, actor=actor, data={})


def test_committee_is_one_per_plan(plan: ActionPlan, staff_a: User) -> None:
    services.committee_create(plan=plan, actor=staff_a, data={"name_ar": "لجنة التتبع"})
    with pytest.raises(ValidationError):
        services.committee_create(plan=plan, actor=staff_a, data={})
    committee = FollowUpCommittee.objects.get()
    services.committee_update(
        committee=committee, actor=staff_a, data={"established_on": datetime.date(2023, 3, 1)}
    )
    assert FollowUpCommittee.objects.get().established_on == datetime.date(2023, 3, 1)


def test_member_validation(committee: FollowUpCommittee, staff_a: User) -> None:
    organisation = factories.OrganisationFactory(name="Instance de l'équité")
    with pytest.raises(ValidationError) as error:
        services.committee_member_add(
            committee=committee,
            actor=staff_a,
            data={
                "person_name": "",
                "side": "nonsense",
                "organisation": organisation,
                "organisation_name": "Autre",
                "joined_on": datetime.date(2024, 1, 1),
                "left_on": datetime.date(2023, 1, 1),
            },
        )
    assert {"person_name", "side", "organisation_name", "left_on"} <= set(error.value.message_dict)
    member = services.committee_member_add(
        committee=committee,
        actor=staff_a,
        data={
            "person_name": "Khadija",
            "side": CommitteeMember.Side.CONSULTATIVE_BODY,
            "organisation": organisation,
        },
    )
    assert member.organisation_label == "Instance de l'équité"


def test_refresh_search_text_after_a_rename(plan: ActionPlan, commune_a: Collectivity) -> None:
    plan.search_text = ""
    plan.save()
    commune_a.name_fr = "Béni Mellal"
    commune_a.save()
    assert services.plan_refresh_search_text() == 1
    assert ActionPlan.objects.search("beni mellal").get() == plan
    assert services.plan_refresh_search_text(collectivity=commune_a) == 0


def test_reserved_slug_is_refused(commune_a: Collectivity, staff_a: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            actor=staff_a, collectivity=commune_a, slug="collectivity", data=PLAN_DATA
        )
    assert "slug" in error.value.message_dict
