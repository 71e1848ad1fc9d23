"""The action plan's state machine: allowed and forbidden moves, preconditions, log rows."""

from __future__ import annotations

import datetime
import itertools

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from infitah.accounts.models import User
from infitah.plans import services
from infitah.plans.models import ActionPlan, Phase, PlanTransition
from infitah.territories.models import Collectivity
from tests import factories
from tests.plans.conftest import PERSONAS, TRANSITIONERS

pytestmark = pytest.mark.django_db

State = ActionPlan.State
ORDER = list(services.STATE_ORDER)


def make_plan(collectivity: Collectivity, state: str, **extra: object) -> ActionPlan:
    plan = factories.ActionPlanFactory(collectivity=collectivity, state=state, **extra)
    factories.PhaseFactory(plan=plan, kind=Phase.Kind.CO_CREATION)
    if state in (State.ADOPTED, State.IMPLEMENTATION, State.CLOSED):
        plan.adopted_on = datetime.date(2023, 10, 5)
        plan.save()
    return plan


def move(plan: ActionPlan, to: str, actor: User, **kwargs: object) -> PlanTransition:
    if to == State.ADOPTED and "adopted_on" not in kwargs:
        kwargs.setdefault("adopted_on", datetime.date(2023, 10, 5))
    if "reason" not in kwargs:
        kwargs["reason"] = "Session ordinaire d'octobre, délibération n° 12"
    return services.plan_transition(plan=plan, to_state=to, actor=actor, **kwargs)  # type: ignore[arg-type]


def test_the_whole_forward_path_writes_one_log_row_per_move(
    commune_a: Collectivity, staff_a: User
) -> None:
    plan = make_plan(commune_a, State.PREPARATION)
    for target in ORDER[1:]:
        transition = move(plan, target, staff_a)
        plan.refresh_from_db()
        assert plan.state == target
        assert plan.state_changed_at == transition.at
        assert transition.actor == staff_a
    rows = list(plan.transitions.order_by("at", "pk").values_list("from_state", "to_state"))
    assert rows == list(itertools.pairwise(ORDER))


ALLOWED = set(services.TRANSITIONS)
FORBIDDEN = [
    (source, target)
    for source in ORDER
    for target in ORDER
    if source != target and (source, target) not in ALLOWED
]


def test_allowed_moves_are_one_step_forward_or_back() -> None:
    expected = set(itertools.pairwise(ORDER)) | {(b, a) for a, b in itertools.pairwise(ORDER)}
    assert expected == ALLOWED


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_each_allowed_move(
    commune_a: Collectivity, coordinator: User, source: str, target: str
) -> None:
    plan = make_plan(commune_a, source)
    transition = move(plan, target, coordinator, reason="Correction")
    assert plan.state == target
    assert ActionPlan.objects.get(pk=plan.pk).state == target
    assert (transition.from_state, transition.to_state, transition.reason) == (
        source,
        target,
        "Correction",
    )


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_each_forbidden_move_is_refused_and_leaves_no_trace(
    commune_a: Collectivity, coordinator: User, source: str, target: str
) -> None:
    plan = make_plan(commune_a, source)
    with pytest.raises(ValidationError) as error:
        move(plan, target, coordinator)
    assert "to_state" in error.value.message_dict
    assert ActionPlan.objects.get(pk=plan.pk).state == source
    assert not PlanTransition.objects.exists()


def test_unknown_state_is_refused(commune_a: Collectivity, coordinator: User) -> None:
    plan = make_plan(commune_a, State.PREPARATION)
    with pytest.raises(ValidationError):
        services.plan_transition(plan=plan, to_state="nonsense", actor=coordinator)


def test_co_creation_needs_a_published_plan_with_a_phase(
    commune_a: Collectivity, staff_a: User
) -> None:
    plan = factories.ActionPlanFactory(
        collectivity=commune_a, state=State.PREPARATION, is_published=False
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.plan_start_co_creation(plan=plan, actor=staff_a)
    messages = " ".join(error.value.message_dict["to_state"])
    assert "published" in messages and "phase" in messages
    services.plan_publish(plan=plan, actor=staff_a)
    with pytest.raises(ValidationError):
        services.plan_start_co_creation(plan=plan, actor=staff_a)
    factories.PhaseFactory(plan=plan, kind=Phase.Kind.INFORMATION)
    services.plan_start_co_creation(plan=plan, actor=staff_a)
    assert plan.state == State.CO_CREATION


def test_consultation_needs_a_co_creation_or_consultation_phase(
    commune_a: Collectivity, staff_a: User
) -> None:
    plan = factories.ActionPlanFactory(collectivity=commune_a, state=State.CO_CREATION)
    factories.PhaseFactory(plan=plan, kind=Phase.Kind.TRAINING)
    with pytest.raises(ValidationError):
        services.plan_open_consultation(plan=plan, actor=staff_a)
    factories.PhaseFactory(plan=plan, kind=Phase.Kind.CONSULTATION)
    services.plan_open_consultation(plan=plan, actor=staff_a)
    assert plan.state == State.CONSULTATION


@time_machine.travel(datetime.datetime(2023, 11, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_adoption_needs_a_past_date_and_the_session(commune_a: Collectivity, staff_a: User) -> None:
    plan = make_plan(commune_a, State.CONSULTATION)
    with pytest.raises(ValidationError) as error:
        services.plan_transition(plan=plan, to_state=State.ADOPTED, actor=staff_a)
    assert set(error.value.message_dict) == {"reason", "adopted_on"}
    with pytest.raises(ValidationError) as error:
        services.plan_adopt(
            plan=plan, actor=staff_a, adopted_on=datetime.date(2023, 11, 2), reason="Session"
        )
    assert set(error.value.message_dict) == {"adopted_on"}
    services.plan_adopt(
        plan=plan,
        actor=staff_a,
        adopted_on=datetime.date(2023, 10, 5),
        reason="Session ordinaire d'octobre 2023",
    )
    plan.refresh_from_db()
    assert plan.state == State.ADOPTED
    assert plan.adopted_on == datetime.date(2023, 10, 5)
    # Going back clears the adoption date; the adoption stays on the timeline.
    services.plan_transition(
        plan=plan, to_state=State.CONSULTATION, actor=staff_a, reason="Délibération annulée"
    )
    plan.refresh_from_db()
    assert plan.adopted_on is None
    assert list(plan.transitions.values_list("to_state", flat=True)) == [
        State.ADOPTED,
        State.CONSULTATION,
    ]


def test_implementation_then_closing(commune_a: Collectivity, staff_a: User) -> None:
    plan = make_plan(commune_a, State.ADOPTED)
    services.plan_start_implementation(plan=plan, actor=staff_a)
    services.plan_close(plan=plan, actor=staff_a, reason="Fin de la période")
    assert plan.state == State.CLOSED
    assert plan.transitions.last().reason == "Fin de la période"  # type: ignore[union-attr]


@pytest.mark.parametrize(("source", "target"), [(b, a) for a, b in itertools.pairwise(ORDER)])
def test_going_back_needs_a_reason(
    commune_a: Collectivity, staff_a: User, source: str, target: str
) -> None:
    plan = make_plan(commune_a, source)
    with pytest.raises(ValidationError) as error:
        services.plan_transition(plan=plan, to_state=target, actor=staff_a, reason="   ")
    assert "reason" in error.value.message_dict
    assert ActionPlan.objects.get(pk=plan.pk).state == source


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_move_a_plan(
    people: dict[str, User | None], commune_a: Collectivity, persona: str
) -> None:
    plan = make_plan(commune_a, State.CO_CREATION)
    actor = people[persona]
    if persona in TRANSITIONERS:
        services.plan_open_consultation(plan=plan, actor=actor)
        assert plan.state == State.CONSULTATION
    else:
        with pytest.raises(PermissionDenied):
            services.plan_open_consultation(plan=plan, actor=actor)
        assert ActionPlan.objects.get(pk=plan.pk).state == State.CO_CREATION
        assert not PlanTransition.objects.exists()


def test_log_row_records_who_when_and_why(commune_a: Collectivity, staff_a: User) -> None:
    plan = make_plan(commune_a, State.PREPARATION)
    moment = datetime.datetime(2023, 3, 14, 9, 30, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        services.plan_start_co_creation(plan=plan, actor=staff_a, reason="Lancement")
    row = PlanTransition.objects.get()
    assert (row.plan, row.actor, row.at, row.reason) == (plan, staff_a, moment, "Lancement")
    assert row.from_state == State.PREPARATION
    assert ActionPlan.objects.get(pk=plan.pk).state_changed_at == moment


def test_options_show_preconditions_and_permission(
    commune_a: Collectivity, staff_a: User, people: dict[str, User | None]
) -> None:
    plan = factories.ActionPlanFactory(
        collectivity=commune_a, state=State.PREPARATION, is_published=False
    )
    options = services.plan_transition_options(plan, staff_a)
    assert [o.to_state for o in options] == [State.CO_CREATION]
    [option] = options
    assert option.is_allowed and not option.is_available
    assert [met for _condition, met in option.preconditions] == [False, False]
    editor_options = services.plan_transition_options(plan, people["editor_a"])
    assert not editor_options[0].is_allowed
    plan.state = State.CONSULTATION
    assert [o.to_state for o in services.plan_transition_options(plan, staff_a)] == [
        State.ADOPTED,
        State.CO_CREATION,
    ]


def test_unpublishing_only_in_preparation(commune_a: Collectivity, staff_a: User) -> None:
    draft = factories.ActionPlanFactory(collectivity=commune_a, state=State.PREPARATION)
    services.plan_unpublish(plan=draft, actor=staff_a)
    assert not ActionPlan.objects.get(pk=draft.pk).is_published
    started = make_plan(
        commune_a,
        State.CO_CREATION,
        start_month=datetime.date(2030, 1, 1),
        end_month=datetime.date(2031, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.plan_unpublish(plan=started, actor=staff_a)
    assert ActionPlan.objects.get(pk=started.pk).is_published


def test_state_changed_at_is_aware() -> None:
    assert timezone.is_aware(timezone.now())
