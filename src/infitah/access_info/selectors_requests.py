"""Reads of the requesters' and the officers' pages (the public ones are H6's).

Every read is scoped: a requester's own requests, the requests of the collectivities
a user handles (:func:`infitah.access_info.rules.handled_collectivity_ids`). Rows of
lists carry their due date, days left and lateness, computed with one
:class:`~infitah.access_info.deadlines.WorkingCalendar` per page (no query per row).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from infitah.access_info import deadlines
from infitah.access_info.models import Complaint, InformationRequest, RequestEvent
from infitah.access_info.rules import handled_collectivity_ids
from infitah.core.text import normalize_for_search
from infitah.network.models import Membership
from infitah.territories.models import Collectivity

__all__ = [
    "QUEUE_FLAGS",
    "QueueRow",
    "handled_collectivities",
    "member_collectivities",
    "my_requests",
    "officer_queue",
    "queue_rows",
    "request_for_officer",
    "request_for_requester",
    "valid_reference",
]

#: Flags of the officers' queue filter.
QUEUE_FLAGS = ("late", "very_late", "urgent")

#: Columns the list pages read (never the identity).
LIST_COLUMNS = (
    "pk",
    "reference",
    "subject",
    "channel",
    "status",
    "is_urgent",
    "received_at",
    "due_on",
    "closed_at",
    "extended_at",
    "collectivity__id",
    "collectivity__code",
    "collectivity__name",
    "collectivity__name_ar",
    "collectivity__name_fr",
    "collectivity__name_en",
)


def valid_reference(reference: str) -> bool:
    """Whether ``reference`` could be a request's (printable, not longer than the column)."""
    return bool(reference) and len(reference) <= 40 and reference.isprintable()


def member_collectivities() -> QuerySet[Collectivity]:
    """Collectivities with an active membership (requests are filed with these), by name."""
    return (
        Collectivity.objects.filter(memberships__status=Membership.Status.ACTIVE)
        .distinct()
        .order_by("name", "code")
    )


def handled_collectivities(user: Any) -> QuerySet[Collectivity]:
    """The collectivities whose requests ``user`` handles, by name."""
    return Collectivity.objects.filter(pk__in=handled_collectivity_ids(user)).order_by(
        "name", "code"
    )


def my_requests(user: Any) -> QuerySet[InformationRequest]:
    """The requests filed from ``user``'s account, newest first."""
    return (
        InformationRequest.objects.filter(requester_id=user.pk)
        .select_related("collectivity")
        .only(*LIST_COLUMNS)
        .order_by("-received_at", "-pk")
    )


def _with_details(queryset: QuerySet[InformationRequest]) -> QuerySet[InformationRequest]:
    return queryset.select_related("collectivity").prefetch_related(
        Prefetch(
            "events",
            queryset=RequestEvent.objects.select_related("actor").order_by("at", "pk"),
        ),
        Prefetch("complaints", queryset=Complaint.objects.order_by("filed_at", "pk")),
        "documents",
    )


def request_for_requester(user: Any, reference: str) -> InformationRequest | None:
    """The request ``reference`` if filed from ``user``'s account, with its log; else ``None``."""
    if not valid_reference(reference) or not user.is_authenticated:
        return None
    return _with_details(
        InformationRequest.objects.filter(reference=reference, requester_id=user.pk)
    ).first()


def request_for_officer(user: Any, reference: str) -> InformationRequest | None:
    """The request ``reference`` if ``user`` handles its collectivity, with its log."""
    if not valid_reference(reference):
        return None
    ids = handled_collectivity_ids(user)
    if not ids:
        return None
    return _with_details(
        InformationRequest.objects.filter(reference=reference, collectivity_id__in=ids)
    ).first()


def officer_queue(
    user: Any,
    *,
    collectivity_id: int | None = None,
    status: str = "open",
    flag: str = "",
    query: str = "",
    today: datetime.date | None = None,
    calendar: deadlines.WorkingCalendar | None = None,
) -> QuerySet[InformationRequest]:
    """The requests of the collectivities ``user`` handles, filtered, for the queue.

    Args:
        collectivity_id: one of them (others are ignored by the caller).
        status: ``"open"`` (default), ``"all"`` or an ``InformationRequest.Status``.
        flag: ``"late"`` (past the due date), ``"very_late"`` (at least
            :func:`conf.very_late_working_days` working days past it) or ``"urgent"``;
            lateness applies to open requests.
        query: words of the subject, or a reference (or its start).

    Returns:
        Open requests by due date first; others newest first. Only the list's
        columns are read (no identity).
    """
    ids = handled_collectivity_ids(user)
    if collectivity_id is not None:
        ids = [pk for pk in ids if pk == collectivity_id]
    queryset = InformationRequest.objects.filter(collectivity_id__in=ids)
    if status == "open":
        queryset = queryset.open()
    elif status in InformationRequest.Status.values:
        queryset = queryset.filter(status=status)
    today = today or deadlines.local_date(timezone.now())
    if flag in ("late", "very_late"):
        queryset = queryset.open().filter(due_on__lt=today)
        if flag == "very_late":
            from infitah.access_info import conf

            calendar = calendar or deadlines.WorkingCalendar()
            limit = calendar.working_days_back(today, conf.very_late_working_days())
            queryset = queryset.filter(due_on__lte=limit)
    elif flag == "urgent":
        queryset = queryset.filter(is_urgent=True)
    if query:
        folded = normalize_for_search(query)
        condition = Q(reference__istartswith=query.strip())
        if folded:
            words = Q()
            for word in folded.split():
                words &= Q(search_text__contains=word)
            condition |= words
        queryset = queryset.filter(condition)
    order = (
        ("due_on", "pk")
        if status == "open" or flag in ("late", "very_late")
        else ("-received_at", "-pk")
    )
    return queryset.select_related("collectivity").only(*LIST_COLUMNS).order_by(*order)


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One request of a list, with its deadline figures."""

    request: InformationRequest
    days_left: int | None
    lateness: str
    late_by: int

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)


def queue_rows(
    requests: list[InformationRequest],
    *,
    today: datetime.date,
    calendar: deadlines.WorkingCalendar,
) -> list[QueueRow]:
    """Rows for a page of requests: days left (open ones), lateness, working days late."""
    rows = []
    for request in requests:
        late = deadlines.lateness(request, today, calendar=calendar)
        late_by = 0
        left: int | None = None
        if request.status in InformationRequest.OPEN_STATUSES:
            if late == deadlines.Lateness.ON_TIME:
                left = calendar.working_days_between(today, request.due_on)
            else:
                late_by = calendar.working_days_between(request.due_on, today)
        rows.append(QueueRow(request=request, days_left=left, lateness=str(late), late_by=late_by))
    return rows
