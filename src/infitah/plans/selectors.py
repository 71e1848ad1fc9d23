"""Reads of action plans: the public list, a plan's page, its committee's figures.

Each selector chooses its ``select_related``/``prefetch_related`` once, so pages and
the API run a fixed number of queries whatever the number of plans, phases, state
changes, committee members or meetings.

"Today" is the date in ``settings.TIME_ZONE`` (Africa/Casablanca): a phase that ends
on 31 March is in progress until midnight in Morocco, whatever the server's zone.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import NoReverseMatch
from django.utils import timezone

from infitah.accounts.selectors import scope_to_collectivities
from infitah.core.selectors import slug_url
from infitah.core.text import search_tokens
from infitah.meetings.models import Meeting
from infitah.plans.models import (
    ActionPlan,
    Commitment,
    CommitteeMember,
    FollowUpCommittee,
    Phase,
    PlanTransition,
)
from infitah.territories.models import Collectivity

__all__ = [
    "KIND_GROUPS",
    "PAST_PLAN_MEETINGS",
    "UPCOMING_PLAN_MEETINGS",
    "CommitteeComposition",
    "CommitteeStatus",
    "PlanDetail",
    "PlanStanding",
    "SideFigures",
    "TimelineEntry",
    "add_months",
    "committee_composition",
    "committee_last_meeting_at",
    "committee_status",
    "current_members",
    "plan_detail",
    "plan_list",
    "plan_meetings",
    "plan_standing",
    "plan_timeline",
    "plans_of_collectivity",
    "today",
    "visible_plans",
]

#: The list's "kind" filter: value -> collectivity kinds. "province" covers prefectures.
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "region": (Collectivity.Kind.REGION,),
    "province": (Collectivity.Kind.PROVINCE, Collectivity.Kind.PREFECTURE),
    "commune": (Collectivity.Kind.COMMUNE,),
}

#: Meetings listed on a plan's page (published, in date order): the next few upcoming
#: ones and the latest past ones; the page links to the meetings list for the others.
UPCOMING_PLAN_MEETINGS = 3
PAST_PLAN_MEETINGS = 10


def today() -> datetime.date:
    """Return today's date in ``settings.TIME_ZONE`` (Africa/Casablanca)."""
    return timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return ``day`` plus ``months`` calendar months, clamped to the month's last day.

    ``add_months(date(2023, 8, 31), 6)`` is 29 February 2024.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


# --- Lists ------------------------------------------------------------------------


def _list_queryset(queryset: QuerySet[ActionPlan]) -> QuerySet[ActionPlan]:
    return (
        queryset.select_related("collectivity", "collectivity__region")
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "order")))
        .order_by("-start_month", "collectivity__code", "pk")
    )


def plan_list(
    *,
    region_id: int | None = None,
    kind_group: str = "",
    state: str = "",
    query: str = "",
    collectivity_id: int | None = None,
) -> QuerySet[ActionPlan]:
    """Return the published plans matching the filters, newest period first.

    Args:
        region_id: only plans of collectivities in this region (a region's own plans
            included).
        kind_group: a key of :data:`KIND_GROUPS` (``""``: every kind; an unknown key
            is ignored).
        state: an :class:`ActionPlan.State` value (``""`` or unknown: every state).
        query: words searched in the plans' titles and collectivities' names (any
            language, Arabic spelling variants folded).
        collectivity_id: only this collectivity's plans.

    Returns:
        A queryset with the collectivity, its region and the phases loaded: a page
        costs one count and two queries, whatever its length.
    """
    queryset = ActionPlan.objects.published()
    if region_id is not None:
        queryset = queryset.filter(collectivity__region_id=region_id)
    if kind_group in KIND_GROUPS:
        queryset = queryset.filter(collectivity__kind__in=KIND_GROUPS[kind_group])
    if state in ActionPlan.State.values:
        queryset = queryset.filter(state=state)
    if collectivity_id is not None:
        queryset = queryset.filter(collectivity_id=collectivity_id)
    if search_tokens(query):
        queryset = queryset.search(query)
    return _list_queryset(queryset)


def visible_plans(user: Any) -> QuerySet[ActionPlan]:
    """Return the plans ``user`` may read: published ones, and unpublished ones of the
    collectivities where they hold ``plans.view_actionplan`` (every one for coordinators).

    No query is made here (the user's roles are read once and cached on the user).
    """
    published = ActionPlan.objects.published()
    if user is None or not user.is_authenticated:
        return published
    own = scope_to_collectivities(ActionPlan.objects.all(), user=user, perm="plans.view_actionplan")
    return ActionPlan.objects.filter(Q(pk__in=published.values("pk")) | Q(pk__in=own.values("pk")))


def plans_of_collectivity(collectivity: Collectivity, user: Any) -> list[ActionPlan]:
    """Return the plans of ``collectivity`` that ``user`` may read, newest period first.

    Published plans for everyone; unpublished ones too for the collectivity's staff and
    coordinators. One query (a collectivity has a handful of plans).
    """
    queryset = ActionPlan.objects.for_collectivity(collectivity)
    if not user.has_perm("plans.view_actionplan", collectivity):
        queryset = queryset.published()
    return list(_list_queryset(queryset))


# --- Where a plan stands ----------------------------------------------------------


@dataclass(frozen=True)
class PlanStanding:
    """Where the plan stands on ``on``: its state and its phases in progress.

    ``current`` are the phases in progress (several may overlap), ``next_phase`` the
    first upcoming one, ``last_done`` the latest finished one.
    """

    on: datetime.date
    state: str
    state_label: str
    current: list[Phase]
    next_phase: Phase | None
    last_done: Phase | None


def plan_standing(
    plan: ActionPlan, phases: Sequence[Phase], on: datetime.date | None = None
) -> PlanStanding:
    """Return :class:`PlanStanding` of ``plan`` from its ``phases`` (no query).

    Args:
        plan: the plan (its ``state``).
        phases: its phases, in date order.
        on: the day (default: today in Africa/Casablanca).
    """
    day = on or today()
    current: list[Phase] = []
    upcoming: list[Phase] = []
    done: list[Phase] = []
    for phase in phases:
        status = phase.status_on(day)
        if status == Phase.Status.CURRENT:
            current.append(phase)
        elif status == Phase.Status.UPCOMING:
            upcoming.append(phase)
        else:
            done.append(phase)
    return PlanStanding(
        on=day,
        state=plan.state,
        state_label=str(plan.get_state_display()),
        current=current,
        next_phase=min(upcoming, key=lambda p: (p.starts_on, p.order, p.pk), default=None),
        last_done=max(done, key=lambda p: (p.ends_on or p.starts_on, p.pk), default=None),
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the public timeline: a phase (dated) or a change of state.

    ``on`` is the phase's first day or the day of the change (Africa/Casablanca);
    ``status`` is the phase's :class:`Phase.Status` value (``""`` for a change).
    """

    on: datetime.date
    phase: Phase | None = None
    transition: PlanTransition | None = None
    status: str = ""

    @property
    def is_current(self) -> bool:
        return self.status == Phase.Status.CURRENT


def plan_timeline(
    phases: Iterable[Phase], transitions: Iterable[PlanTransition], on: datetime.date
) -> list[TimelineEntry]:
    """Merge phases and state changes in date order (a phase before a change the same day).

    No query: both lists are already loaded.
    """
    entries = [TimelineEntry(on=p.starts_on, phase=p, status=p.status_on(on)) for p in phases]
    entries += [TimelineEntry(on=timezone.localdate(t.at), transition=t) for t in transitions]
    return sorted(
        entries,
        key=lambda e: (
            e.on,
            0 if e.phase is not None else 1,
            e.phase.order if e.phase is not None else 0,
            e.transition.at
            if e.transition is not None
            else datetime.datetime.min.replace(tzinfo=datetime.UTC),
        ),
    )


# --- Follow-up committee ------------------------------------------------------------


@dataclass(frozen=True)
class SideFigures:
    """Members of one side (elected, administration, civil society...) and the women among them."""

    side: str
    label: str
    total: int
    women: int


@dataclass(frozen=True)
class CommitteeComposition:
    """Disaggregated composition of a committee's current members (no names).

    ``women_percent`` is the share of women among all current members, 0–100 rounded
    to the nearest integer (``None`` without members). ``by_side`` lists the sides
    that have members, in :class:`CommitteeMember.Side` order.
    """

    total: int
    women: int
    men: int
    not_stated: int
    women_percent: int | None
    by_side: list[SideFigures] = field(default_factory=list)


def current_members(
    members: Iterable[CommitteeMember], on: datetime.date
) -> tuple[list[CommitteeMember], list[CommitteeMember]]:
    """Split ``members`` into (current, former): former ones left on or before ``on``."""
    current: list[CommitteeMember] = []
    former: list[CommitteeMember] = []
    for member in members:
        (former if member.left_on is not None and member.left_on <= on else current).append(member)
    return current, former


def committee_composition(members: Sequence[CommitteeMember]) -> CommitteeComposition:
    """Return the gender figures of ``members``, overall and by side (no query).

    The OGP Local Handbook asks for a balanced forum (government and civil society)
    and Morocco's organic law 113-14 (art. 120) for the Equality, Equal Opportunities
    and Gender Approach Body: the page shows the share of women and each side's size.
    """
    women = sum(1 for m in members if m.gender == CommitteeMember.Gender.FEMALE)
    men = sum(1 for m in members if m.gender == CommitteeMember.Gender.MALE)
    by_side = []
    for value, label in CommitteeMember.Side.choices:
        side_members = [m for m in members if m.side == value]
        if side_members:
            by_side.append(
                SideFigures(
                    side=value,
                    label=str(label),
                    total=len(side_members),
                    women=sum(1 for m in side_members if m.gender == CommitteeMember.Gender.FEMALE),
                )
            )
    total = len(members)
    return CommitteeComposition(
        total=total,
        women=women,
        men=men,
        not_stated=total - women - men,
        women_percent=round(100 * women / total) if total else None,
        by_side=by_side,
    )


@dataclass(frozen=True)
class CommitteeStatus:
    """When the committee last met and whether its next meeting is overdue.

    ``reference_on`` is the day the current gap started: the last meeting's day, else
    the day the committee was established (else the day it was entered). ``due_on``
    is ``reference_on`` plus ``max_months`` months; ``is_overdue`` is true after
    ``due_on`` while the plan is not closed. ``last_meeting_at`` is an aware datetime.
    """

    max_months: int
    last_meeting_at: datetime.datetime | None
    last_met_on: datetime.date | None
    reference_on: datetime.date
    reference_at: datetime.datetime
    due_on: datetime.date
    is_overdue: bool


def committee_last_meeting_at(
    plan_id: int, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """Return when the plan's committee last met: the start of its latest meeting.

    Counts meetings of kind ``follow_up_committee`` of this plan that have started
    (published or not: staff may record a meeting without announcing it) and were not
    cancelled. One query.
    """
    return (
        Meeting.objects.filter(
            plan_id=plan_id,
            kind=Meeting.Kind.FOLLOW_UP_COMMITTEE,
            is_cancelled=False,
            starts_at__lte=now or timezone.now(),
        )
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def committee_status(
    committee: FollowUpCommittee,
    *,
    plan_state: str,
    last_meeting_at: datetime.datetime | None,
    on: datetime.date | None = None,
) -> CommitteeStatus:
    """Return the :class:`CommitteeStatus` of ``committee`` on ``on`` (no query).

    Rule: OGP Local asks the multi-stakeholder forum to meet at least every six months
    (``settings.INFITAH_COMMITTEE_MAX_MONTHS_BETWEEN_MEETINGS``). The meeting is
    overdue the day after the last meeting's day plus that many months; with no
    meeting yet, the gap runs from the day the committee was established. A closed
    plan's committee is never overdue.

    Args:
        committee: the committee (its ``established_on`` and ``created_at``).
        plan_state: the plan's state.
        last_meeting_at: from :func:`committee_last_meeting_at`.
        on: the day (default: today in Africa/Casablanca).
    """
    day = on or today()
    months = settings.INFITAH_COMMITTEE_MAX_MONTHS_BETWEEN_MEETINGS
    last_met_on = timezone.localdate(last_meeting_at) if last_meeting_at else None
    if last_meeting_at is not None and last_met_on is not None:
        reference_on, reference_at = last_met_on, last_meeting_at
    elif committee.established_on is not None:
        reference_on = committee.established_on
        reference_at = _start_of_day(reference_on)
    else:
        reference_at = committee.created_at or timezone.now()
        reference_on = timezone.localdate(reference_at)
    due_on = add_months(reference_on, months)
    return CommitteeStatus(
        max_months=months,
        last_meeting_at=last_meeting_at,
        last_met_on=last_met_on,
        reference_on=reference_on,
        reference_at=reference_at,
        due_on=due_on,
        is_overdue=plan_state != ActionPlan.State.CLOSED and day > due_on,
    )


# --- A plan's page ------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRow:
    """A meeting of the plan as listed on its page (published meetings only)."""

    title: str
    kind_label: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    is_cancelled: bool
    url: str


def _meeting_urls() -> Any:
    # The meetings app's pages may not be routed yet: no link rather than an error.
    try:
        return slug_url("meetings:detail")
    except NoReverseMatch:
        return lambda slug: ""


def plan_meetings(
    plan: ActionPlan,
    *,
    upcoming: int = UPCOMING_PLAN_MEETINGS,
    past: int = PAST_PLAN_MEETINGS,
    on: datetime.date | None = None,
) -> list[MeetingRow]:
    """Return the plan's next and latest published meetings, in date order. Two queries.

    Args:
        plan: the plan.
        upcoming: at most this many meetings starting on ``on`` or later.
        past: at most this many of the latest meetings that started before ``on``.
        on: the day that splits them (default: today in Africa/Casablanca).

    The page links to the meetings list (``?plan=<slug>&when=all``) for the others.
    """
    start = _start_of_day(on or today())
    published = Meeting.objects.published().filter(plan_id=plan.pk)
    columns = (
        "slug",
        *(f"title_{code}" for code, _name in settings.LANGUAGES),
        "title",
        "kind",
        "starts_at",
        "ends_at",
        "is_cancelled",
    )
    later = list(
        published.filter(starts_at__gte=start).order_by("starts_at", "pk").only(*columns)[:upcoming]
    )
    earlier = list(
        published.filter(starts_at__lt=start).order_by("-starts_at", "-pk").only(*columns)[:past]
    )
    url = _meeting_urls()
    kinds = {value: str(label) for value, label in Meeting.Kind.choices}
    return [
        MeetingRow(
            title=m.title,
            kind_label=kinds.get(m.kind, m.kind),
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            is_cancelled=m.is_cancelled,
            url=url(m.slug),
        )
        for m in [*reversed(earlier), *later]
    ]


@dataclass(frozen=True)
class PlanDetail:
    """Everything a plan's page shows (see :func:`plan_detail`)."""

    plan: ActionPlan
    phases: list[Phase]
    transitions: list[PlanTransition]
    timeline: list[TimelineEntry]
    standing: PlanStanding
    committee: FollowUpCommittee | None
    members: list[CommitteeMember]
    former_members: list[CommitteeMember]
    composition: CommitteeComposition | None
    committee_status: CommitteeStatus | None
    meetings: list[MeetingRow]


def plan_by_slug(slug: str) -> ActionPlan | None:
    """Return the plan with ``slug`` (collectivity, region and committee loaded), or ``None``.

    The plan carries ``has_commitments`` (whether it has any commitment, published or not).

    Published or not: the caller decides who may see it. One query.
    """
    max_length = ActionPlan._meta.get_field("slug").max_length or 80
    if not slug.isprintable() or len(slug) > max_length:
        return None
    return (
        ActionPlan.objects.select_related("collectivity", "collectivity__region", "committee")
        # Lets the page skip the commitments' queries when there are none.
        .annotate(has_commitments=Exists(Commitment.objects.filter(plan=OuterRef("pk"))))
        .filter(slug=slug)
        .first()
    )


def plan_committee(plan: ActionPlan) -> FollowUpCommittee | None:
    """Return the plan's committee, or ``None`` (no query when selected with the plan)."""
    try:
        return plan.committee
    except ObjectDoesNotExist:
        return None


def plan_detail(plan: ActionPlan, *, on: datetime.date | None = None) -> PlanDetail:
    """Return the :class:`PlanDetail` of ``plan`` (loaded with :func:`plan_by_slug`).

    Six queries whatever the plan's size: phases, state changes (with who made them),
    committee members (with their organisation), published meetings (upcoming and
    past), and the committee's last meeting.
    """
    day = on or today()
    phases = list(plan.phases.order_by("starts_on", "order", "pk"))
    transitions = list(plan.transitions.select_related("actor").order_by("at", "pk"))
    committee = plan_committee(plan)
    members: list[CommitteeMember] = []
    former: list[CommitteeMember] = []
    composition = None
    status = None
    if committee is not None:
        committee.plan = plan  # the rules read the collectivity through it
        every = list(
            committee.members.select_related("organisation").order_by("side", "person_name", "pk")
        )
        for member in every:
            member.committee = committee
        members, former = current_members(every, day)
        composition = committee_composition(members)
        status = committee_status(
            committee,
            plan_state=plan.state,
            last_meeting_at=committee_last_meeting_at(plan.pk),
            on=day,
        )
    for phase in phases:
        phase.plan = plan
    return PlanDetail(
        plan=plan,
        phases=phases,
        transitions=transitions,
        timeline=plan_timeline(phases, transitions, day),
        standing=plan_standing(plan, phases, day),
        committee=committee,
        members=members,
        former_members=former,
        composition=composition,
        committee_status=status,
        meetings=plan_meetings(plan, on=day),
    )


def committees_to_check() -> QuerySet[FollowUpCommittee]:
    """Return the committees of plans that are not closed, with their plan and collectivity.

    Used by the reminder task; one query.
    """
    return (
        FollowUpCommittee.objects.exclude(plan__state=ActionPlan.State.CLOSED)
        .select_related("plan", "plan__collectivity")
        .order_by("pk")
    )


def last_meetings_by_plan(
    plan_ids: Iterable[int], now: datetime.datetime | None = None
) -> dict[int, datetime.datetime]:
    """Return ``{plan id: start of its committee's latest meeting}`` (one query).

    Same meetings as :func:`committee_last_meeting_at`, for many plans at once.
    """
    from django.db.models import Max

    ids = list(plan_ids)
    if not ids:
        return {}
    rows = (
        Meeting.objects.filter(
            plan_id__in=ids,
            kind=Meeting.Kind.FOLLOW_UP_COMMITTEE,
            is_cancelled=False,
            starts_at__lte=now or timezone.now(),
        )
        .values("plan_id")
        .annotate(last=Max("starts_at"))
        .values_list("plan_id", "last")
    )
    return {plan_id: last for plan_id, last in rows if plan_id is not None}
