"""Services of commitments: drafting rules, frozen after adoption, derived progress."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from infitah.accounts.models import User
from infitah.plans import commitments as svc
from infitah.plans.models import ActionPlan, Commitment, CouncilAdoption, Milestone
from tests.plans.commitment_factories import CommitmentFactory, MilestoneFactory
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db

S = Milestone.Status


def _create(plan: ActionPlan, actor: User, **data: object) -> Commitment:
    return svc.commitment_create(plan=plan, actor=actor, data={"title_fr": "Ouvrir", **data})


def test_reference_is_code_year_number_and_stable(plan: ActionPlan, staff_a: User) -> None:
    first = _create(plan, staff_a)
    second = _create(plan, staff_a)
    code = plan.collectivity.code
    assert first.reference == f"{code}-2024-01"
    assert second.reference == f"{code}-2024-02"
    svc.commitment_update(commitment=first, actor=staff_a, data={"title_fr": "Autre"})
    first.refresh_from_db()
    assert first.reference == f"{code}-2024-01"
    assert not first.is_published


def test_title_required_and_ogp_values_checked(plan: ActionPlan, staff_a: User) -> None:
    with pytest.raises(ValidationError) as error:
        svc.commitment_create(plan=plan, actor=staff_a, data={"lead_department": "DSI"})
    assert "title_ar" in error.value.message_dict
    with pytest.raises(ValidationError):
        _create(plan, staff_a, ogp_values=["nonsense"])
    ok = _create(plan, staff_a, ogp_values=["civic_participation", "access_to_information"])
    assert ok.ogp_values == ["access_to_information", "civic_participation"]


def test_only_accepted_proposals_of_the_plan(plan: ActionPlan, staff_a: User) -> None:
    accepted = ProposalFactory(plan=plan, status="accepted")
    submitted = ProposalFactory(plan=plan, status="submitted")
    with pytest.raises(ValidationError) as error:
        _create(plan, staff_a, proposals=[submitted])
    assert "proposals" in error.value.message_dict
    commitment = _create(plan, staff_a, proposals=[accepted])
    assert list(commitment.proposals.all()) == [accepted]


def test_permission_checked(plan: ActionPlan, citizen: User) -> None:
    with pytest.raises(PermissionDenied):
        _create(plan, citizen)


@pytest.mark.parametrize("state", ["preparation", "adopted", "implementation", "closed"])
def test_drafting_refused_outside_co_creation_and_consultation(
    plan: ActionPlan, staff_a: User, state: str
) -> None:
    commitment = CommitmentFactory(plan=plan, is_published=False)
    milestone = MilestoneFactory(commitment=commitment)
    ActionPlan.objects.filter(pk=plan.pk).update(state=state)
    label = str(dict(ActionPlan.State.choices)[state])
    for call in (
        lambda: _create(plan, staff_a),
        lambda: svc.commitment_update(commitment=commitment, actor=staff_a, data={"title_fr": "x"}),
        lambda: svc.commitment_publish(commitment=commitment, actor=staff_a),
        lambda: svc.milestone_create(commitment=commitment, actor=staff_a, data={"title_fr": "m"}),
        lambda: svc.milestone_update(milestone=milestone, actor=staff_a, data={"weight": 5}),
    ):
        with pytest.raises(ValidationError) as error:
            call()
        assert label in " ".join(error.value.messages)
    assert Commitment.objects.filter(plan=plan).count() == 1


def test_status_and_progress_updates_after_adoption(plan: ActionPlan, staff_a: User) -> None:
    commitment = CommitmentFactory(plan=plan)
    milestone = MilestoneFactory(commitment=commitment)
    with pytest.raises(ValidationError):  # not yet adopted
        svc.progress_update_post(commitment=commitment, actor=staff_a, text="Fait")
    ActionPlan.objects.filter(pk=plan.pk).update(state="implementation")
    svc.milestone_set_status(milestone=milestone, actor=staff_a, status=S.COMPLETED)
    milestone.refresh_from_db()
    assert milestone.completed_on is not None
    svc.milestone_set_status(milestone=milestone, actor=staff_a, status=S.IN_PROGRESS)
    milestone.refresh_from_db()
    assert milestone.completed_on is None
    update = svc.progress_update_post(commitment=commitment, actor=staff_a, text="Avancée")
    assert update.author == staff_a
    svc.milestone_add_evidence(
        milestone=milestone, actor=staff_a, title="PV", url="https://example.org/pv.pdf"
    )
    with pytest.raises(ValidationError):
        svc.milestone_add_evidence(
            milestone=milestone, actor=staff_a, title="x", url="javascript:alert(1)"
        )
    ActionPlan.objects.filter(pk=plan.pk).update(state="closed")
    with pytest.raises(ValidationError):
        svc.milestone_set_status(milestone=milestone, actor=staff_a, status=S.COMPLETED)


def test_completion_date_not_in_future(plan: ActionPlan, staff_a: User) -> None:
    milestone = MilestoneFactory(commitment=CommitmentFactory(plan=plan))
    with pytest.raises(ValidationError) as error:
        svc.milestone_set_status(
            milestone=milestone,
            actor=staff_a,
            status=S.COMPLETED,
            completed_on=datetime.date(2999, 1, 1),
        )
    assert "completed_on" in error.value.message_dict


def test_weight_between_1_and_100(plan: ActionPlan, staff_a: User) -> None:
    commitment = CommitmentFactory(plan=plan)
    for weight in (0, 101):
        with pytest.raises(ValidationError):
            svc.milestone_create(
                commitment=commitment, actor=staff_a, data={"title_fr": "m", "weight": weight}
            )


def _m(status: str, weight: int) -> Milestone:
    return Milestone(status=status, weight=weight)


def test_commitment_progress_weights_and_cancelled() -> None:
    commitment = Commitment()
    assert svc.commitment_progress(commitment, []) is None
    assert svc.commitment_progress(commitment, [_m(S.CANCELLED, 10)]) is None
    rows = [_m(S.COMPLETED, 30), _m(S.IN_PROGRESS, 60), _m(S.CANCELLED, 50), _m(S.NOT_STARTED, 10)]
    assert svc.commitment_progress(commitment, rows) == 30
    assert svc.commitment_progress(commitment, [_m(S.COMPLETED, 1), _m(S.NOT_STARTED, 2)]) == 33
    assert svc.commitment_progress(commitment, [_m(S.COMPLETED, 2), _m(S.NOT_STARTED, 1)]) == 67
    assert svc.plan_progress([100, 0, None, 50]) == 50
    assert svc.plan_progress([None]) is None
    assert svc.progress_step(67) == 60


def test_milestone_is_late_in_casablanca() -> None:
    milestone = Milestone(status=S.IN_PROGRESS, due_on=datetime.date(2025, 6, 30))
    # 23:30 UTC on 30 June is 00:30 on 1 July in Casablanca (UTC+1 outside Ramadan).
    with time_machine.travel(datetime.datetime(2025, 6, 30, 23, 30, tzinfo=datetime.UTC)):
        assert milestone.is_late
    with time_machine.travel(datetime.datetime(2025, 6, 30, 12, 0, tzinfo=datetime.UTC)):
        assert not milestone.is_late
    assert not Milestone(status=S.CANCELLED, due_on=datetime.date(2000, 1, 1)).is_late
    assert not Milestone(
        status=S.COMPLETED, due_on=datetime.date(2000, 1, 1), completed_on=datetime.date(2000, 1, 1)
    ).is_late


def _adoption_data(**extra: object) -> dict[str, object]:
    return {
        "session_kind": "ordinary",
        "session_month": datetime.date(2024, 10, 1),
        "adopted_on": datetime.date(2024, 10, 7),
        "deliberation_number": "45/2024",
        "votes_for": 20,
        "votes_against": 3,
        "abstentions": 1,
        **extra,
    }


def test_record_adoption_moves_plan_and_freezes(plan: ActionPlan, staff_a: User) -> None:
    ActionPlan.objects.filter(pk=plan.pk).update(state="consultation")
    plan.refresh_from_db()
    adoption = svc.plan_record_adoption(plan=plan, actor=staff_a, data=_adoption_data())
    plan.refresh_from_db()
    assert plan.state == "adopted"
    assert plan.adopted_on == datetime.date(2024, 10, 7)
    assert adoption.plan == plan
    transition = plan.transitions.get(to_state="adopted")
    assert "45/2024" in transition.reason
    with pytest.raises(ValidationError) as error:
        _create(plan, staff_a)
    assert str(ActionPlan.State.ADOPTED.label) in " ".join(error.value.messages)


def test_record_adoption_refused_in_wrong_state_rolls_back(plan: ActionPlan, staff_a: User) -> None:
    with pytest.raises(ValidationError):  # plan is in co-creation
        svc.plan_record_adoption(plan=plan, actor=staff_a, data=_adoption_data())
    assert not CouncilAdoption.objects.exists()


def test_record_adoption_checks_vote_and_permission(
    plan: ActionPlan, staff_a: User, people: dict[str, User | None]
) -> None:
    ActionPlan.objects.filter(pk=plan.pk).update(state="consultation")
    with pytest.raises(ValidationError):
        svc.plan_record_adoption(plan=plan, actor=staff_a, data=_adoption_data(votes_for=2))
    with pytest.raises(PermissionDenied):
        svc.plan_record_adoption(plan=plan, actor=people["editor_a"], data=_adoption_data())
