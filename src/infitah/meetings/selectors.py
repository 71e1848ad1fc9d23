"""Reads of the meetings app, with their related rows chosen once.

Every function states its cost in queries; none grows with the number of rows shown.
Attendance is personal data: the public only ever gets :class:`AttendanceFigures`
(counts and shares), computed with one aggregate query and cached by public-content
version (:func:`infitah.core.selectors.cached_aggregate`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from infitah.accounts.models import User
from infitah.accounts.selectors import scope_to_collectivities, user_is_network_coordinator
from infitah.meetings.models import (
    AgendaItem,
    Attendance,
    BreakoutGroup,
    Meeting,
    MeetingDocument,
    Registration,
)
from infitah.plans.models import ActionPlan
from infitah.territories.models import Collectivity

__all__ = [
    "MIN_ATTENDANCE_FOR_BREAKDOWN",
    "AttendanceFigures",
    "FigureRow",
    "MeetingFilters",
    "RegistrationState",
    "agenda_items",
    "attendance_figures",
    "attendance_list",
    "manageable_meetings",
    "meeting_documents",
    "meeting_for_page",
    "meeting_page",
    "page_figures",
    "page_registration_open",
    "page_registration_state",
    "document_rows",
    "plan_attendance_figures",
    "plan_by_slug",
    "public_meetings",
    "registration_list",
    "registration_state",
    "resolve_collectivity",
    "user_registrations",
]

#: Below this many attendees the public sees only the total: a breakdown of two or three
#: people by gender and age band could point at someone (statistical disclosure control).
MIN_ATTENDANCE_FOR_BREAKDOWN = 5

Status = Registration.Status


# --- Public list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFilters:
    """Filters of the public list and the calendars (all optional).

    ``when``: ``"upcoming"`` (not ended, soonest first), ``"past"`` (latest first) or
    ``""`` (all, latest first). ``collectivity``: meetings it organised or took part
    in. ``region``: meetings organised in the region. ``network_only``: meetings of the
    network itself. ``query``: words of the title, venue, city or collectivity names.
    """

    when: str = "upcoming"
    kind: str = ""
    collectivity: Collectivity | None = None
    region: Collectivity | None = None
    plan: ActionPlan | None = None
    network_only: bool = False
    query: str = ""


def _confirmed_count() -> Coalesce:
    """The number of confirmed registrations of each meeting (a correlated subquery).

    A subquery rather than a ``GROUP BY``: the database computes it for the rows of the
    page only.
    """
    counts = (
        Registration.objects.filter(meeting=OuterRef("pk"), status=Status.CONFIRMED)
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def public_meetings(
    filters: MeetingFilters | None = None, *, now: datetime.datetime | None = None
) -> QuerySet[Meeting]:
    """Published meetings matching ``filters``, with organiser, plan and confirmed count.

    Returns:
        An ordered queryset (one query for a page of rows, one to count them); each
        meeting carries ``confirmed_count`` (annotated). Unpublished meetings and
        meetings of unpublished plans never appear.
    """
    filters = filters or MeetingFilters()
    now = now or timezone.now()
    queryset = Meeting.objects.published().select_related("collectivity", "plan")
    if filters.when == "upcoming":
        queryset = queryset.upcoming(now)
    elif filters.when == "past":
        queryset = queryset.past(now)
    else:
        queryset = queryset.order_by("-starts_at", "-pk")
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.collectivity is not None:
        took_part = Meeting.participating_collectivities.through.objects.filter(
            collectivity_id=filters.collectivity.pk
        ).values("meeting_id")
        queryset = queryset.filter(
            Q(collectivity_id=filters.collectivity.pk) | Q(pk__in=Subquery(took_part))
        )
    if filters.region is not None:
        queryset = queryset.filter(collectivity__region_id=filters.region.pk)
    if filters.plan is not None:
        queryset = queryset.filter(plan_id=filters.plan.pk)
    if filters.network_only:
        queryset = queryset.filter(collectivity__isnull=True)
    if filters.query:
        queryset = queryset.search(filters.query)
    return queryset.annotate(confirmed_count=_confirmed_count())


def resolve_collectivity(value: str, *, regions_only: bool = False) -> Collectivity | None:
    """The collectivity whose slug or official code is ``value`` (one query), or ``None``."""
    if not value or not value.isprintable() or len(value) > 220:
        return None
    queryset = Collectivity.objects.filter(Q(slug=value) | Q(code=value))
    if regions_only:
        queryset = queryset.filter(kind=Collectivity.Kind.REGION)
    return queryset.order_by("pk").first()


def plan_by_slug(value: str) -> ActionPlan | None:
    """The published action plan with this slug (one query), or ``None``."""
    if not value or not value.isprintable() or len(value) > 80:
        return None
    return ActionPlan.objects.published().filter(slug=value).first()


# --- One meeting -----------------------------------------------------------------------------


def meeting_for_page(slug: str, user: Any = None) -> Meeting | None:
    """The meeting with this slug if ``user`` may see it, with what its page shows.

    Published meetings (of published plans) are public; others are seen by
    ``meetings.view_meeting`` holders (the organiser's staff, coordinators). Loads the
    organiser, plan and network, the participating collectivities and organisations
    (prefetched): two queries plus the permission check's.

    Returns:
        The meeting or ``None`` (unknown, or not visible to ``user``).
    """
    if not slug or len(slug) > 120:
        return None
    meeting = (
        Meeting.objects.select_related("collectivity", "plan", "network")
        .prefetch_related(
            Prefetch(
                "participating_collectivities",
                queryset=Collectivity.objects.order_by("kind", "code"),
            ),
            "participating_organisations",
        )
        .filter(slug=slug)
        .first()
    )
    if meeting is None:
        return None
    if is_public(meeting):
        return meeting
    if user is not None and user.has_perm("meetings.view_meeting", meeting):
        return meeting
    return None


def is_public(meeting: Meeting) -> bool:
    """Whether the public may see ``meeting`` (published; its plan too). No query if loaded."""
    if not meeting.is_published:
        return False
    return meeting.plan_id is None or bool(meeting.plan and meeting.plan.is_published)


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda in order (day, start time, order) with groups: two queries."""
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("day", "start_time", "order", "pk")
        .prefetch_related(
            Prefetch("groups", queryset=BreakoutGroup.objects.order_by("order", "pk"))
        )
    )


def meeting_documents(meeting: Meeting, *, include_private: bool = False) -> list[MeetingDocument]:
    """The meeting's documents (public ones only unless ``include_private``): one query."""
    queryset = MeetingDocument.objects.filter(meeting=meeting)
    if not include_private:
        queryset = queryset.filter(is_public=True)
    return list(queryset.order_by("kind", "pk"))


# --- Registration --------------------------------------------------------------------------


@dataclass
class RegistrationState:
    """What the registration box of a meeting page shows to one visitor.

    ``places_left`` is ``None`` for an unlimited meeting. ``mine`` is the visitor's
    active registration, ``waiting_position`` its 1-based rank on the waiting list.
    """

    is_open: bool
    capacity: int | None
    confirmed: int
    waiting: int
    places_left: int | None
    is_full: bool
    mine: Registration | None = None
    waiting_position: int | None = None
    can_cancel: bool = False
    needs_verified_email: bool = False


def registration_state(
    meeting: Meeting, user: Any = None, *, now: datetime.datetime | None = None
) -> RegistrationState:
    """Counts and the visitor's own registration: one aggregate query, two for a member.

    Args:
        meeting: the meeting.
        user: the visitor (anonymous users have no registration).
    """
    now = now or timezone.now()
    counts = Registration.objects.filter(meeting=meeting).aggregate(
        confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Status.WAITING)),
    )
    confirmed, waiting = counts["confirmed"], counts["waiting"]
    places_left = None if meeting.capacity is None else max(meeting.capacity - confirmed, 0)
    state = RegistrationState(
        is_open=meeting.registration_is_open(now) and is_public(meeting),
        capacity=meeting.capacity,
        confirmed=confirmed,
        waiting=waiting,
        places_left=places_left,
        is_full=places_left == 0,
    )
    if user is None or not user.is_authenticated:
        return state
    _add_user_registration(state, meeting, user, now)
    return state


def _add_user_registration(
    state: RegistrationState, meeting: Meeting, user: Any, now: datetime.datetime
) -> None:
    """Fill ``state``'s parts of the signed-in ``user``: one query, two on the waiting list."""
    mine = (
        Registration.objects.filter(meeting=meeting, user=user)
        .exclude(status=Status.CANCELLED)
        .first()
    )
    state.mine = mine
    if mine is not None:
        state.can_cancel = now < meeting.starts_at
        if mine.status == Status.WAITING:
            ahead = Registration.objects.filter(meeting=meeting, status=Status.WAITING).filter(
                Q(created_at__lt=mine.created_at) | Q(created_at=mine.created_at, pk__lt=mine.pk)
            )
            state.waiting_position = ahead.count() + 1
    elif state.is_open:
        state.needs_verified_email = not user.has_perm("meetings.register", meeting)


def user_registrations(user: User) -> QuerySet[Registration]:
    """A person's registrations, latest meeting first, with meeting and organiser.

    One query for a page (one more to count it).
    """
    return (
        Registration.objects.filter(user=user)
        .select_related("meeting", "meeting__collectivity", "organisation")
        .order_by("-meeting__starts_at", "-created_at", "-pk")
    )


def registration_list(meeting: Meeting, *, status: str = "") -> QuerySet[Registration]:
    """A meeting's registrations for its organisers, in order, with person and organisation.

    Args:
        status: one ``Registration.Status`` value, or ``""`` for all.
    """
    queryset = (
        Registration.objects.filter(meeting=meeting)
        .select_related("user", "organisation", "attendance")
        .order_by("created_at", "pk")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def attendance_list(meeting: Meeting) -> QuerySet[Attendance]:
    """A meeting's attendance records for its organisers, with registration and organisation."""
    return (
        Attendance.objects.filter(meeting=meeting)
        .select_related("organisation", "registration", "user")
        .order_by("pk")
    )


def unrecorded_registrations(meeting: Meeting) -> QuerySet[Registration]:
    """Active registrations of ``meeting`` whose attendance is not recorded yet."""
    return (
        Registration.objects.filter(meeting=meeting, attendance__isnull=True)
        .exclude(status=Status.CANCELLED)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def manageable_meetings(user: Any) -> QuerySet[Meeting]:
    """Every meeting (published or not) that ``user`` may change, latest first.

    Coordinators: all; a collectivity's administrators and editors: their
    collectivity's. Costs no query beyond the cached role look-up until evaluated.
    """
    queryset = Meeting.objects.select_related("collectivity", "plan").order_by("-starts_at", "-pk")
    return scope_to_collectivities(queryset, user=user, perm="meetings.change_meeting")


def organiser_collectivities(user: Any) -> tuple[QuerySet[Collectivity], bool]:
    """The collectivities ``user`` may organise meetings for, and whether the network too.

    Returns:
        ``(collectivities, network)``: a queryset of collectivities (all of them for
        coordinators) and ``True`` for coordinators, who also organise network meetings.
    """
    coordinator = user_is_network_coordinator(user)
    queryset = scope_to_collectivities(
        Collectivity.objects.order_by("kind", "code"),
        user=user,
        perm="meetings.add_meeting",
        field="pk",
    )
    return queryset, coordinator


# --- Attendance figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    """One line of a breakdown: the value, its label in the active language, count, share."""

    value: str
    label: str
    count: int
    share: int | None


@dataclass(frozen=True)
class AttendanceFigures:
    """Aggregated attendance: never names, only counts and shares (integers 0–100).

    Shares are of the total (people whose gender or age was not stated count in the
    total, under "not stated"). ``youth`` counts the age bands of
    ``Attendance.YOUTH_BANDS`` (under 35, as the HCP counts youth). ``is_breakdown_public``
    is false below :data:`MIN_ATTENDANCE_FOR_BREAKDOWN` people: public pages then show
    the total only. ``meetings`` is the number of meetings counted (plan figures).
    """

    total: int
    women: int
    youth: int
    associations: int
    share_women: int | None
    share_youth: int | None
    share_associations: int | None
    by_category: list[FigureRow] = field(default_factory=list)
    by_gender: list[FigureRow] = field(default_factory=list)
    by_age_band: list[FigureRow] = field(default_factory=list)
    meetings: int = 1

    @property
    def is_breakdown_public(self) -> bool:
        return self.total >= MIN_ATTENDANCE_FOR_BREAKDOWN

    @property
    def minimum_for_breakdown(self) -> int:
        return MIN_ATTENDANCE_FOR_BREAKDOWN


_BREAKDOWNS: tuple[tuple[str, type[Any]], ...] = (
    ("category", Attendance.Category),
    ("gender", Attendance.Gender),
    ("age_band", Attendance.AgeBand),
)


def _count_attendance(
    queryset: QuerySet[Attendance], *, with_meetings: bool = False
) -> dict[str, int]:
    """Every count of the figures, in one aggregate query (plain dict, cacheable)."""
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "youth": Count("pk", filter=Q(age_band__in=sorted(Attendance.YOUTH_BANDS))),
    }
    if with_meetings:
        aggregates["meetings"] = Count("meeting_id", distinct=True)
    for name, choices in _BREAKDOWNS:
        for value in choices.values:
            aggregates[f"{name}:{value}"] = Count("pk", filter=Q(**{name: value}))
    return {key: int(value or 0) for key, value in queryset.aggregate(**aggregates).items()}


def _share(count: int, total: int) -> int | None:
    return round(100 * count / total) if total else None


def _figures(counts: dict[str, int], meetings: int = 1) -> AttendanceFigures:
    """Build :class:`AttendanceFigures` (labels in the active language) from counts."""
    total = counts.get("total", 0)
    rows: dict[str, list[FigureRow]] = {}
    for name, choices in _BREAKDOWNS:
        rows[name] = [
            FigureRow(
                value=value,
                label=str(label),
                count=counts.get(f"{name}:{value}", 0),
                share=_share(counts.get(f"{name}:{value}", 0), total),
            )
            for value, label in choices.choices
        ]
    women = counts.get(f"gender:{Attendance.Gender.FEMALE}", 0)
    youth = counts.get("youth", 0)
    associations = counts.get(f"category:{Attendance.Category.ASSOCIATION}", 0)
    return AttendanceFigures(
        total=total,
        women=women,
        youth=youth,
        associations=associations,
        share_women=_share(women, total),
        share_youth=_share(youth, total),
        share_associations=_share(associations, total),
        by_category=rows["category"],
        by_gender=rows["gender"],
        by_age_band=rows["age_band"],
        meetings=meetings,
    )


def attendance_figures(meeting: Meeting) -> AttendanceFigures:
    """Aggregated attendance of one meeting (one aggregate query; cached by content version)."""
    from infitah.core.selectors import cached_aggregate

    meeting_id = meeting.pk
    counts = cached_aggregate(
        f"meetings:attendance:1:{meeting_id}",
        lambda: _count_attendance(Attendance.objects.filter(meeting_id=meeting_id)),
    )
    return _figures(counts)


def plan_attendance_figures(plan: ActionPlan) -> AttendanceFigures:
    """Aggregated attendance of every public, held meeting of an action plan.

    Counts attendance of the plan's published, not cancelled meetings (attendances,
    not distinct people: someone who came to two workshops counts twice). One
    aggregate query; cached by public-content version.
    ``meetings`` on the result is the number of those meetings that have attendance.

    For the plan's page (``plans`` app): ``{% if figures.total %}...``; show the
    breakdowns only when ``figures.is_breakdown_public``.
    """
    from infitah.core.selectors import cached_aggregate

    plan_id = plan.pk

    def compute() -> dict[str, int]:
        attendance = Attendance.objects.filter(
            meeting__plan_id=plan_id, meeting__is_published=True, meeting__is_cancelled=False
        )
        return _count_attendance(attendance, with_meetings=True)

    counts = cached_aggregate(f"meetings:plan-attendance:1:{plan_id}", compute)
    return _figures(counts, meetings=counts.get("meetings", 0))


# --- The meeting page's read model -----------------------------------------------------------

#: Layout of :func:`meeting_page`'s cached value; change it when the dict's shape changes,
#: so that a new release never reads an old entry.
_PAGE_LAYOUT = 1


def _document_row(document: MeetingDocument) -> dict[str, Any]:
    return {
        "pk": document.pk,
        "title": str(document.title),
        "kind_display": str(document.get_kind_display()),
        "is_public": document.is_public,
    }


def document_rows(meeting: Meeting, *, include_private: bool = False) -> list[dict[str, Any]]:
    """:func:`meeting_documents` as the page's rows (``pk``, ``title``, ``kind_display``,
    ``is_public``; texts in the active language). One query."""
    return [
        _document_row(document)
        for document in meeting_documents(meeting, include_private=include_private)
    ]


def _group_row(group: BreakoutGroup) -> dict[str, Any]:
    return {
        "name": str(group.name),
        "topic": str(group.topic or ""),
        "room": str(group.room or ""),
        "facilitator": str(group.facilitator or ""),
        "rapporteur": str(group.rapporteur or ""),
        "output": str(group.output or ""),
    }


def _page_plan_url(plan: ActionPlan | None) -> str:
    """The plan's page, or ``""`` while the plan is unpublished or has no page."""
    from django.urls import NoReverseMatch

    if plan is None or not plan.is_published:
        return ""
    try:
        return plan.get_absolute_url()
    except NoReverseMatch:
        return ""


def _compute_page(slug: str) -> dict[str, Any] | None:
    """Build :func:`meeting_page`'s value (about eight queries; ``None`` when unknown)."""
    from infitah.proposals.selectors import proposals_for_meeting

    meeting = (
        Meeting.objects.select_related("collectivity", "plan", "network")
        .prefetch_related(
            Prefetch(
                "participating_collectivities",
                queryset=Collectivity.objects.order_by("kind", "code"),
            ),
            "participating_organisations",
        )
        .filter(slug=slug)
        .first()
    )
    if meeting is None:
        return None
    agenda: list[dict[str, Any]] = []
    outputs: list[dict[str, Any]] = []
    for item in agenda_items(meeting):
        groups = [_group_row(group) for group in item.groups.all()]
        outputs.extend(group for group in groups if group["output"])
        agenda.append(
            {
                "day": item.day,
                "start_time": item.start_time,
                "end_time": item.end_time,
                "kind": item.kind,
                "kind_display": str(item.get_kind_display()),
                "title": str(item.title),
                "speakers": str(item.speakers or ""),
                "description": str(item.description or ""),
                "groups": groups,
            }
        )
    counts = Registration.objects.filter(meeting_id=meeting.pk).aggregate(
        confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Status.WAITING)),
    )
    collectivity = meeting.collectivity
    plan = meeting.plan
    return {
        "pk": meeting.pk,
        "slug": meeting.slug,
        "collectivity_id": meeting.collectivity_id,
        "is_published": meeting.is_published,
        "is_public": is_public(meeting),
        "title": str(meeting.title),
        "kind_display": str(meeting.get_kind_display()),
        "is_network_meeting": meeting.is_network_meeting,
        "is_cancelled": meeting.is_cancelled,
        "cancellation_reason": str(meeting.cancellation_reason or ""),
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "venue_name": str(meeting.venue_name or ""),
        "address": str(meeting.address or ""),
        "city": str(meeting.city or ""),
        "online_url": meeting.online_url or "",
        "description": str(meeting.description or ""),
        "minutes": str(meeting.minutes or ""),
        "minutes_published_at": meeting.minutes_published_at,
        "collectivity": (
            {"slug": collectivity.slug, "name": str(collectivity.name)}
            if collectivity is not None
            else None
        ),
        "network_name": str(meeting.network.name) if meeting.network_id else "",
        "plan_title": str(plan.title) if plan is not None else "",
        "plan_url": _page_plan_url(plan),
        "registration_enabled": meeting.registration_enabled,
        "registration_opens_at": meeting.registration_opens_at,
        "registration_closes_at": meeting.registration_closes_at,
        "waiting_list_enabled": meeting.waiting_list_enabled,
        "capacity": meeting.capacity,
        "confirmed": int(counts["confirmed"] or 0),
        "waiting": int(counts["waiting"] or 0),
        "participating_collectivities": [
            {"slug": c.slug, "name": str(c.name)}
            for c in meeting.participating_collectivities.all()
        ],
        "participating_organisations": [
            {"name": str(o.name)} for o in meeting.participating_organisations.all()
        ],
        "agenda": agenda,
        "days": sorted({item["day"] for item in agenda}),
        "outputs": outputs,
        "documents": document_rows(meeting),
        "attendance": _count_attendance(Attendance.objects.filter(meeting_id=meeting.pk)),
        "linked_proposals": [
            {"url": proposal.get_absolute_url(), "title": str(proposal)}
            for proposal in proposals_for_meeting(meeting)
        ],
    }


def meeting_page(slug: str) -> dict[str, Any] | None:
    """Everything the page of the meeting ``slug`` shows to the public, as plain values.

    The meeting's fields (texts in the active language), organiser, plan and its page,
    agenda with breakout groups, outputs, public documents, participants, registration
    counts, attendance counts (see :func:`page_figures`) and the proposals that came out
    of it (``{"url", "title"}``). Built once per (slug, language, public-content
    version) and cached (:func:`infitah.core.selectors.cached_aggregate`): a hit costs
    the content-version read and one cache look-up; a miss about eight queries.

    Nothing here depends on the visitor: the caller must check ``is_public`` (and the
    ``meetings.view_meeting`` permission on the meeting for the others) before showing
    it, and add the visitor's own parts (registration, organiser links, private
    documents).

    Returns:
        A dict, or ``None`` for an unknown meeting.
    """
    from django.utils.translation import get_language

    from infitah.core.selectors import cached_aggregate

    if not slug or len(slug) > 120 or not slug.isascii() or not slug.isprintable():
        return None
    key = f"meetings:page:{_PAGE_LAYOUT}:{get_language() or ''}:{slug}"
    page: dict[str, Any] | None = cached_aggregate(key, lambda: _compute_page(slug))
    return page


def page_figures(page: dict[str, Any]) -> AttendanceFigures:
    """The attendance figures of a :func:`meeting_page` (labels in the active language)."""
    return _figures(page["attendance"])


def page_registration_open(page: dict[str, Any], now: datetime.datetime) -> bool:
    """``Meeting.registration_is_open`` for a :func:`meeting_page`, and the page public."""
    if not (page["registration_enabled"] and page["is_published"]) or page["is_cancelled"]:
        return False
    if not page["is_public"]:
        return False
    if page["registration_opens_at"] and now < page["registration_opens_at"]:
        return False
    if page["registration_closes_at"] and now > page["registration_closes_at"]:
        return False
    return bool(now < page["starts_at"])


def page_registration_state(
    page: dict[str, Any],
    meeting: Meeting | None = None,
    user: Any = None,
    *,
    now: datetime.datetime | None = None,
) -> RegistrationState:
    """:func:`registration_state` from a :func:`meeting_page`'s cached counts.

    No query for anonymous visitors; for a signed-in ``user`` (with ``meeting``, the
    loaded instance) the same one or two queries as :func:`registration_state`.
    """
    now = now or timezone.now()
    capacity = page["capacity"]
    confirmed, waiting = page["confirmed"], page["waiting"]
    places_left = None if capacity is None else max(capacity - confirmed, 0)
    state = RegistrationState(
        is_open=page_registration_open(page, now),
        capacity=capacity,
        confirmed=confirmed,
        waiting=waiting,
        places_left=places_left,
        is_full=places_left == 0,
    )
    if meeting is None or user is None or not user.is_authenticated:
        return state
    _add_user_registration(state, meeting, user, now)
    return state
