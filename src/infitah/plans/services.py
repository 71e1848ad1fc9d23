"""Writes of the plans app: plans, their state machine, phases, committee and members.

Every function here is the only way its change is made: it checks the acting user's
permission (defence in depth: views and the API check it too), validates with
``full_clean()``, saves in one transaction and keeps ``ActionPlan.search_text`` up to
date. Errors are ``django.core.exceptions.ValidationError`` (keyed by field where a
field is at fault) and ``PermissionDenied``, with translated messages.

State machine (:class:`ActionPlan.State`)
-----------------------------------------
preparation → co-creation → consultation → adopted → implementation → closed.

Each move is :func:`plan_transition` with its own permission
(``plans.transition_to_<state>``, the collectivity's administrator, i.e. the focal
point, and coordinators) and preconditions (:data:`TRANSITIONS`); it writes one
:class:`PlanTransition` (who, when, why) shown on the public timeline.

- **Forward** moves go one state at a time:

  - to co-creation: the plan is published (the process is public from its start,
    OGP Local co-creation standards) and has at least one dated phase;
  - to consultation: a co-creation or consultation phase is on the timeline (the
    public knows when and how it was consulted);
  - to adopted: the date of the council's vote (not in the future) and the session
    or deliberation in the reason (organic law 113-14, art. 92 on the commune's
    action programme, and its equivalents for provinces and regions); the full
    adoption record comes with the commitments module;
  - to implementation: the plan has been adopted;
  - to closed: only from implementation.

- **Backward** moves are allowed one state back only, to correct a mistake or
  reopen a step (e.g. a consultation that must be run again); the reason is then
  required and public. Going back from adopted clears the adoption date (the earlier
  adoption remains on the timeline).

Unpublishing is only possible while the plan is in preparation: once the process is
public, it stays public.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infitah.core.selectors import localized_fields
from infitah.core.text import normalize_for_search, strip_bidi_controls
from infitah.plans.models import (
    ActionPlan,
    CommitteeMember,
    FollowUpCommittee,
    Phase,
    PlanTransition,
)
from infitah.plans.rules import transition_permission
from infitah.territories.models import Collectivity

__all__ = [
    "COMMITTEE_FIELDS",
    "MEMBER_FIELDS",
    "PHASE_FIELDS",
    "PLAN_FIELDS",
    "RESERVED_SLUGS",
    "STATE_ORDER",
    "TRANSITIONS",
    "Precondition",
    "TransitionOption",
    "TransitionRule",
    "committee_create",
    "committee_member_add",
    "committee_member_remove",
    "committee_member_update",
    "committee_reminders_send",
    "committee_update",
    "phase_create",
    "phase_delete",
    "phase_update",
    "plan_adopt",
    "plan_close",
    "plan_create",
    "plan_open_consultation",
    "plan_publish",
    "plan_refresh_search_text",
    "plan_search_text",
    "plan_start_co_creation",
    "plan_start_implementation",
    "plan_transition",
    "plan_transition_options",
    "plan_unpublish",
    "plan_update",
]

State = ActionPlan.State

#: Fields a plan's editors set (``slug`` only when creating it).
PLAN_FIELDS: tuple[str, ...] = (
    *localized_fields("title"),
    *localized_fields("summary"),
    "start_month",
    "end_month",
    "planned_adoption_month",
)
PHASE_FIELDS: tuple[str, ...] = (
    "kind",
    *localized_fields("title"),
    *localized_fields("description"),
    "starts_on",
    "ends_on",
    "dates_are_tentative",
    "order",
)
COMMITTEE_FIELDS: tuple[str, ...] = (
    *localized_fields("name"),
    *localized_fields("mandate"),
    "established_on",
)
MEMBER_FIELDS: tuple[str, ...] = (
    "person_name",
    "organisation",
    "organisation_name",
    "side",
    "gender",
    "role",
    "joined_on",
    "left_on",
)

#: The states in their forward order.
STATE_ORDER: tuple[str, ...] = (
    State.PREPARATION,
    State.CO_CREATION,
    State.CONSULTATION,
    State.ADOPTED,
    State.IMPLEMENTATION,
    State.CLOSED,
)

#: Longest slug a plan may have (the column's length).
_SLUG_LENGTH = 80
#: Slugs that would shadow fixed addresses under ``/<lang>/plans/`` (see ``urls.py``).
RESERVED_SLUGS = frozenset({"collectivity"})


# --- Helpers ------------------------------------------------------------------------


def _require(actor: Any, perm: str, obj: Any) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` has ``perm`` on ``obj``."""
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(gettext("You are not allowed to do this."))


def _clean_text(value: Any) -> Any:
    """Strip surrounding spaces and bidi controls from short texts; keep other values."""
    if isinstance(value, str):
        return strip_bidi_controls(value).strip()
    return value


def _apply(obj: models.Model, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    """Set ``data`` on ``obj``; a key outside ``allowed`` is a programming error."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown fields for {type(obj).__name__}: {sorted(unknown)}")
    for name, value in data.items():
        field = obj._meta.get_field(name)
        if isinstance(value, str) and isinstance(field, models.CharField):
            value = _clean_text(value)
        elif isinstance(value, str):
            value = value.strip()
        if value in ("", None) and isinstance(field, models.CharField | models.TextField):
            # Missing translations are NULL (the API shows them as null); others "".
            value = None if field.null else ""
        setattr(obj, name, value)


def plan_search_text(plan: ActionPlan) -> str:
    """Return the folded text searched for ``plan``.

    Its titles in every language, its reference and its collectivity's names in every
    language and official code (see :func:`infitah.core.text.normalize_for_search`).
    """
    collectivity = plan.collectivity
    parts = [getattr(plan, name, "") or "" for name in localized_fields("title")]
    parts.append(plan.slug)
    parts += [getattr(collectivity, name, "") or "" for name in localized_fields("name")]
    parts += [collectivity.name_zgh or "", collectivity.code]
    return normalize_for_search(" ".join(p for p in parts if p))


def plan_refresh_search_text(*, collectivity: Collectivity | None = None) -> int:
    """Recompute ``search_text`` of every plan (of ``collectivity``); return how many changed.

    For after a collectivity's names changed. Bumps the public-content version through
    the plans' saves.
    """
    queryset = ActionPlan.objects.select_related("collectivity").order_by("pk")
    if collectivity is not None:
        queryset = queryset.filter(collectivity=collectivity)
    changed = 0
    for plan in queryset:
        text = plan_search_text(plan)
        if text != plan.search_text:
            plan.search_text = text
            plan.save(update_fields=["search_text", "updated_at"])
            changed += 1
    return changed


def _has_title(plan: ActionPlan) -> bool:
    return any(getattr(plan, name, None) for name in localized_fields("title"))


def _check_plan(plan: ActionPlan) -> None:
    """``full_clean`` with the title required in any one language (not the default one)."""
    errors: dict[str, list[str]] = {}
    if not _has_title(plan):
        errors[localized_fields("title")[0]] = [
            gettext("Give the plan's title in at least one language.")
        ]
    try:
        plan.full_clean(exclude=["title", *localized_fields("title")])
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _unique_slug(base: str) -> str:
    base = (slugify(base) or "plan")[: _SLUG_LENGTH - 4].strip("-") or "plan"
    slug, number = base, 2
    while ActionPlan.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


# --- Plans ----------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor: Any, collectivity: Collectivity, data: Mapping[str, Any], slug: str = ""
) -> ActionPlan:
    """Create an unpublished plan of ``collectivity`` in preparation.

    Args:
        actor: the user acting; needs ``plans.add_actionplan`` on the collectivity.
        collectivity: the owning collectivity.
        data: values of :data:`PLAN_FIELDS` (``start_month`` and ``end_month`` required;
            a title in at least one language).
        slug: the public reference; empty: ``<collectivity slug>-<start year>`` (made
            unique). A reference already used is an error on ``slug``.

    Returns:
        The saved plan (``state`` preparation, ``is_published`` false).

    Raises:
        PermissionDenied: the actor may not add plans to this collectivity.
        ValidationError: by field (dates, title, one plan per collectivity and period).
    """
    _require(actor, "plans.add_actionplan", collectivity)
    plan = ActionPlan(collectivity=collectivity, state=State.PREPARATION, is_published=False)
    _apply(plan, data, PLAN_FIELDS)
    slug = _clean_text(slug or "")
    if slug:
        if slug in RESERVED_SLUGS:
            raise ValidationError({"slug": gettext("This reference is reserved: choose another.")})
        if ActionPlan.objects.filter(slug=slug).exists():
            raise ValidationError(
                {"slug": gettext("This reference is already used by another plan.")}
            )
        plan.slug = slug
    else:
        year = plan.start_month.year if plan.start_month else timezone.localdate().year
        plan.slug = _unique_slug(f"{collectivity.slug}-{year}")
    _check_plan(plan)
    plan.search_text = plan_search_text(plan)
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, plan: ActionPlan, actor: Any, data: Mapping[str, Any]) -> ActionPlan:
    """Change a plan's titles, summary, period and planned adoption month.

    The reference (slug), collectivity, state and publication are not changed here.

    Raises:
        PermissionDenied: the actor lacks ``plans.change_actionplan`` on the plan.
        ValidationError: by field.
    """
    _require(actor, "plans.change_actionplan", plan)
    _apply(plan, data, PLAN_FIELDS)
    _check_plan(plan)
    plan.search_text = plan_search_text(plan)
    plan.save()
    return plan


@transaction.atomic
def plan_publish(*, plan: ActionPlan, actor: Any) -> ActionPlan:
    """Make the plan public (idempotent). Needs ``plans.publish_actionplan``."""
    _require(actor, "plans.publish_actionplan", plan)
    if not plan.is_published:
        plan.is_published = True
        plan.save(update_fields=["is_published", "updated_at"])
    return plan


@transaction.atomic
def plan_unpublish(*, plan: ActionPlan, actor: Any) -> ActionPlan:
    """Hide the plan from the public again (idempotent), only while in preparation.

    Raises:
        PermissionDenied: the actor lacks ``plans.publish_actionplan``.
        ValidationError: the process has started (a public process stays public).
    """
    _require(actor, "plans.publish_actionplan", plan)
    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.state != State.PREPARATION:
        raise ValidationError(
            gettext(
                "A plan whose process has started stays public: it can only be "
                "unpublished while in preparation."
            )
        )
    if locked.is_published:
        locked.is_published = False
        locked.save(update_fields=["is_published", "updated_at"])
    plan.is_published = False
    return plan


# --- State machine ------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFacts:
    """What the preconditions look at, read once (one query for the phase kinds)."""

    is_published: bool
    phase_kinds: frozenset[str]
    adopted_on: datetime.date | None


def _plan_facts(plan: ActionPlan) -> PlanFacts:
    return PlanFacts(
        is_published=plan.is_published,
        phase_kinds=frozenset(plan.phases.values_list("kind", flat=True)),
        adopted_on=plan.adopted_on,
    )


@dataclass(frozen=True)
class Precondition:
    """A condition a move needs: ``label`` says what is needed (shown on the form)."""

    code: str
    label: Promise
    check: Callable[[PlanFacts], bool]


PUBLISHED = Precondition("published", _("The plan is published."), lambda facts: facts.is_published)
HAS_PHASE = Precondition(
    "has_phase",
    _("The timeline has at least one phase."),
    lambda facts: bool(facts.phase_kinds),
)
HAS_CONSULTATION_PHASE = Precondition(
    "has_consultation_phase",
    _("The timeline has a co-creation or public consultation phase."),
    lambda facts: bool(facts.phase_kinds & {Phase.Kind.CO_CREATION, Phase.Kind.CONSULTATION}),
)
IS_ADOPTED = Precondition(
    "is_adopted",
    _("The date of the council's adoption is recorded."),
    lambda facts: facts.adopted_on is not None,
)


@dataclass(frozen=True)
class TransitionRule:
    """One allowed move: from, to, the permission it needs and its preconditions."""

    from_state: str
    to_state: str
    preconditions: tuple[Precondition, ...] = ()
    needs_reason: bool = False
    needs_adoption_date: bool = False

    @property
    def is_backward(self) -> bool:
        return STATE_ORDER.index(self.to_state) < STATE_ORDER.index(self.from_state)

    @property
    def permission(self) -> str:
        return transition_permission(self.to_state)


def _rules() -> dict[tuple[str, str], TransitionRule]:
    forward = [
        TransitionRule(State.PREPARATION, State.CO_CREATION, (PUBLISHED, HAS_PHASE)),
        TransitionRule(State.CO_CREATION, State.CONSULTATION, (HAS_CONSULTATION_PHASE,)),
        TransitionRule(
            State.CONSULTATION, State.ADOPTED, needs_reason=True, needs_adoption_date=True
        ),
        TransitionRule(State.ADOPTED, State.IMPLEMENTATION, (IS_ADOPTED,)),
        TransitionRule(State.IMPLEMENTATION, State.CLOSED),
    ]
    backward = [
        TransitionRule(rule.to_state, rule.from_state, needs_reason=True) for rule in forward
    ]
    return {(rule.from_state, rule.to_state): rule for rule in forward + backward}


#: Every allowed move, by (from state, to state).
TRANSITIONS: dict[tuple[str, str], TransitionRule] = _rules()


@dataclass(frozen=True)
class TransitionOption:
    """A move open from the plan's current state, as the transition form shows it.

    ``preconditions`` pairs each condition with whether it is met; ``is_allowed`` is
    the actor's permission; ``is_available`` both together.
    """

    rule: TransitionRule
    label: str
    is_allowed: bool
    preconditions: list[tuple[Precondition, bool]]

    @property
    def to_state(self) -> str:
        return self.rule.to_state

    @property
    def is_available(self) -> bool:
        return self.is_allowed and all(met for _condition, met in self.preconditions)


def plan_transition_options(plan: ActionPlan, actor: Any) -> list[TransitionOption]:
    """Return the moves from ``plan``'s current state (forward first), for ``actor``.

    One query (the phase kinds), plus the actor's roles if not yet read.
    """
    facts = _plan_facts(plan)
    labels = dict(State.choices)
    rules = sorted(
        (rule for (source, _to), rule in TRANSITIONS.items() if source == plan.state),
        key=lambda rule: rule.is_backward,
    )
    return [
        TransitionOption(
            rule=rule,
            label=str(labels[rule.to_state]),
            is_allowed=bool(actor is not None and actor.has_perm(rule.permission, plan)),
            preconditions=[(condition, condition.check(facts)) for condition in rule.preconditions],
        )
        for rule in rules
    ]


@transaction.atomic
def plan_transition(
    *,
    plan: ActionPlan,
    to_state: str,
    actor: Any,
    reason: str = "",
    adopted_on: datetime.date | None = None,
) -> PlanTransition:
    """Move ``plan`` to ``to_state`` and record the move (see the module docstring).

    The plan row is locked (``select_for_update``) so two simultaneous moves cannot
    both start from the same state. ``plan`` (the caller's instance) is updated too.

    Args:
        plan: the plan.
        to_state: an :class:`ActionPlan.State` value.
        actor: the user acting; needs ``plans.transition_to_<to_state>`` on the plan.
        reason: why (public on the timeline); required going back and for adoption
            (the council session or deliberation).
        adopted_on: the day the council adopted the plan (moving to adopted only;
            not in the future, Africa/Casablanca).

    Returns:
        The :class:`PlanTransition` written.

    Raises:
        PermissionDenied: the actor lacks the move's permission.
        ValidationError: an unknown state or a move not allowed from the current state
            (on ``to_state``), an unmet precondition (on ``to_state``), a missing reason
            (on ``reason``) or adoption date (on ``adopted_on``).
    """
    if to_state not in State.values:
        raise ValidationError({"to_state": gettext("Unknown state.")})
    _require(actor, transition_permission(to_state), plan)
    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    labels = dict(State.choices)
    rule = TRANSITIONS.get((locked.state, to_state))
    if rule is None:
        raise ValidationError(
            {
                "to_state": gettext("A plan cannot move from “%(current)s” to “%(target)s”.")
                % {"current": labels[locked.state], "target": labels[to_state]}
            }
        )
    errors: dict[str, list[str]] = {}
    facts = _plan_facts(locked)
    unmet = [str(c.label) for c in rule.preconditions if not c.check(facts)]
    if unmet:
        errors["to_state"] = [
            gettext("Not possible yet: %(condition)s") % {"condition": condition}
            for condition in unmet
        ]
    reason = (reason or "").strip()
    if rule.needs_reason and not reason:
        errors["reason"] = [
            gettext("Say which council session adopted the plan (and the deliberation).")
            if rule.needs_adoption_date
            else gettext("Give the reason for going back: it is shown on the public timeline.")
        ]
    if rule.needs_adoption_date:
        if adopted_on is None:
            errors["adopted_on"] = [gettext("Give the date the council adopted the plan.")]
        elif adopted_on > timezone.localdate():
            errors["adopted_on"] = [gettext("The adoption date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    transition = PlanTransition(
        plan=locked,
        from_state=locked.state,
        to_state=to_state,
        actor=actor if getattr(actor, "pk", None) else None,
        at=now,
        reason=reason,
    )
    transition.full_clean()
    transition.save()
    locked.state = to_state
    locked.state_changed_at = now
    if rule.needs_adoption_date:
        locked.adopted_on = adopted_on
    elif rule.from_state == State.ADOPTED and rule.is_backward:
        locked.adopted_on = None
    locked.save(update_fields=["state", "state_changed_at", "adopted_on", "updated_at"])
    plan.state, plan.state_changed_at, plan.adopted_on = to_state, now, locked.adopted_on
    return transition


def plan_start_co_creation(*, plan: ActionPlan, actor: Any, reason: str = "") -> PlanTransition:
    """Preparation → co-creation (see :func:`plan_transition`)."""
    return plan_transition(plan=plan, to_state=State.CO_CREATION, actor=actor, reason=reason)


def plan_open_consultation(*, plan: ActionPlan, actor: Any, reason: str = "") -> PlanTransition:
    """Co-creation → public consultation (see :func:`plan_transition`)."""
    return plan_transition(plan=plan, to_state=State.CONSULTATION, actor=actor, reason=reason)


def plan_adopt(
    *, plan: ActionPlan, actor: Any, adopted_on: datetime.date, reason: str
) -> PlanTransition:
    """Consultation → adopted, on ``adopted_on``; ``reason`` names the council session."""
    return plan_transition(
        plan=plan, to_state=State.ADOPTED, actor=actor, reason=reason, adopted_on=adopted_on
    )


def plan_start_implementation(*, plan: ActionPlan, actor: Any, reason: str = "") -> PlanTransition:
    """Adopted → implementation (see :func:`plan_transition`)."""
    return plan_transition(plan=plan, to_state=State.IMPLEMENTATION, actor=actor, reason=reason)


def plan_close(*, plan: ActionPlan, actor: Any, reason: str = "") -> PlanTransition:
    """Implementation → closed (see :func:`plan_transition`)."""
    return plan_transition(plan=plan, to_state=State.CLOSED, actor=actor, reason=reason)


# --- Phases ---------------------------------------------------------------------------


def _check(obj: models.Model) -> None:
    obj.full_clean()


@transaction.atomic
def phase_create(*, plan: ActionPlan, actor: Any, data: Mapping[str, Any]) -> Phase:
    """Add a dated phase to the plan's timeline.

    Raises:
        PermissionDenied: the actor lacks ``plans.add_phase`` on the plan.
        ValidationError: by field (kind, dates).
    """
    _require(actor, "plans.add_phase", plan)
    phase = Phase(plan=plan)
    _apply(phase, data, PHASE_FIELDS)
    _check(phase)
    phase.save()
    return phase


@transaction.atomic
def phase_update(*, phase: Phase, actor: Any, data: Mapping[str, Any]) -> Phase:
    """Change a phase. Raises ``PermissionDenied`` or ``ValidationError`` (by field)."""
    _require(actor, "plans.change_phase", phase)
    _apply(phase, data, PHASE_FIELDS)
    _check(phase)
    phase.save()
    return phase


@transaction.atomic
def phase_delete(*, phase: Phase, actor: Any) -> None:
    """Delete a phase; the last phase of a plan whose process has started is kept.

    Raises:
        PermissionDenied: the actor lacks ``plans.delete_phase``.
        ValidationError: it is the only phase and the plan is past preparation (its
            public timeline would be empty).
    """
    _require(actor, "plans.delete_phase", phase)
    plan = ActionPlan.objects.select_for_update().get(pk=phase.plan_id)
    if plan.state != State.PREPARATION and not plan.phases.exclude(pk=phase.pk).exists():
        raise ValidationError(
            gettext("The process has started: its timeline must keep at least one phase.")
        )
    phase.delete()


# --- Follow-up committee --------------------------------------------------------------


@transaction.atomic
def committee_create(*, plan: ActionPlan, actor: Any, data: Mapping[str, Any]) -> FollowUpCommittee:
    """Create the plan's follow-up committee (one per plan).

    Raises:
        PermissionDenied: the actor lacks ``plans.add_followupcommittee`` on the plan.
        ValidationError: the plan already has a committee, or a field is invalid.
    """
    _require(actor, "plans.add_followupcommittee", plan)
    if FollowUpCommittee.objects.filter(plan=plan).exists():
        raise ValidationError(gettext("This plan already has a follow-up committee."))
    committee = FollowUpCommittee(plan=plan)
    _apply(committee, data, COMMITTEE_FIELDS)
    _check(committee)
    committee.save()
    return committee


@transaction.atomic
def committee_update(
    *, committee: FollowUpCommittee, actor: Any, data: Mapping[str, Any]
) -> FollowUpCommittee:
    """Change the committee's name, mandate or establishment date."""
    _require(actor, "plans.change_followupcommittee", committee)
    _apply(committee, data, COMMITTEE_FIELDS)
    _check(committee)
    committee.save()
    return committee


def _check_member(member: CommitteeMember) -> None:
    errors: dict[str, str] = {}
    if member.joined_on and member.left_on and member.left_on < member.joined_on:
        errors["left_on"] = gettext("The day the member left cannot be before the day they joined.")
    if member.organisation_id and member.organisation_name:
        errors["organisation_name"] = gettext(
            "Choose a registered organisation or type its name, not both."
        )
    try:
        member.full_clean(exclude=list(errors))
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, " ".join(messages))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def committee_member_add(
    *, committee: FollowUpCommittee, actor: Any, data: Mapping[str, Any]
) -> CommitteeMember:
    """Add a member (person, organisation, side, gender, role) to the committee.

    Raises:
        PermissionDenied: the actor lacks ``plans.add_committeemember`` on the committee.
        ValidationError: by field.
    """
    _require(actor, "plans.add_committeemember", committee)
    member = CommitteeMember(committee=committee)
    _apply(member, data, MEMBER_FIELDS)
    _check_member(member)
    member.save()
    return member


@transaction.atomic
def committee_member_update(
    *, member: CommitteeMember, actor: Any, data: Mapping[str, Any]
) -> CommitteeMember:
    """Change a member (set ``left_on`` when they leave: they stay in the history)."""
    _require(actor, "plans.change_committeemember", member)
    _apply(member, data, MEMBER_FIELDS)
    _check_member(member)
    member.save()
    return member


@transaction.atomic
def committee_member_remove(*, member: CommitteeMember, actor: Any) -> None:
    """Delete a member entered by mistake (the history keeps a trace).

    Someone who leaves the committee is better recorded with ``left_on``.
    """
    _require(actor, "plans.delete_committeemember", member)
    member.delete()


# --- Overdue committee reminders ------------------------------------------------------


@transaction.atomic
def committee_reminders_send(*, now: datetime.datetime | None = None) -> list[int]:
    """Warn the administrators of collectivities whose plan's committee is overdue.

    A committee is overdue by :func:`infitah.plans.selectors.committee_status` (OGP
    Local: the forum meets at least every
    ``settings.INFITAH_COMMITTEE_MAX_MONTHS_BETWEEN_MEETINGS`` months). Each overdue
    period is warned about once: ``FollowUpCommittee.overdue_warned_at`` records the
    warning, and a committee is warned again only after a new meeting (or a new
    establishment date) started a new period that became overdue in turn. Running this
    twice sends nothing the second time.

    The e-mails are sent by :func:`infitah.plans.tasks.committee_overdue_notify`,
    enqueued after the transaction commits.

    Args:
        now: the current time (default: ``timezone.now()``).

    Returns:
        The primary keys of the committees warned, in order.
    """
    from infitah.plans import selectors
    from infitah.plans.tasks import committee_overdue_notify

    now = now or timezone.now()
    day = timezone.localdate(now)
    committees = list(selectors.committees_to_check())
    last_meetings = selectors.last_meetings_by_plan([c.plan_id for c in committees], now)
    warned: list[int] = []
    for committee in committees:
        status = selectors.committee_status(
            committee,
            plan_state=committee.plan.state,
            last_meeting_at=last_meetings.get(committee.plan_id),
            on=day,
        )
        if not status.is_overdue:
            continue
        previous = committee.overdue_warned_at
        if previous is not None and previous >= status.reference_at:
            continue  # already warned about this period
        # Conditional update: two runs at once warn once. No history row and no cache
        # bump: the warning date is internal, not public content.
        updated = FollowUpCommittee.objects.filter(
            pk=committee.pk, overdue_warned_at=previous
        ).update(overdue_warned_at=now)
        if updated:
            warned.append(committee.pk)
            transaction.on_commit(
                functools.partial(committee_overdue_notify.enqueue, committee_id=committee.pk)
            )
    return warned
