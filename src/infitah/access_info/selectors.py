"""Public reads of access to information: the register, statistics, proactive disclosure.

Privacy (law 09-08): everything here reads only the columns listed in
:data:`REGISTER_COLUMNS` (and, on a register entry's page, the published answer, the
public documents, the complaint stages and the dated steps). The requester's name,
identity document, address, e-mail, phone, account, the text of the request
(``information_requested``, which may hold personal details), the reasons for urgency
or extension, refusal texts, internal notes and who acted are never read, so no page,
API answer or export built on these selectors can show them.

Costs: list reads are one ``COUNT`` and one page of ``values()`` rows, whatever the
number of requests; every figure that summarises many rows (statistics, filter choices,
disclosure coverage) is a grouped aggregate cached by public-content version
(:func:`infitah.core.selectors.cached_aggregates`), so a page view is a cache hit.
"""

from __future__ import annotations

import datetime
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DateField, Q, QuerySet
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from infitah.access_info import disclosure
from infitah.access_info.models import (
    Complaint,
    DisclosureCategory,
    DisclosureItem,
    InformationRequest,
    RequestDocument,
    RequestEvent,
)
from infitah.core.cache import track_public_model
from infitah.core.selectors import (
    TemplateRow,
    cached_aggregate,
    cached_aggregates,
    language_order,
    localized_fields,
    slug_url,
    translated,
)
from infitah.core.text import search_tokens, strip_bidi_controls
from infitah.network.models import Membership, Network
from infitah.territories.models import Collectivity
from infitah.territories.selectors import UnitLink, region_links, regions_with

__all__ = [
    "DECIDED_STATUSES",
    "PUBLIC_MODELS",
    "REGISTER_COLUMNS",
    "Bar",
    "CatalogueCategory",
    "ComplaintStageRow",
    "CoverageRow",
    "DisclosureItemRow",
    "RegisterDetail",
    "RegisterChoices",
    "RegisterFilters",
    "RegisterRow",
    "RequestStatistics",
    "collectivity_access_info_score_inputs",
    "disclosure_catalogue",
    "disclosure_categories",
    "disclosure_coverage",
    "disclosure_file_url",
    "disclosure_item_rows",
    "disclosure_overview_members",
    "disclosure_overview_rows",
    "percentile",
    "public_entry",
    "register_detail",
    "register_count",
    "register_entries",
    "register_filter_choices",
    "register_filter_options",
    "register_requests",
    "register_rows",
    "request_statistics",
    "track_public_models",
    "year_bounds",
]

Status = InformationRequest.Status

#: Models whose rows the register, statistics and disclosure pages show: saving or
#: deleting one bumps the public-content version (cached pages and figures).
PUBLIC_MODELS = (InformationRequest, RequestDocument, Complaint, DisclosureCategory, DisclosureItem)

#: Statuses of a decided request (an answer, a refusal or a transfer was given).
DECIDED_STATUSES = (Status.ANSWERED, Status.PARTLY_ANSWERED, Status.REFUSED, Status.TRANSFERRED)

#: The only request columns the public register reads (never personal data).
REGISTER_COLUMNS = (
    "pk",
    "reference",
    "subject",
    "collectivity_id",
    "collectivity__code",
    "collectivity__slug",
    *(f"collectivity__{name}" for name in localized_fields("name")),
    "collectivity__region_id",
    "channel",
    "status",
    "is_urgent",
    "received_at",
    "due_on",
    "extended_at",
    "closed_at",
    "working_days_taken",
    "answered_on_time",
    "refusal_ground",
    "transferred_to",
    "released_published_at",
)

#: Steps of a request's log that the register shows (date and kind only, never notes).
PUBLIC_EVENT_KINDS = (
    RequestEvent.Kind.RECEIVED,
    RequestEvent.Kind.STATUS,
    RequestEvent.Kind.CLARIFICATION_ASKED,
    RequestEvent.Kind.CLARIFICATION_GIVEN,
    RequestEvent.Kind.EXTENDED,
    RequestEvent.Kind.PUBLISHED,
    RequestEvent.Kind.COMPLAINT,
)

#: Version of the cached aggregates' layout; change it when their shape changes.
_LAYOUT = 1


def track_public_models() -> None:
    """Register :data:`PUBLIC_MODELS` with :func:`infitah.core.cache.track_public_model`.

    Idempotent. Belongs in ``AccessInfoConfig.ready()``; called meanwhile when the
    public views and services are imported.
    """
    for model in PUBLIC_MODELS:
        track_public_model(model)


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    """The local (``TIME_ZONE``) date of an aware datetime."""
    return timezone.localdate(value) if value is not None else None


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware datetimes of 1 January of ``year`` and of ``year + 1``, local midnight."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
    return start, end


# ===================================================================== register
@dataclass(frozen=True)
class RegisterFilters:
    """The register's filters, already checked (ids of existing rows, known codes).

    ``is_urgent`` ``None`` means both; ``query`` is the visitor's text (any spelling).
    """

    collectivity_id: int | None = None
    region_id: int | None = None
    status: str = ""
    channel: str = ""
    year: int | None = None
    is_urgent: bool | None = None
    query: str = ""

    @property
    def is_filtered(self) -> bool:
        return any(
            (
                self.collectivity_id,
                self.region_id,
                self.status,
                self.channel,
                self.year,
                self.is_urgent is not None,
                self.query,
            )
        )


def register_requests(filters: RegisterFilters | None = None) -> QuerySet[InformationRequest]:
    """Return the register's requests (``is_in_register``), filtered, newest first.

    Search: every word of ``query``, folded by
    :func:`infitah.core.text.normalize_for_search`, must occur in ``search_text``
    (the subject, reference and published answer, see
    :func:`infitah.access_info.services_public.register_search_text`); Arabic spelling
    variants (أ/ا, ة/ه, ى/ي, diacritics) match. No query is run here.
    """
    filters = filters or RegisterFilters()
    queryset = InformationRequest.objects.in_register()
    if filters.collectivity_id:
        queryset = queryset.filter(collectivity_id=filters.collectivity_id)
    if filters.region_id:
        queryset = queryset.filter(collectivity__region_id=filters.region_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.year:
        start, end = year_bounds(filters.year)
        queryset = queryset.filter(received_at__gte=start, received_at__lt=end)
    if filters.is_urgent is not None:
        queryset = queryset.filter(is_urgent=filters.is_urgent)
    condition = Q()
    for token in search_tokens(filters.query):
        condition &= Q(search_text__contains=token)
    if condition:
        queryset = queryset.filter(condition)
    return queryset.order_by("-received_at", "-pk")


def _filters_key(filters: RegisterFilters) -> str:
    """A short cache-safe key for ``filters`` (the query by its folded words)."""
    parts = (
        filters.collectivity_id,
        filters.region_id,
        filters.status,
        filters.channel,
        filters.year,
        filters.is_urgent,
        tuple(search_tokens(filters.query)),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def register_count(filters: RegisterFilters | None = None) -> int:
    """Return how many requests :func:`register_requests` gives for ``filters``.

    The exact ``COUNT(*)`` (a scan of the register's rows on PostgreSQL) is a cached
    aggregate per filters and public-content version
    (:func:`infitah.core.selectors.cached_aggregate`): a page view costs the
    content-version read and a cache look-up; any change to public content gives a new
    key, so the count is never stale.
    """
    filters = filters or RegisterFilters()
    return cached_aggregate(
        f"access-info:register-count:{_LAYOUT}:{_filters_key(filters)}",
        register_requests(filters).count,
    )


@dataclass(frozen=True, slots=True)
class RegisterRow(TemplateRow):
    """One request as the register shows it (no personal data), in the active language."""

    reference: str
    url: str
    subject: str
    collectivity: UnitLink
    region: UnitLink | None
    channel: str
    channel_label: str
    status: str
    status_label: str
    is_open: bool
    is_late: bool
    is_urgent: bool
    received_on: datetime.date
    due_on: datetime.date
    decided_on: datetime.date | None
    working_days_taken: int | None
    answered_on_time: bool | None
    refusal_ground: str
    refusal_ground_label: str
    is_extended: bool
    transferred_to: str
    answer_published_on: datetime.date | None


def _row(
    values: Mapping[str, Any],
    *,
    regions: Mapping[int, UnitLink],
    names: Sequence[str],
    detail_url: Any,
    collectivity_url: Any,
    labels: Mapping[str, Mapping[str, str]],
    today: datetime.date,
) -> RegisterRow:
    status = values["status"]
    is_open = status in InformationRequest.OPEN_STATUSES
    return RegisterRow(
        reference=values["reference"],
        url=detail_url(values["reference"]),
        subject=values["subject"],
        collectivity=UnitLink(
            pk=values["collectivity_id"],
            code=values["collectivity__code"],
            slug=values["collectivity__slug"],
            name=translated(values, names, "collectivity__"),
            url=collectivity_url(values["collectivity__slug"]),
        ),
        region=regions.get(values["collectivity__region_id"]),
        channel=values["channel"],
        channel_label=labels["channel"].get(values["channel"], values["channel"]),
        status=status,
        status_label=labels["status"].get(status, status),
        is_open=is_open,
        is_late=is_open and values["due_on"] < today,
        is_urgent=values["is_urgent"],
        received_on=timezone.localdate(values["received_at"]),
        due_on=values["due_on"],
        decided_on=None if is_open else _local_date(values["closed_at"]),
        working_days_taken=values["working_days_taken"],
        answered_on_time=values["answered_on_time"],
        refusal_ground=values["refusal_ground"],
        refusal_ground_label=labels["ground"].get(values["refusal_ground"], ""),
        is_extended=values["extended_at"] is not None,
        transferred_to=values["transferred_to"] if status == Status.TRANSFERRED else "",
        answer_published_on=_local_date(values["released_published_at"]),
    )


def _choice_labels() -> dict[str, dict[str, str]]:
    """Choice labels in the active language, translated once a page."""
    return {
        "channel": {k: str(v) for k, v in InformationRequest.Channel.choices},
        "status": {k: str(v) for k, v in Status.choices},
        "ground": {k: str(v) for k, v in InformationRequest.RefusalGround.choices},
    }


def register_entries(
    queryset: QuerySet[InformationRequest],
    *,
    today: datetime.date | None = None,
    regions: Mapping[int, UnitLink] | None = None,
    with_released_text: bool = False,
    chunk_size: int | None = None,
) -> Iterator[tuple[RegisterRow, str]]:
    """Yield ``(row, published answer)`` for each request of ``queryset``, in its order.

    One query (the rows, with their collectivity; with ``chunk_size``, a server-side
    cursor read in chunks, for exports). The answer is ``""`` unless
    ``with_released_text`` and staff published it. Region names come from the cached
    :func:`infitah.territories.selectors.region_links` unless ``regions`` is given.
    ``today`` (local date, default now) decides the "late" flag: an open request whose
    ``due_on`` has passed.
    """
    today = today or timezone.localdate()
    regions = region_links() if regions is None else regions
    names = language_order(Collectivity, "name")
    detail_url = slug_url("access_info:register-detail", "reference")
    collectivity_url = slug_url("territories:collectivity-detail")
    labels = _choice_labels()
    columns = (*REGISTER_COLUMNS, "released_text") if with_released_text else REGISTER_COLUMNS
    values_rows = queryset.values(*columns)
    iterable = values_rows.iterator(chunk_size=chunk_size) if chunk_size else values_rows
    for values in iterable:
        row = _row(
            values,
            regions=regions,
            names=names,
            detail_url=detail_url,
            collectivity_url=collectivity_url,
            labels=labels,
            today=today,
        )
        published = with_released_text and values["released_published_at"] is not None
        yield row, values["released_text"] if published else ""


def register_rows(
    queryset: QuerySet[InformationRequest],
    *,
    today: datetime.date | None = None,
    regions: Mapping[int, UnitLink] | None = None,
) -> list[RegisterRow]:
    """Return the rows of ``queryset`` (already sliced to one page) ready to print.

    One query; see :func:`register_entries`.
    """
    return [row for row, _text in register_entries(queryset, today=today, regions=regions)]


def public_entry(row: RegisterRow) -> dict[str, Any]:
    """Return a register row as plain data for the API and the exports (codes, ISO dates).

    The keys are the public register's columns; nothing else of the request exists here.
    """
    return {
        "reference": row.reference,
        "subject": row.subject,
        "collectivity": {"code": row.collectivity.code, "name": row.collectivity.name},
        "region": (
            {"code": row.region.code, "name": row.region.name} if row.region is not None else None
        ),
        "channel": row.channel,
        "status": row.status,
        "is_urgent": row.is_urgent,
        "is_late": row.is_late,
        "received_on": row.received_on.isoformat(),
        "due_on": row.due_on.isoformat(),
        "is_extended": row.is_extended,
        "decided_on": row.decided_on.isoformat() if row.decided_on else None,
        "working_days_taken": row.working_days_taken,
        "answered_on_time": row.answered_on_time,
        "refusal_ground": row.refusal_ground or None,
        "transferred_to": row.transferred_to or None,
        "answer_published_on": (
            row.answer_published_on.isoformat() if row.answer_published_on else None
        ),
    }


@dataclass(frozen=True, slots=True)
class DocumentLink(TemplateRow):
    """A public (redacted) document of a published answer."""

    pk: int
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class ComplaintStageRow(TemplateRow):
    """One complaint or appeal stage of a request, without its texts."""

    stage: str
    stage_label: str
    filed_on: datetime.date
    outcome: str
    outcome_label: str
    decided_on: datetime.date | None


@dataclass(frozen=True, slots=True)
class StepRow(TemplateRow):
    """One dated step of a request's handling (kind and new status only)."""

    kind: str
    kind_label: str
    status_label: str
    on: datetime.date


@dataclass(frozen=True)
class RegisterDetail:
    """A register entry's page: the row, the published answer, documents, complaints, steps.

    ``released_text`` and ``documents`` are empty until staff publish the (redacted)
    answer (``released_published_at``).
    """

    row: RegisterRow
    released_text: str
    documents: list[DocumentLink]
    complaints: list[ComplaintStageRow]
    steps: list[StepRow]


def register_detail(reference: str) -> RegisterDetail | None:
    """Return the register entry with this reference, or ``None`` (not in the register).

    Costs one query for the entry, then one each for its public documents (only when
    the answer is published), complaint stages and steps.
    """
    queryset = InformationRequest.objects.in_register().filter(reference=reference)
    rows = queryset.values(*REGISTER_COLUMNS, "released_text")
    found = list(rows[:1])
    if not found:
        return None
    values = found[0]
    labels = _choice_labels()
    row = _row(
        values,
        regions=region_links(),
        names=language_order(Collectivity, "name"),
        detail_url=slug_url("access_info:register-detail", "reference"),
        collectivity_url=slug_url("territories:collectivity-detail"),
        labels=labels,
        today=timezone.localdate(),
    )
    published = values["released_published_at"] is not None
    documents: list[DocumentLink] = []
    if published:
        document_url = _document_url(row.reference)
        documents = [
            DocumentLink(pk=pk, title=title, url=document_url(pk))
            for pk, title in RequestDocument.objects.filter(request_id=values["pk"], is_public=True)
            .order_by("pk")
            .values_list("pk", "title")
        ]
    stages = {k: str(v) for k, v in Complaint.Stage.choices}
    outcomes = {k: str(v) for k, v in Complaint.Outcome.choices}
    complaints = [
        ComplaintStageRow(
            stage=stage,
            stage_label=stages.get(stage, stage),
            filed_on=timezone.localdate(filed_at),
            outcome=outcome,
            outcome_label=outcomes.get(outcome, outcome),
            decided_on=decided_on,
        )
        for stage, filed_at, outcome, decided_on in Complaint.objects.filter(
            request_id=values["pk"]
        )
        .order_by("filed_at", "pk")
        .values_list("stage", "filed_at", "outcome", "decided_on")
    ]
    kinds = {k: str(v) for k, v in RequestEvent.Kind.choices}
    steps = [
        StepRow(
            kind=kind,
            kind_label=kinds.get(kind, kind),
            status_label=labels["status"].get(to_status, "") if to_status else "",
            on=timezone.localdate(at),
        )
        for kind, to_status, at in RequestEvent.objects.filter(
            request_id=values["pk"], kind__in=PUBLIC_EVENT_KINDS
        )
        .order_by("at", "pk")
        .values_list("kind", "to_status", "at")
    ]
    return RegisterDetail(
        row=row,
        released_text=values["released_text"] if published else "",
        documents=documents,
        complaints=complaints,
        steps=steps,
    )


def _document_url(reference: str) -> Any:
    from django.urls import reverse

    head = reverse(
        "access_info:register-document", kwargs={"reference": reference, "pk": 999999999}
    )
    prefix, _marker, suffix = head.rpartition("999999999")
    return lambda pk: f"{prefix}{pk}{suffix}"


def register_public_document(reference: str, pk: int) -> RequestDocument | None:
    """Return a public document of a published register entry, or ``None``.

    The document must be marked public (redacted) and its request in the register
    with its answer published.
    """
    return (
        RequestDocument.objects.filter(
            pk=pk,
            is_public=True,
            request__reference=reference,
            request__is_in_register=True,
            request__released_published_at__isnull=False,
        )
        .only("pk", "title", "file")
        .first()
    )


def _compute_register_options() -> dict[str, Any]:
    """Years and collectivities present in the register (plain data, for the cache).

    The years run from the first to the last receipt (two reads along the
    ``(is_in_register, received_at)`` index, not a scan of every request); a year
    without requests in between is listed too.
    """
    in_register = InformationRequest.objects.in_register()
    first = in_register.order_by("received_at").values_list("received_at", flat=True).first()
    last = in_register.order_by("-received_at").values_list("received_at", flat=True).first()
    years: list[int] = []
    if first is not None and last is not None:
        low, high = timezone.localdate(first).year, timezone.localdate(last).year
        years = list(range(high, low - 1, -1))
    collectivities = list(
        Collectivity.objects.filter(pk__in=in_register.values("collectivity_id"))
        .order_by("code")
        .values("pk", "code", "slug", *localized_fields("name"))
    )
    return {"years": years, "collectivities": collectivities}


@dataclass(frozen=True)
class RegisterChoices:
    """The register's data-dependent filter choices, in the active language.

    ``years`` newest first; ``regions`` by code; ``collectivity_options`` the escaped
    ``<option>`` elements of every collectivity of the register (by code, none selected),
    built once per language and public-content version instead of rendering ~1,600
    options through the template on every view.
    """

    years: list[int]
    regions: list[UnitLink]
    collectivity_rows: list[dict[str, Any]]
    collectivity_options: str

    def collectivity(self, value: str) -> UnitLink | None:
        """The register's collectivity whose slug or code is ``value`` (any case), or ``None``."""
        folded = value.lower()
        for row in self.collectivity_rows:
            if folded in (row["slug"].lower(), row["code"].lower()):
                url = slug_url("territories:collectivity-detail")
                return UnitLink(
                    pk=row["pk"],
                    code=row["code"],
                    slug=row["slug"],
                    name=translated(row, language_order(Collectivity, "name")),
                    url=url(row["slug"]),
                )
        return None

    def collectivity_options_html(self, selected: UnitLink | None = None) -> SafeString:
        """The ``<option>`` elements, with ``selected`` (if any) marked as chosen."""
        html = self.collectivity_options
        if selected is not None:
            plain = format_html('<option value="{}">', selected.slug)
            html = html.replace(plain, f"{plain[:-1]} selected>", 1)
        return mark_safe(html)  # noqa: S308 - built by format_html (escaped)


def _option_label(name: str) -> str:
    """``name`` without bidi controls, isolated (FSI … PDI) as ``UnitLink.option_label``."""
    text = strip_bidi_controls(name)
    return f"\u2068{text}\u2069" if text else ""


def _collectivity_options(rows: Sequence[Mapping[str, Any]]) -> str:
    """``<option value="slug">name</option>`` for ``rows``, names in the active language."""
    names = language_order(Collectivity, "name")
    return str(
        format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((row["slug"], _option_label(translated(row, names))) for row in rows),
        )
    )


def register_filter_choices() -> RegisterChoices:
    """Return the register's filter choices (see :class:`RegisterChoices`).

    Two content-version reads and two cache look-ups on a hit; on a miss, the queries
    of :func:`register_filter_options` and the options' HTML for the active language.
    """
    key = f"access-info:register-options:{_LAYOUT}"
    regions, cached = regions_with({key: _compute_register_options})
    data = cached[key]
    options = cached_aggregate(
        f"access-info:register-collectivity-options:{_LAYOUT}:{get_language() or ''}",
        lambda: _collectivity_options(data["collectivities"]),
    )
    return RegisterChoices(
        years=list(data["years"]),
        regions=regions,
        collectivity_rows=data["collectivities"],
        collectivity_options=options,
    )


def register_filter_options() -> tuple[list[int], list[UnitLink], list[UnitLink]]:
    """Return the register's years (newest first), collectivities (by code) and regions.

    Cached aggregates read together (one content-version read; two queries for the
    options and one for the regions on a miss).
    """
    regions, cached = regions_with(
        {f"access-info:register-options:{_LAYOUT}": _compute_register_options}
    )
    data = cached[f"access-info:register-options:{_LAYOUT}"]
    names = language_order(Collectivity, "name")
    url = slug_url("territories:collectivity-detail")
    links = [
        UnitLink(
            pk=row["pk"],
            code=row["code"],
            slug=row["slug"],
            name=translated(row, names),
            url=url(row["slug"]),
        )
        for row in data["collectivities"]
    ]
    return list(data["years"]), links, regions


# =================================================================== statistics
@dataclass(frozen=True, slots=True)
class Bar(TemplateRow):
    """One bar of a chart and row of its table.

    ``share`` is the percentage of the series' total (``Decimal``, one decimal);
    ``width`` the bar's length relative to the longest bar (0–100, text with a dot, for
    SVG attributes, never localised).
    """

    code: str
    label: str
    count: int
    share: Decimal | None
    width: str


def _bars(
    counts: Mapping[str, int], labels: Mapping[str, str], *, keep_zeros: bool = True
) -> list[Bar]:
    """Bars in the order of ``labels`` (then unknown codes), with shares and widths."""
    total = sum(counts.values())
    largest = max(counts.values(), default=0)
    codes = [code for code in labels if keep_zeros or counts.get(code)]
    codes += sorted(code for code in counts if code not in labels and counts[code])
    bars = []
    for code in codes:
        count = counts.get(code, 0)
        share = (
            (Decimal(count) * 100 / total).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if total
            else None
        )
        width = f"{(count * 100 / largest) if largest else 0:.1f}"
        bars.append(
            Bar(code=code, label=labels.get(code, code), count=count, share=share, width=width)
        )
    return bars


def percentile(histogram: Iterable[tuple[int, int]], fraction: Decimal) -> Decimal | None:
    """Return the ``fraction`` quantile of the values a histogram counts (exact).

    Linear interpolation between the closest ranks (the definition of PostgreSQL's
    ``percentile_cont``, numpy's default and the usual median): with ``n`` values sorted,
    the quantile sits at 0-based position ``(n - 1) × fraction``.

    Args:
        histogram: ``(value, count)`` pairs (any order; counts ≥ 0).
        fraction: between 0 and 1 (``Decimal("0.5")`` for the median).

    Returns:
        The quantile rounded to one decimal, or ``None`` when there are no values.
    """
    pairs = sorted((value, count) for value, count in histogram if count > 0)
    total = sum(count for _value, count in pairs)
    if total == 0:
        return None
    position = Decimal(total - 1) * fraction
    lower_rank = int(math.floor(position))
    upper_rank = int(math.ceil(position))

    def value_at(rank: int) -> int:
        seen = 0
        for value, count in pairs:
            seen += count
            if rank < seen:
                return value
        return pairs[-1][0]

    lower, upper = value_at(lower_rank), value_at(upper_rank)
    result = Decimal(lower) + (Decimal(upper) - Decimal(lower)) * (position - lower_rank)
    return result.quantize(Decimal("0.1"), ROUND_HALF_UP)


#: Buckets of working days for the chart of answer times: (code, lowest, highest).
#: 3 and 20 working days are the legal deadlines (urgent, ordinary; article 16-17), 40
#: the ordinary deadline after its one extension.
DAY_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-3", 0, 3),
    ("4-10", 4, 10),
    ("11-20", 11, 20),
    ("21-40", 21, 40),
    ("41+", 41, None),
)


@dataclass(frozen=True)
class RequestStatistics:
    """Statistics of the requests received (in ``year``, or ever) by one scope.

    Counts are numbers of requests; ``median_days``/``p90_days`` are working days
    (one decimal) over the decided requests whose ``working_days_taken`` is known;
    ``on_time_percent`` is the share (0–100, one decimal) of requests answered on time
    among those whose timeliness is known (``answered_on_time`` not null).
    """

    year: int | None
    years: list[int]
    total: int
    months: list[Bar]
    by_status: list[Bar]
    by_urgency: list[Bar]
    by_channel: list[Bar]
    refusals: list[Bar]
    refused_total: int
    timed: int
    median_days: Decimal | None
    p90_days: Decimal | None
    days: list[Bar]
    on_time: int
    on_time_known: int
    on_time_percent: Decimal | None
    complaint_total: int
    complaints_by_stage: list[Bar]
    complaint_outcomes: list[str]
    complaint_outcome_labels: list[str]
    complaint_matrix: list[tuple[str, list[int], int]] = field(default_factory=list)
    histogram: list[tuple[int, int]] = field(default_factory=list)


def _compute_request_groups(collectivity_id: int | None) -> dict[str, list[list[Any]]]:
    """The three grouped aggregates behind the statistics (plain lists, for the cache).

    - ``requests``: ``[month "YYYY-MM", status, is_urgent, channel, refusal_ground, n]``
      (local months), one ``GROUP BY`` over the requests;
    - ``timed``: ``[year, working_days_taken, answered_on_time, n]`` over requests with
      a known answer time or timeliness;
    - ``complaints``: ``[year of the request, stage, outcome, n]``.

    Scoped to one collectivity (the ``(collectivity, received_at)`` index) or to all.
    """
    requests = InformationRequest.objects.all()
    complaints = Complaint.objects.all()
    if collectivity_id is not None:
        requests = requests.filter(collectivity_id=collectivity_id)
        complaints = complaints.filter(request__collectivity_id=collectivity_id)
    by_month = (
        requests.annotate(month=TruncMonth("received_at", output_field=DateField()))
        .values("month", "status", "is_urgent", "channel", "refusal_ground")
        .annotate(n=Count("pk"))
        .order_by()
    )
    timed = (
        requests.filter(Q(working_days_taken__isnull=False) | Q(answered_on_time__isnull=False))
        .annotate(year=ExtractYear("received_at"))
        .values("year", "working_days_taken", "answered_on_time")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_stage = (
        complaints.annotate(year=ExtractYear("request__received_at"))
        .values("year", "stage", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "requests": [
            [
                row["month"].strftime("%Y-%m"),
                row["status"],
                row["is_urgent"],
                row["channel"],
                row["refusal_ground"],
                row["n"],
            ]
            for row in by_month
        ],
        "timed": [
            [row["year"], row["working_days_taken"], row["answered_on_time"], row["n"]]
            for row in timed
        ],
        "complaints": [[row["year"], row["stage"], row["outcome"], row["n"]] for row in by_stage],
    }


def _groups_key(collectivity_id: int | None) -> str:
    scope = "all" if collectivity_id is None else str(collectivity_id)
    return f"access-info:stats:{_LAYOUT}:{scope}"


def request_statistics(
    collectivity_id: int | None = None, *, year: int | None = None
) -> RequestStatistics:
    """Return the statistics of one collectivity's requests, or of the whole network's.

    Args:
        collectivity_id: a collectivity's primary key, or ``None`` for every request.
        year: only the requests received in that (local) year; ``None`` for all.

    Returns:
        A :class:`RequestStatistics` with labels in the active language. Built from
        the grouped aggregates of :func:`_compute_request_groups`, cached by content
        version (a page view costs the content-version read; a miss three grouped
        queries). Every request counts, in the register or not (the figures are
        anonymous).
    """
    groups = cached_aggregate(
        _groups_key(collectivity_id), lambda: _compute_request_groups(collectivity_id)
    )
    return _statistics_from_groups(groups, year)


def _statistics_from_groups(
    groups: Mapping[str, list[list[Any]]], year: int | None
) -> RequestStatistics:
    years = sorted({int(month[:4]) for month, *_rest in groups["requests"]}, reverse=True)
    prefix = f"{year:04d}-" if year else ""
    months: dict[str, int] = defaultdict(int)
    statuses: dict[str, int] = defaultdict(int)
    urgency: dict[str, int] = defaultdict(int)
    channels: dict[str, int] = defaultdict(int)
    grounds: dict[str, int] = defaultdict(int)
    total = 0
    for month, status, is_urgent, channel, ground, n in groups["requests"]:
        if not month.startswith(prefix):
            continue
        total += n
        months[month] += n
        statuses[status] += n
        urgency["urgent" if is_urgent else "ordinary"] += n
        channels[channel] += n
        if status == Status.REFUSED:
            grounds[ground or InformationRequest.RefusalGround.OTHER] += n

    histogram: dict[int, int] = defaultdict(int)
    on_time = on_time_known = 0
    for row_year, days, timely, n in groups["timed"]:
        if year and row_year != year:
            continue
        if days is not None:
            histogram[days] += n
        if timely is not None:
            on_time_known += n
            if timely:
                on_time += n
    complaint_counts: dict[tuple[str, str], int] = defaultdict(int)
    for row_year, stage, outcome, n in groups["complaints"]:
        if year and row_year != year:
            continue
        complaint_counts[(stage, outcome)] += n

    month_labels = _month_labels(months)
    status_labels = {k: str(v) for k, v in Status.choices}
    # Translators: kinds of information request in the statistics (ordinary or urgent).
    urgency_labels = {"ordinary": _ordinary_label(), "urgent": _urgent_label()}
    channel_labels = {k: str(v) for k, v in InformationRequest.Channel.choices}
    ground_labels = {k: str(v) for k, v in InformationRequest.RefusalGround.choices}
    stage_labels = {k: str(v) for k, v in Complaint.Stage.choices}
    outcome_labels = {k: str(v) for k, v in Complaint.Outcome.choices}

    pairs = sorted(histogram.items())
    timed = sum(histogram.values())
    day_counts: dict[str, int] = {}
    for code, low, high in DAY_BUCKETS:
        day_counts[code] = sum(
            n for days, n in pairs if days >= low and (high is None or days <= high)
        )
    stage_totals: dict[str, int] = defaultdict(int)
    for (stage, _outcome), n in complaint_counts.items():
        stage_totals[stage] += n
    outcomes = list(outcome_labels)
    matrix = [
        (
            stage_labels[stage],
            [complaint_counts.get((stage, outcome), 0) for outcome in outcomes],
            stage_totals.get(stage, 0),
        )
        for stage in stage_labels
    ]
    return RequestStatistics(
        year=year,
        years=years,
        total=total,
        months=_bars(months, month_labels),
        by_status=_bars(statuses, status_labels),
        by_urgency=_bars(urgency, urgency_labels),
        by_channel=_bars(channels, channel_labels),
        refusals=_bars(grounds, ground_labels, keep_zeros=False),
        refused_total=statuses.get(Status.REFUSED, 0),
        timed=timed,
        median_days=percentile(pairs, Decimal("0.5")),
        p90_days=percentile(pairs, Decimal("0.9")),
        days=_bars(day_counts, {code: code for code, _low, _high in DAY_BUCKETS}),
        on_time=on_time,
        on_time_known=on_time_known,
        on_time_percent=(
            (Decimal(on_time) * 100 / on_time_known).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if on_time_known
            else None
        ),
        complaint_total=sum(complaint_counts.values()),
        complaints_by_stage=_bars(stage_totals, stage_labels),
        complaint_outcomes=outcomes,
        complaint_outcome_labels=[outcome_labels[o] for o in outcomes],
        complaint_matrix=matrix,
        histogram=pairs,
    )


def _ordinary_label() -> str:
    from django.utils.translation import pgettext

    return pgettext("kind of information request", "ordinary")


def _urgent_label() -> str:
    from django.utils.translation import pgettext

    return pgettext("kind of information request", "urgent")


def _month_labels(months: Mapping[str, int]) -> dict[str, str]:
    """Every month from the first to the last with requests (gaps included), labelled.

    Keys ``YYYY-MM`` in order; labels in the active language ("mars 2026").
    """
    if not months:
        return {}
    first, last = min(months), max(months)
    year, month = int(first[:4]), int(first[5:7])
    labels: dict[str, str] = {}
    while True:
        key = f"{year:04d}-{month:02d}"
        labels[key] = date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")
        if key >= last:
            break
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return labels


# ============================================================ proactive disclosure
def _compute_categories() -> list[dict[str, Any]]:
    return list(
        DisclosureCategory.objects.filter(is_active=True)
        .rewrite(False)
        .order_by("order", "pk")
        .values(
            "pk",
            "code",
            *localized_fields("name"),
            *localized_fields("description"),
            "legal_basis",
            "update_every_months",
            "order",
        )
    )


@dataclass(frozen=True, slots=True)
class CategoryRow(TemplateRow):
    """An active disclosure category in the active language."""

    pk: int
    code: str
    name: str
    description: str
    legal_basis: str
    update_every_months: int


def disclosure_categories() -> list[CategoryRow]:
    """Return the active categories in their order (a cached aggregate)."""
    rows = cached_aggregate(f"access-info:disclosure-categories:{_LAYOUT}", _compute_categories)
    names = language_order(DisclosureCategory, "name")
    descriptions = language_order(DisclosureCategory, "description")
    return [
        CategoryRow(
            pk=row["pk"],
            code=row["code"],
            name=translated(row, names),
            description=translated(row, descriptions),
            legal_basis=row["legal_basis"],
            update_every_months=row["update_every_months"],
        )
        for row in rows
    ]


def _compute_coverage(today_iso: str) -> dict[int, list[int]]:
    """``{collectivity id: [covered categories, overdue-only categories, current items]}``.

    One ``GROUP BY`` over current items of active categories: a category is covered by
    a collectivity when it has at least one current item that is not overdue on
    ``today``; "overdue-only" categories have current items, all overdue.
    """
    today = datetime.date.fromisoformat(today_iso)
    fresh = Q(next_update_due_on__isnull=True) | Q(next_update_due_on__gte=today)
    rows = (
        DisclosureItem.objects.filter(is_current=True, category__is_active=True)
        .values("collectivity_id", "category_id")
        .annotate(fresh=Count("pk", filter=fresh), items=Count("pk"))
        .order_by()
    )
    coverage: dict[int, list[int]] = {}
    for row in rows:
        entry = coverage.setdefault(row["collectivity_id"], [0, 0, 0])
        if row["fresh"]:
            entry[0] += 1
        else:
            entry[1] += 1
        entry[2] += row["items"]
    return coverage


@dataclass(frozen=True)
class Coverage:
    """Disclosure coverage of one collectivity on a date.

    ``percent`` is covered / active categories (whole percent; ``None`` without active
    categories); ``overdue`` counts categories whose current items are all overdue.
    """

    covered: int
    active: int
    overdue: int
    items: int
    percent: int | None


def disclosure_coverage(
    collectivity_ids: Iterable[int], *, today: datetime.date | None = None
) -> dict[int, Coverage]:
    """Return the coverage of each collectivity (cached aggregate keyed by the date).

    Args:
        collectivity_ids: the collectivities wanted (any number; absent ones get 0).
        today: the local date items are judged on (default today).
    """
    today = today or timezone.localdate()
    categories_key = f"access-info:disclosure-categories:{_LAYOUT}"
    coverage_key = f"access-info:disclosure-coverage:{_LAYOUT}:{today.isoformat()}"
    values = cached_aggregates(
        {
            categories_key: _compute_categories,
            coverage_key: lambda: _compute_coverage(today.isoformat()),
        }
    )
    active = len(values[categories_key])
    table: dict[int, list[int]] = values[coverage_key]
    result = {}
    for pk in collectivity_ids:
        covered, overdue, items = table.get(pk, (0, 0, 0))
        result[pk] = Coverage(
            covered=covered,
            active=active,
            overdue=overdue,
            items=items,
            percent=disclosure.coverage_percent(covered, active),
        )
    return result


def _coverage_on(collectivity_id: int, day: datetime.date) -> Coverage:
    """Coverage of one collectivity as it stood on ``day`` (one grouped query).

    Counts the items published on or before ``day`` that are still current: the date an
    item was retired is not kept, so for a past date this is a lower bound.
    """
    active = len(disclosure_categories())
    fresh = Q(next_update_due_on__isnull=True) | Q(next_update_due_on__gte=day)
    rows = (
        DisclosureItem.objects.filter(
            collectivity_id=collectivity_id,
            is_current=True,
            category__is_active=True,
            published_on__lte=day,
        )
        .values("category_id")
        .annotate(fresh=Count("pk", filter=fresh), items=Count("pk"))
        .order_by()
    )
    covered = overdue = items = 0
    for row in rows:
        covered += 1 if row["fresh"] else 0
        overdue += 0 if row["fresh"] else 1
        items += row["items"]
    return Coverage(
        covered=covered,
        active=active,
        overdue=overdue,
        items=items,
        percent=disclosure.coverage_percent(covered, active),
    )


@dataclass(frozen=True, slots=True)
class CoverageRow(TemplateRow):
    """A member collectivity's line in the network's disclosure overview."""

    collectivity: UnitLink
    region: UnitLink | None
    kind_label: str
    coverage: Coverage
    width: str


def disclosure_overview_members(
    network: Network, *, region_id: int | None = None
) -> QuerySet[Membership]:
    """Public memberships of ``network`` (optionally in one region), by official code."""
    queryset = Membership.objects.filter(network=network).public()
    if region_id:
        queryset = queryset.filter(collectivity__region_id=region_id)
    return queryset.order_by("collectivity__code", "pk")


def disclosure_overview_rows(
    memberships: QuerySet[Membership], *, today: datetime.date | None = None
) -> list[CoverageRow]:
    """Rows of one page of :func:`disclosure_overview_members` with their coverage.

    One query (the page's collectivities); coverage and regions come from cached
    aggregates.
    """
    rows = list(
        memberships.values(
            "collectivity_id",
            "collectivity__code",
            "collectivity__slug",
            "collectivity__kind",
            "collectivity__region_id",
            *(f"collectivity__{name}" for name in localized_fields("name")),
        )
    )
    coverage = disclosure_coverage([row["collectivity_id"] for row in rows], today=today)
    regions = region_links()
    names = language_order(Collectivity, "name")
    url = slug_url("access_info:disclosure-collectivity")
    kinds = {k: str(v) for k, v in Collectivity.Kind.choices}
    result = []
    for row in rows:
        entry = coverage[row["collectivity_id"]]
        result.append(
            CoverageRow(
                collectivity=UnitLink(
                    pk=row["collectivity_id"],
                    code=row["collectivity__code"],
                    slug=row["collectivity__slug"],
                    name=translated(row, names, "collectivity__"),
                    url=url(row["collectivity__slug"]),
                ),
                region=regions.get(row["collectivity__region_id"]),
                kind_label=kinds.get(row["collectivity__kind"], ""),
                coverage=entry,
                width=f"{entry.percent or 0:.1f}",
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class DisclosureItemRow(TemplateRow):
    """A published item, ready to print or to serialise.

    ``file_url`` is the download address (empty without a file); ``link`` the external
    address (empty without one). ``is_overdue``: current and past its refresh date.
    """

    pk: int
    collectivity_id: int
    category_id: int
    title: str
    link: str
    file_url: str
    published_on: datetime.date
    next_update_due_on: datetime.date | None
    is_current: bool
    is_overdue: bool


DISCLOSURE_ITEM_COLUMNS = (
    "pk",
    "collectivity_id",
    "category_id",
    "title",
    "url",
    "file",
    "published_on",
    "next_update_due_on",
    "is_current",
)


def disclosure_file_url() -> Any:
    """Return ``pk -> download address`` of disclosure items (one ``reverse()``)."""
    from django.urls import reverse

    head = reverse("access_info:disclosure-item-file", kwargs={"pk": 999999999})
    prefix, _marker, suffix = head.rpartition("999999999")
    return lambda pk: f"{prefix}{pk}{suffix}"


def disclosure_item_rows(
    queryset: QuerySet[DisclosureItem], *, today: datetime.date | None = None
) -> list[DisclosureItemRow]:
    """Rows of ``queryset`` (one query), with the overdue flag as of ``today``."""
    today = today or timezone.localdate()
    file_url = disclosure_file_url()
    return [
        DisclosureItemRow(
            pk=row["pk"],
            collectivity_id=row["collectivity_id"],
            category_id=row["category_id"],
            title=row["title"],
            link=row["url"],
            file_url=file_url(row["pk"]) if row["file"] else "",
            published_on=row["published_on"],
            next_update_due_on=row["next_update_due_on"],
            is_current=row["is_current"],
            is_overdue=disclosure.is_overdue(
                is_current=row["is_current"],
                next_update_due_on=row["next_update_due_on"],
                today=today,
            ),
        )
        for row in queryset.values(*DISCLOSURE_ITEM_COLUMNS)
    ]


@dataclass(frozen=True)
class CatalogueCategory:
    """One category of a collectivity's catalogue with its current items.

    ``state``: ``"covered"`` (a current item not overdue), ``"overdue"`` (current items,
    all overdue) or ``"missing"`` (nothing published).
    """

    category: CategoryRow
    items: list[DisclosureItemRow]
    state: str


def disclosure_catalogue(
    collectivity_id: int, *, today: datetime.date | None = None
) -> tuple[list[CatalogueCategory], Coverage]:
    """Return one collectivity's catalogue: every active category with its current items.

    One query for the items (the categories are a cached aggregate); the coverage is
    computed from the same rows, so it always agrees with what the page shows.
    """
    today = today or timezone.localdate()
    categories = disclosure_categories()
    items = disclosure_item_rows(
        DisclosureItem.objects.filter(collectivity_id=collectivity_id, is_current=True).order_by(
            "-published_on", "-pk"
        ),
        today=today,
    )
    by_category: dict[int, list[DisclosureItemRow]] = defaultdict(list)
    for item in items:
        by_category[item.category_id].append(item)
    catalogue = []
    covered = overdue = 0
    for category in categories:
        found = by_category.get(category.pk, [])
        if any(not item.is_overdue for item in found):
            state = "covered"
            covered += 1
        elif found:
            state = "overdue"
            overdue += 1
        else:
            state = "missing"
        catalogue.append(CatalogueCategory(category=category, items=found, state=state))
    coverage = Coverage(
        covered=covered,
        active=len(categories),
        overdue=overdue,
        items=sum(len(c.items) for c in catalogue),
        percent=disclosure.coverage_percent(covered, len(categories)),
    )
    return catalogue, coverage


def disclosure_retired_items(collectivity_id: int) -> QuerySet[DisclosureItem]:
    """Earlier (retired) items of a collectivity, newest first (for a paginated list)."""
    return DisclosureItem.objects.filter(
        collectivity_id=collectivity_id, is_current=False
    ).order_by("-published_on", "-pk")


# ===================================================================== scorecard
def collectivity_access_info_score_inputs(
    collectivity: Collectivity, year: int, *, today: datetime.date | None = None
) -> dict[str, Any]:
    """Return the counts the openness scorecard's access-to-information score needs.

    Args:
        collectivity: the collectivity scored.
        year: the requests received in that local year are counted; disclosure
            coverage is taken on 31 December of ``year`` (or ``today`` if earlier).
        today: the local date (default today).

    Returns:
        ``{"year", "requests_received", "requests_decided" (timeliness known),
        "answered_on_time", "on_time_percent" (Decimal 0–100 or None),
        "median_days", "p90_days" (working days, Decimal or None),
        "disclosure_as_of" (date), "disclosure_active_categories",
        "disclosure_covered_categories", "disclosure_overdue_categories",
        "disclosure_coverage_percent" (int 0–100 or None)}``. Cached aggregates: the
        content-version read, plus one grouped query for a past year's coverage.
    """
    today = today or timezone.localdate()
    stats = request_statistics(collectivity.pk, year=year)
    as_of = min(today, datetime.date(year, 12, 31))
    if as_of == today:
        coverage = disclosure_coverage([collectivity.pk], today=today)[collectivity.pk]
    else:
        coverage = _coverage_on(collectivity.pk, as_of)
    return {
        "year": year,
        "requests_received": stats.total,
        "requests_decided": stats.on_time_known,
        "answered_on_time": stats.on_time,
        "on_time_percent": stats.on_time_percent,
        "median_days": stats.median_days,
        "p90_days": stats.p90_days,
        "disclosure_as_of": as_of,
        "disclosure_active_categories": coverage.active,
        "disclosure_covered_categories": coverage.covered,
        "disclosure_overdue_categories": coverage.overdue,
        "disclosure_coverage_percent": coverage.percent,
    }


@dataclass(frozen=True, slots=True)
class ChartColumn(TemplateRow):
    """One column of an SVG column chart (coordinates as text, never localised)."""

    x: str
    y: str
    width: str
    height: str
    label: str
    count: int


def chart_columns(bars: Sequence[Bar], *, height: int = 100) -> tuple[str, list[ChartColumn]]:
    """Return an SVG ``viewBox`` width and the columns of a chart of ``bars``.

    Each column is 10 units wide (8 drawn, 1 of space each side) and as tall as its
    ``Bar.width`` percentage of ``height``; columns grow from the bottom.
    """
    columns = []
    for index, bar in enumerate(bars):
        size = float(bar.width) * height / 100
        columns.append(
            ChartColumn(
                x=f"{index * 10 + 1}",
                y=f"{height - size:.1f}",
                width="8",
                height=f"{size:.1f}",
                label=bar.label,
                count=bar.count,
            )
        )
    return str(max(len(bars), 1) * 10), columns
