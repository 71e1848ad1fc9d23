"""Reads of the proposals app, with their related rows chosen once (no N+1).

Lists (:func:`proposal_page`) cost a fixed number of queries whatever the number of
proposals: the count (a cached aggregate, keyed by the public-content version), one
query for the page's rows (plan, collectivity, organisation and author joined; the
body cut to an excerpt in SQL), one for their principles and, for a signed-in person,
one for which of them they support. A search adds the index's ranked page.

Sorting uses the denormalised, indexed counters (``support_count``,
``comment_count``) and ``created_at``, so that the newest or most supported page of
100,000 proposals is an index walk stopped by ``LIMIT``, never a count of supports.

Hidden proposals never appear in a public list, count, search or in the API; withdrawn
ones leave the lists and the search unless asked for (``status=withdrawn``).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _

from infitah.accounts.models import Organisation
from infitah.core.selectors import (
    TemplateRow,
    cached_aggregate,
    language_order,
    paginate,
    slug_url,
    translated,
)
from infitah.core.text import search_tokens
from infitah.library import search
from infitah.meetings.models import Meeting
from infitah.network.models import Principle
from infitah.plans.models import ActionPlan
from infitah.proposals.models import Proposal, Support
from infitah.proposals.services import PROPOSAL_TYPE, phase_is_open
from infitah.territories.models import Collectivity

__all__ = [
    "EXCERPT_LENGTH",
    "PAGE_SIZE",
    "SEARCH_SORT_LIMIT",
    "SORTS",
    "PrincipleOption",
    "ProposalFilters",
    "ProposalRow",
    "is_public",
    "network_principles",
    "phase_is_open",
    "plan_proposal_counts",
    "proposal_for_page",
    "proposal_page",
    "proposals_for_meeting",
    "public_proposals",
    "resolve_collectivity",
    "resolve_meeting",
    "resolve_plan",
    "resolve_principle",
    "supported_ids",
    "user_supports",
]

#: Rows per page of the lists.
PAGE_SIZE = 20
#: Characters of a proposal's body shown in lists.
EXCERPT_LENGTH = 240
#: A search sorted by something else than relevance sorts its best matches, this many.
SEARCH_SORT_LIMIT = 1000
#: Largest number of a meeting's proposals listed on the meeting's page.
MEETING_PROPOSALS_LIMIT = 100

#: Sort orders: value -> (label, ``order_by`` of the queryset).
SORTS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "newest": (_("Newest"), ("-created_at", "-id")),
    "supported": (_("Most supported"), ("-support_count", "-id")),
    "commented": (_("Most commented"), ("-comment_count", "-id")),
}
#: The order of a search without an explicit sort.
RELEVANCE = "relevance"


# --- Filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalFilters:
    """The list's filters, already checked (unknown values are dropped by the callers).

    ``sort`` is a key of :data:`SORTS`, or ``"relevance"`` (searches only); empty:
    relevance for a search, else newest first.
    """

    plan: ActionPlan | None = None
    collectivity: Collectivity | None = None
    principle: Principle | PrincipleOption | None = None
    meeting: Meeting | None = None
    status: str = ""
    origin: str = ""
    query: str = ""
    sort: str = ""

    @property
    def is_filtered(self) -> bool:
        """Whether any filter or search narrows the list (the plan aside)."""
        return bool(
            self.collectivity
            or self.principle
            or self.meeting
            or self.status
            or self.origin
            or self.query
        )

    @property
    def effective_sort(self) -> str:
        """The order actually used."""
        if self.sort in SORTS:
            return self.sort
        return RELEVANCE if self.query else "newest"

    def cache_key(self) -> str:
        """A short key naming these filters (for the cached counts)."""
        parts = [
            str(getattr(obj, "pk", "") or "")
            for obj in (self.plan, self.collectivity, self.principle, self.meeting)
        ]
        parts += [self.status, self.origin, " ".join(search_tokens(self.query))]
        if self.query and self.effective_sort != RELEVANCE:
            parts.append("sorted")
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def resolve_plan(value: str) -> ActionPlan | None:
    """The published plan with this slug (collectivity loaded), or ``None``. One query."""
    if not value or not value.isprintable() or len(value) > 80:
        return None
    return ActionPlan.objects.published().select_related("collectivity").filter(slug=value).first()


def resolve_collectivity(value: str) -> Collectivity | None:
    """The collectivity with this slug or official code, or ``None``. One query."""
    if not value or not value.isprintable() or len(value) > 220:
        return None
    return Collectivity.objects.filter(Q(slug=value) | Q(code=value)).order_by("pk").first()


def resolve_principle(value: str, principles: Sequence[PrincipleOption]) -> PrincipleOption | None:
    """The principle of ``principles`` whose code is ``value`` (no query), or ``None``."""
    return next((p for p in principles if p.code == value), None)


def resolve_meeting(value: str) -> Meeting | None:
    """The published meeting with this slug (of a published plan), or ``None``."""
    if not value or not value.isprintable() or len(value) > 120:
        return None
    return Meeting.objects.published().filter(slug=value).first()


@dataclass(frozen=True, slots=True)
class PrincipleOption(TemplateRow):
    """A principle as the lists show it: key, code, name in the active language, order."""

    pk: int
    code: str
    name: str
    order: int


def _principle_values() -> list[tuple[Any, ...]]:
    return list(
        Principle.objects.order_by("network_id", "order", "pk").values_list(
            "pk", "code", "order", "name_ar", "name_fr", "name_en"
        )
    )


def network_principles() -> list[PrincipleOption]:
    """Every principle, in the network's order (the filter's choices and the rows' tags).

    Read once per public-content version (cached aggregate): no query on a hit.
    """
    rows = cached_aggregate("proposals-principles:1", _principle_values)
    columns = language_order(Principle, "name")
    position = {"name_ar": 3, "name_fr": 4, "name_en": 5}
    positions = [position[column] for column in columns if column in position]
    return [
        PrincipleOption(
            pk=row[0],
            code=row[1],
            order=index,
            name=next((str(row[i]) for i in positions if row[i]), row[1]),
        )
        for index, row in enumerate(rows)
    ]


# --- Public querysets ---------------------------------------------------------------------


def public_proposals(filters: ProposalFilters | None = None) -> QuerySet[Proposal]:
    """Public proposals matching ``filters`` (not their search words), unordered.

    Hidden proposals and proposals of unpublished plans never appear; withdrawn ones
    only when ``filters.status`` asks for them.
    """
    filters = filters or ProposalFilters()
    if filters.status == Proposal.Status.WITHDRAWN:
        queryset = Proposal.objects.public().filter(status=Proposal.Status.WITHDRAWN)
    else:
        queryset = Proposal.objects.listed()
        if filters.status:
            queryset = queryset.filter(status=filters.status)
    if filters.plan is not None:
        queryset = queryset.filter(plan_id=filters.plan.pk)
    if filters.collectivity is not None:
        queryset = queryset.filter(collectivity_id=filters.collectivity.pk)
    if filters.principle is not None:
        queryset = queryset.filter(principles=filters.principle.pk)
    if filters.meeting is not None:
        queryset = queryset.filter(meeting_id=filters.meeting.pk)
    if filters.origin:
        queryset = queryset.filter(origin=filters.origin)
    return queryset


def _text_search(queryset: QuerySet[Proposal], query: str) -> QuerySet[Proposal]:
    """Proposals whose folded text holds every token of ``query`` (no index needed)."""
    condition = Q()
    for token in search_tokens(query):
        condition &= Q(search_text__contains=token)
    return queryset.filter(condition)


# --- Rows ---------------------------------------------------------------------------------


@dataclass(slots=True)
class ProposalRow(TemplateRow):
    """One proposal of a list, ready to print (names in the active language)."""

    pk: int
    slug: str
    url: str
    title: str
    excerpt: str
    is_cut: bool
    status: str
    status_label: str
    origin: str
    origin_label: str
    support_count: int
    comment_count: int
    created_at: datetime.datetime
    collectivity_name: str
    author_name: str
    principles: list[str] = field(default_factory=list)
    is_supported: bool = False
    title_html: Any = ""
    snippet: Any = ""


_ROW_COLUMNS = (
    "pk",
    "slug",
    "title",
    "excerpt",
    "body_length",
    "status",
    "origin",
    "support_count",
    "comment_count",
    "created_at",
    "contributor_name",
    "collectivity__name_ar",
    "collectivity__name_fr",
    "collectivity__name_en",
    "organisation__name_ar",
    "organisation__name_fr",
    "organisation__name_en",
    "author__display_name",
    "author__first_name",
    "author__last_name",
    "author_id",
)


def _row_values(queryset: QuerySet[Proposal]) -> QuerySet[Any]:
    return queryset.annotate(
        excerpt=Substr("body", 1, EXCERPT_LENGTH), body_length=Length("body")
    ).values(*_ROW_COLUMNS)


def _principle_names(proposal_ids: Sequence[int]) -> dict[int, list[str]]:
    """``{proposal id: principle names}`` in the network's order. One query."""
    if not proposal_ids:
        return {}
    options = {option.pk: option for option in network_principles()}
    links = Proposal.principles.through.objects.filter(proposal_id__in=proposal_ids).values_list(
        "proposal_id", "principle_id"
    )
    chosen: dict[int, list[PrincipleOption]] = {}
    for proposal_id, principle_id in links:
        option = options.get(principle_id)
        if option is not None:
            chosen.setdefault(proposal_id, []).append(option)
    return {
        pk: [option.name for option in sorted(found, key=lambda o: o.order)]
        for pk, found in chosen.items()
    }


def _author_name(values: dict[str, Any], organisation_columns: Sequence[str]) -> str:
    organisation = translated(values, organisation_columns, prefix="organisation__")
    if organisation:
        return organisation
    if values["author_id"] is not None:
        display = values["author__display_name"] or " ".join(
            part for part in (values["author__first_name"], values["author__last_name"]) if part
        )
        return display or str(_("Anonymous participant"))
    return str(values["contributor_name"] or "")


def _build_rows(values: Iterable[dict[str, Any]], supported: set[int]) -> list[ProposalRow]:
    values = list(values)
    url = slug_url("proposals:detail")
    statuses = {key: str(label) for key, label in Proposal.Status.choices}
    origins = {key: str(label) for key, label in Proposal.Origin.choices}
    collectivity_columns = language_order(Collectivity, "name")
    organisation_columns = language_order(Organisation, "name")
    principles = _principle_names([v["pk"] for v in values])
    return [
        ProposalRow(
            pk=v["pk"],
            slug=v["slug"],
            url=url(v["slug"]),
            title=v["title"],
            excerpt=v["excerpt"] or "",
            is_cut=(v["body_length"] or 0) > EXCERPT_LENGTH,
            status=v["status"],
            status_label=statuses.get(v["status"], v["status"]),
            origin=v["origin"],
            origin_label=origins.get(v["origin"], v["origin"]),
            support_count=v["support_count"],
            comment_count=v["comment_count"],
            created_at=v["created_at"],
            collectivity_name=translated(v, collectivity_columns, prefix="collectivity__"),
            author_name=_author_name(v, organisation_columns),
            principles=principles.get(v["pk"], []),
            is_supported=v["pk"] in supported,
        )
        for v in values
    ]


def supported_ids(user: Any, proposal_ids: Sequence[int]) -> set[int]:
    """Which of ``proposal_ids`` ``user`` supports (one query; none for anonymous)."""
    if not proposal_ids or user is None or not user.is_authenticated:
        return set()
    return set(
        Support.objects.filter(user_id=user.pk, proposal_id__in=list(proposal_ids)).values_list(
            "proposal_id", flat=True
        )
    )


def user_supports(user: Any, proposal: Proposal) -> bool:
    """Whether ``user`` supports ``proposal`` (one query; ``False`` for anonymous)."""
    return bool(supported_ids(user, [proposal.pk]))


def _count(filters: ProposalFilters, compute: Any) -> int:
    value: int = cached_aggregate(f"proposals-count:1:{filters.cache_key()}", compute)
    return value


def proposal_page(
    filters: ProposalFilters, page_number: str | None, *, user: Any = None
) -> Page[Any]:
    """Return one page of public proposals for ``filters`` (rows are :class:`ProposalRow`).

    Without search words: sorted by ``filters.effective_sort`` (newest by default).
    With search words: the platform's search index ranks the proposals that pass the
    other filters (spelling variants and Arabic clitics match, see
    :mod:`infitah.library.search`), best first, each with its title and excerpt
    highlighted; with an explicit sort, the :data:`SEARCH_SORT_LIMIT` best matches are
    sorted by it. ``status=withdrawn`` (withdrawn proposals are not in the public
    index) searches their folded text instead.

    Args:
        filters: checked filters.
        page_number: the raw ``?page=`` value (clamped by :func:`paginate`).
        user: the person viewing: their supports are marked (one more query).

    Returns:
        A page of :data:`PAGE_SIZE` rows. Queries: the count (cached per content
        version), the rows, their principles, and the user's supports when signed
        in; a search adds the index's page of ids.
    """
    filtered = public_proposals(filters)
    sort = filters.effective_sort
    parsed = search.SearchQuery.parse(filters.query) if filters.query else None

    if parsed is not None and filters.status == Proposal.Status.WITHDRAWN:
        filtered = _text_search(filtered, filters.query)
        parsed = None
        sort = sort if sort in SORTS else "newest"
    elif parsed is not None and parsed.is_empty:
        return paginate([], page_number, per_page=PAGE_SIZE)

    if parsed is None:
        ordered = filtered.order_by(*SORTS[sort][1])
        total = _count(filters, ordered.count)
        return paginate(
            None,
            page_number,
            per_page=PAGE_SIZE,
            count=total,
            rows=lambda bottom, top: _page_rows(ordered[bottom:top], user),
        )

    within = filtered.values("pk")
    if sort != RELEVANCE:
        hits = search.search_hits(
            parsed, object_types=[PROPOSAL_TYPE], within=within, limit=SEARCH_SORT_LIMIT
        )
        ordered = Proposal.objects.filter(pk__in=[h.object_id for h in hits]).order_by(
            *SORTS[sort][1]
        )
        return paginate(
            None,
            page_number,
            per_page=PAGE_SIZE,
            count=len(hits),
            rows=lambda bottom, top: _highlight(_page_rows(ordered[bottom:top], user), parsed),
        )

    total = _count(
        filters,
        lambda: search.search_count(parsed, object_types=[PROPOSAL_TYPE], within=within),
    )

    def ranked(bottom: int, top: int) -> list[ProposalRow]:
        hits = search.search_hits(
            parsed,
            object_types=[PROPOSAL_TYPE],
            within=within,
            limit=top - bottom,
            offset=bottom,
        )
        ids = [hit.object_id for hit in hits]
        rows = {row.pk: row for row in _page_rows(Proposal.objects.filter(pk__in=ids), user)}
        return _highlight([rows[pk] for pk in ids if pk in rows], parsed)

    return paginate(None, page_number, per_page=PAGE_SIZE, count=total, rows=ranked)


def _page_rows(queryset: QuerySet[Proposal], user: Any) -> list[ProposalRow]:
    values = list(_row_values(queryset))
    supported = supported_ids(user, [v["pk"] for v in values])
    return _build_rows(values, supported)


def _highlight(rows: list[ProposalRow], parsed: search.SearchQuery) -> list[ProposalRow]:
    for row in rows:
        row.title_html = search.highlight(row.title, parsed)
        row.snippet = search.snippet(row.excerpt, parsed, length=EXCERPT_LENGTH)
    return rows


# --- One proposal -------------------------------------------------------------------------


def is_public(proposal: Proposal) -> bool:
    """Whether the public may see ``proposal`` (not hidden; its plan published)."""
    return bool(not proposal.is_hidden and proposal.plan.is_published)


def proposal_for_page(slug: str, user: Any = None) -> Proposal | None:
    """The proposal with this slug if ``user`` may see it, with what its page shows.

    Public proposals (see :func:`is_public`; withdrawn ones included) are seen by
    everyone; hidden ones and those of unpublished plans by the collectivity's staff
    (``proposals.view_proposal``), and a hidden one also by its author (with the
    reason). Plan, collectivity, organisation, author, meeting and group joined,
    principles prefetched: two queries, plus the permission check's.

    Returns:
        The proposal or ``None`` (unknown, or not visible to ``user``).
    """
    if not slug or len(slug) > 20 or not slug.isprintable():
        return None
    proposal = (
        Proposal.objects.select_related(
            "plan",
            "collectivity",
            "organisation",
            "author",
            "meeting",
            "breakout_group",
        )
        .prefetch_related(
            Prefetch("principles", queryset=Principle.objects.order_by("order", "pk"))
        )
        .filter(slug=slug)
        .first()
    )
    if proposal is None:
        return None
    if is_public(proposal):
        return proposal
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.has_perm("proposals.view_proposal", proposal):
        return proposal
    if proposal.plan.is_published and user.has_perm("proposals.withdraw_proposal", proposal):
        return proposal  # its author sees why it was hidden
    return None


def proposals_for_meeting(
    meeting: Meeting, *, limit: int = MEETING_PROPOSALS_LIMIT
) -> list[Proposal]:
    """The public proposals that came out of ``meeting``, for the meeting's page.

    Ordered by breakout group (agenda order), then as entered; withdrawn and hidden
    ones left out; at most ``limit``. Each has ``breakout_group`` loaded (``None``
    for proposals of the whole meeting). One query.
    """
    return list(
        Proposal.objects.listed()
        .filter(meeting_id=meeting.pk)
        .select_related("breakout_group")
        .order_by(
            "breakout_group__agenda_item__day",
            "breakout_group__agenda_item__start_time",
            "breakout_group__order",
            "breakout_group_id",
            "created_at",
            "pk",
        )[:limit]
    )


def plan_proposal_counts(plan: ActionPlan) -> dict[str, int]:
    """``{status: number}`` of the plan's public proposals, and ``"total"``.

    Cached per public-content version (one query on a miss). Withdrawn proposals are
    counted under their status but not in ``"total"``.
    """

    def compute() -> dict[str, int]:
        rows = (
            Proposal.objects.public()
            .filter(plan_id=plan.pk)
            .values("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        counts = {row["status"]: row["n"] for row in rows}
        counts["total"] = sum(
            n for status, n in counts.items() if status != Proposal.Status.WITHDRAWN
        )
        return counts

    counts: dict[str, int] = cached_aggregate(f"proposals-plan-counts:1:{plan.pk}", compute)
    return counts
