"""Public (anonymous) API of access to information: register, statistics, disclosure.

Registered on ``/api/v1/`` by :func:`register`:

- ``information-register/`` and ``information-register/{reference}/`` — the public
  register (filters ``collectivity``, ``region``, ``status``, ``channel``,
  ``is_urgent``, ``year``, ``q``), never any personal data;
- ``information-statistics/`` (the network) and ``information-statistics/{code}/``
  (one collectivity), ``?year=``;
- ``disclosure-categories/`` and ``disclosure-categories/{code}/`` — the catalogue of
  article 10;
- ``disclosure-items/`` and ``disclosure-items/{id}/`` — items published by the
  collectivities (filters ``collectivity``, ``category``, ``is_current``, ``is_overdue``).

Conventions of :mod:`infitah.api.views`: anonymous, read-only (405 for other
methods), ``?lang=``, page-number pagination with ``count``, errors as
``{"error": {...}}``, answers cacheable for anonymous visitors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import SimpleRouter

from infitah.access_info import selectors
from infitah.access_info.disclosure import is_overdue
from infitah.access_info.models import (
    Complaint,
    DisclosureCategory,
    DisclosureItem,
    InformationRequest,
)
from infitah.api.filters import MAX_QUERY_LENGTH, StrictBooleanFilter, code_filter
from infitah.api.views import CODE_REGEX, ERROR_RESPONSE, LANG_PARAMETER, PublicReadOnlyViewSet
from infitah.core.selectors import language_order, localized_fields, translated
from infitah.core.text import search_tokens
from infitah.territories.models import Collectivity

__all__ = [
    "DisclosureCategoryViewSet",
    "DisclosureItemViewSet",
    "InformationRegisterViewSet",
    "InformationStatisticsViewSet",
    "register",
]

Status = InformationRequest.Status


# ================================================================ documentation
class PublicUnitSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Official code."))
    name = serializers.CharField(help_text=_("Name in the requested language."))


class RegisterEntrySerializer(serializers.Serializer):
    """A request in the public register (documentation of the answer's shape)."""

    reference = serializers.CharField()
    subject = serializers.CharField()
    collectivity = PublicUnitSerializer()
    region = PublicUnitSerializer(allow_null=True)
    channel = serializers.ChoiceField(choices=InformationRequest.Channel.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    is_urgent = serializers.BooleanField()
    is_late = serializers.BooleanField(help_text=_("Still open after its due date."))
    received_on = serializers.DateField()
    due_on = serializers.DateField()
    is_extended = serializers.BooleanField()
    decided_on = serializers.DateField(allow_null=True)
    working_days_taken = serializers.IntegerField(allow_null=True)
    answered_on_time = serializers.BooleanField(allow_null=True)
    refusal_ground = serializers.ChoiceField(
        choices=InformationRequest.RefusalGround.choices, allow_null=True
    )
    transferred_to = serializers.CharField(allow_null=True)
    answer_published_on = serializers.DateField(allow_null=True)
    url = serializers.URLField(help_text=_("The entry's page."))
    api_url = serializers.URLField()


class RegisterDocumentSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.URLField()


class RegisterComplaintSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Complaint.Stage.choices)
    filed_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Complaint.Outcome.choices)
    decided_on = serializers.DateField(allow_null=True)


class RegisterStepSerializer(serializers.Serializer):
    kind = serializers.CharField()
    status = serializers.CharField(allow_null=True)
    on = serializers.DateField()


class RegisterDetailSerializer(RegisterEntrySerializer):
    released_text = serializers.CharField(
        help_text=_("The information released, once published (redacted); empty before.")
    )
    documents = RegisterDocumentSerializer(many=True)
    complaints = RegisterComplaintSerializer(many=True)
    steps = RegisterStepSerializer(many=True)


class StatisticsCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    count = serializers.IntegerField()


class StatisticsMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text=_("YYYY-MM, local time."))
    count = serializers.IntegerField()


class StatisticsDaysSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    count = serializers.IntegerField()


class StatisticsWorkingDaysSerializer(serializers.Serializer):
    decided = serializers.IntegerField(help_text=_("Decided requests with working days known."))
    median = serializers.FloatField(allow_null=True)
    p90 = serializers.FloatField(allow_null=True)
    histogram = StatisticsDaysSerializer(many=True)


class StatisticsOnTimeSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    known = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class StatisticsComplaintSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Complaint.Stage.choices)
    outcome = serializers.ChoiceField(choices=Complaint.Outcome.choices)
    count = serializers.IntegerField()


class InformationStatisticsSerializer(serializers.Serializer):
    """Statistics of the requests received by the network or one collectivity."""

    collectivity = PublicUnitSerializer(allow_null=True)
    year = serializers.IntegerField(allow_null=True)
    years = serializers.ListField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    by_month = StatisticsMonthSerializer(many=True)
    by_status = StatisticsCountSerializer(many=True)
    by_urgency = StatisticsCountSerializer(many=True)
    by_channel = StatisticsCountSerializer(many=True)
    refusals_by_ground = StatisticsCountSerializer(many=True)
    working_days = StatisticsWorkingDaysSerializer()
    answered_on_time = StatisticsOnTimeSerializer()
    complaints = StatisticsComplaintSerializer(many=True)


class DisclosureCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_ar = serializers.CharField()
    name_fr = serializers.CharField()
    name_en = serializers.CharField()
    description = serializers.CharField()
    legal_basis = serializers.CharField()
    update_every_months = serializers.IntegerField(help_text=_("0: published once."))
    order = serializers.IntegerField()
    is_active = serializers.BooleanField()


class DisclosureItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    collectivity = PublicUnitSerializer()
    category = serializers.CharField(help_text=_("Category code."))
    title = serializers.CharField()
    link = serializers.URLField(allow_null=True)
    file_url = serializers.URLField(allow_null=True)
    published_on = serializers.DateField()
    next_update_due_on = serializers.DateField(allow_null=True)
    is_current = serializers.BooleanField()
    is_overdue = serializers.BooleanField()


class SingleObjectSchema(AutoSchema):
    """Documents ``list`` as one object (the network's statistics), not a list."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


# ======================================================================= filters
class RegisterFilter(django_filters.FilterSet):
    """Filters of ``/api/v1/information-register/``."""

    collectivity = code_filter(
        Collectivity.objects.all(), field_name="collectivity", label=_("collectivity (code)")
    )
    region = code_filter(
        Collectivity.objects.regions(), field_name="collectivity__region", label=_("region (code)")
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    channel = django_filters.ChoiceFilter(
        choices=InformationRequest.Channel.choices, label=_("channel")
    )
    is_urgent = StrictBooleanFilter(label=_("urgent"))
    year = django_filters.NumberFilter(
        method="filter_year", min_value=1900, max_value=2999, label=_("year of receipt")
    )
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        label=_("search in subject, reference and published answer"),
    )

    class Meta:
        model = InformationRequest
        fields: list[str] = []

    def filter_year(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        """Requests received in that local year."""
        if value is None:
            return queryset
        start, end = selectors.year_bounds(int(value))
        return queryset.filter(received_at__gte=start, received_at__lt=end)

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """Every word (Arabic spelling variants folded) in the register's search text."""
        condition = Q()
        for token in search_tokens(value):
            condition &= Q(search_text__contains=token)
        return queryset.filter(condition) if condition else queryset


class DisclosureItemFilter(django_filters.FilterSet):
    """Filters of ``/api/v1/disclosure-items/``."""

    collectivity = code_filter(
        Collectivity.objects.all(), field_name="collectivity", label=_("collectivity (code)")
    )
    category = code_filter(
        DisclosureCategory.objects.all(), field_name="category", label=_("category (code)")
    )
    is_current = StrictBooleanFilter(label=_("current version"))
    is_overdue = StrictBooleanFilter(method="filter_overdue", label=_("overdue for its update"))

    class Meta:
        model = DisclosureItem
        fields: list[str] = []

    def filter_overdue(
        self, queryset: QuerySet[Any], name: str, value: bool | None
    ) -> QuerySet[Any]:
        """Current items whose refresh date is before today (local date), or the others."""
        if value is None:
            return queryset
        overdue = Q(is_current=True, next_update_due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


# ===================================================================== helpers
class _PagedRows:
    """What the paginator pages through: ``build(queryset[a:b])`` rows, counted once."""

    def __init__(self, queryset: QuerySet[Any], build: Callable[[QuerySet[Any]], list[Any]]):
        self._queryset = queryset
        self._build = build

    @property
    def ordered(self) -> bool:
        return True

    def count(self) -> int:
        return self._queryset.count()

    def __len__(self) -> int:  # pragma: no cover - the paginator calls count()
        return self.count()

    def __getitem__(self, index: slice) -> list[Any]:
        return self._build(self._queryset[index])


def _year_parameter(request: Request) -> int | None:
    raw = request.query_params.get("year", "")
    if raw == "":
        return None
    if not raw.isdigit() or not 1900 <= int(raw) <= 2999:
        raise ValidationError({"year": [_("Enter a year between 1900 and 2999.")]})
    return int(raw)


YEAR_PARAMETER = OpenApiParameter(
    name="year",
    type=int,
    location=OpenApiParameter.QUERY,
    description=_("Only the requests received in this year (local time)."),
)


# ====================================================================== register
@extend_schema_view(
    list=extend_schema(
        summary=_("Public register of information requests"),
        description=_(
            "Every request in the public register, newest first, without any personal "
            "data: subject, collectivity, channel, dates, status, days taken, outcome."
        ),
        parameters=[LANG_PARAMETER],
        responses={
            200: RegisterEntrySerializer(many=True),
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary=_("One request of the public register, by reference"),
        description=_(
            "With the published (redacted) answer and public documents, the complaint "
            "stages and the dated steps."
        ),
        parameters=[LANG_PARAMETER],
        responses={200: RegisterDetailSerializer, 404: ERROR_RESPONSE},
    ),
)
class InformationRegisterViewSet(PublicReadOnlyViewSet):
    """The public register of information requests."""

    serializer_class = RegisterEntrySerializer
    filterset_class = RegisterFilter
    lookup_field = "reference"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[InformationRequest]:
        return selectors.register_requests()

    def _entry(self, row: selectors.RegisterRow) -> dict[str, Any]:
        request = self.request
        entry = selectors.public_entry(row)
        entry["url"] = request.build_absolute_uri(row.url)
        entry["api_url"] = reverse(
            "api:information-register-detail", kwargs={"reference": row.reference}, request=request
        )
        return entry

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        today = timezone.localdate()

        def build(page: QuerySet[InformationRequest]) -> list[dict[str, Any]]:
            return [self._entry(row) for row in selectors.register_rows(page, today=today)]

        page = self.paginate_queryset(_PagedRows(queryset, build))  # type: ignore[arg-type]
        return self.get_paginated_response(page)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        reference = str(self.kwargs[self.lookup_field])
        detail = selectors.register_detail(reference) if reference.isprintable() else None
        if detail is None:
            raise NotFound(_("No request of the register has this reference."))
        entry = self._entry(detail.row)
        entry["released_text"] = detail.released_text
        entry["documents"] = [
            {"title": d.title, "url": request.build_absolute_uri(d.url)} for d in detail.documents
        ]
        entry["complaints"] = [
            {
                "stage": c.stage,
                "filed_on": c.filed_on.isoformat(),
                "outcome": c.outcome,
                "decided_on": c.decided_on.isoformat() if c.decided_on else None,
            }
            for c in detail.complaints
        ]
        entry["steps"] = [
            {"kind": s.kind, "status": s.status_label or None, "on": s.on.isoformat()}
            for s in detail.steps
        ]
        return Response(entry)


# ==================================================================== statistics
def statistics_data(
    stats: selectors.RequestStatistics, collectivity: Collectivity | None
) -> dict[str, Any]:
    """Return ``stats`` as the API's plain data (codes, counts, numbers)."""

    def counts(bars: list[selectors.Bar]) -> list[dict[str, Any]]:
        return [{"code": b.code, "label": b.label, "count": b.count} for b in bars]

    def number(value: Any) -> float | None:
        return float(value) if value is not None else None

    complaints = []
    stage_codes = [bar.code for bar in stats.complaints_by_stage]
    for stage, (_label, values, _total) in zip(stage_codes, stats.complaint_matrix, strict=False):
        for outcome, count in zip(stats.complaint_outcomes, values, strict=True):
            if count:
                complaints.append({"stage": stage, "outcome": outcome, "count": count})
    return {
        "collectivity": (
            {"code": collectivity.code, "name": str(collectivity.name)} if collectivity else None
        ),
        "year": stats.year,
        "years": stats.years,
        "total": stats.total,
        "by_month": [{"month": bar.code, "count": bar.count} for bar in stats.months],
        "by_status": counts(stats.by_status),
        "by_urgency": counts(stats.by_urgency),
        "by_channel": counts(stats.by_channel),
        "refusals_by_ground": counts(stats.refusals),
        "working_days": {
            "decided": stats.timed,
            "median": number(stats.median_days),
            "p90": number(stats.p90_days),
            "histogram": [{"days": days, "count": count} for days, count in stats.histogram],
        },
        "answered_on_time": {
            "count": stats.on_time,
            "known": stats.on_time_known,
            "percent": number(stats.on_time_percent),
        },
        "complaints": complaints,
    }


@extend_schema_view(
    list=extend_schema(
        operation_id="information_statistics_network",
        summary=_("Statistics of information requests: the network"),
        description=_(
            "Requests by month, status, urgency and channel; median and 90th percentile "
            "of working days to answer; share answered on time; refusals by ground; "
            "complaints by stage and outcome."
        ),
        parameters=[LANG_PARAMETER, YEAR_PARAMETER],
        responses={200: InformationStatisticsSerializer, 400: ERROR_RESPONSE},
    ),
    retrieve=extend_schema(
        summary=_("Statistics of information requests: one collectivity, by official code"),
        parameters=[LANG_PARAMETER, YEAR_PARAMETER],
        responses={200: InformationStatisticsSerializer, 400: ERROR_RESPONSE, 404: ERROR_RESPONSE},
    ),
)
class InformationStatisticsViewSet(PublicReadOnlyViewSet):
    """Statistics of information requests (cached aggregates)."""

    serializer_class = InformationStatisticsSerializer
    schema = SingleObjectSchema()
    filter_backends = ()
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX

    def get_queryset(self) -> QuerySet[Collectivity]:
        return Collectivity.objects.all()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        year = _year_parameter(request)
        return Response(statistics_data(selectors.request_statistics(None, year=year), None))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        code = str(self.kwargs[self.lookup_field])
        collectivity = (
            Collectivity.objects.filter(code=code).first() if code.isprintable() else None
        )
        if collectivity is None:
            raise NotFound(_("No collectivity has this code."))
        year = _year_parameter(request)
        stats = selectors.request_statistics(collectivity.pk, year=year)
        return Response(statistics_data(stats, collectivity))


# ==================================================================== disclosure
_CATEGORY_COLUMNS = (
    "code",
    *localized_fields("name"),
    *localized_fields("description"),
    "legal_basis",
    "update_every_months",
    "order",
    "is_active",
)


def _category_data(row: dict[str, Any]) -> dict[str, Any]:
    names = language_order(DisclosureCategory, "name")
    descriptions = language_order(DisclosureCategory, "description")
    return {
        "code": row["code"],
        "name": translated(row, names),
        "name_ar": row["name_ar"] or "",
        "name_fr": row["name_fr"] or "",
        "name_en": row["name_en"] or "",
        "description": translated(row, descriptions),
        "legal_basis": row["legal_basis"],
        "update_every_months": row["update_every_months"],
        "order": row["order"],
        "is_active": row["is_active"],
    }


@extend_schema_view(
    list=extend_schema(
        summary=_("Proactive-disclosure categories (article 10)"),
        description=_(
            "The catalogue of information each collectivity publishes on its own "
            "initiative, with the expected update frequency."
        ),
        parameters=[LANG_PARAMETER],
        responses={
            200: DisclosureCategorySerializer(many=True),
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary=_("One proactive-disclosure category, by code"),
        parameters=[LANG_PARAMETER],
        responses={200: DisclosureCategorySerializer, 404: ERROR_RESPONSE},
    ),
)
class DisclosureCategoryViewSet(PublicReadOnlyViewSet):
    """The proactive-disclosure catalogue."""

    serializer_class = DisclosureCategorySerializer
    filter_backends = ()
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self) -> QuerySet[DisclosureCategory]:
        return DisclosureCategory.objects.rewrite(False).order_by("order", "pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(
            _PagedRows(
                queryset, lambda rows: [_category_data(r) for r in rows.values(*_CATEGORY_COLUMNS)]
            )  # type: ignore[arg-type]
        )
        return self.get_paginated_response(page)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        code = str(self.kwargs[self.lookup_field])
        row = self.get_queryset().filter(code=code).values(*_CATEGORY_COLUMNS).first()
        if row is None:
            raise NotFound(_("No category has this code."))
        return Response(_category_data(row))


_ITEM_COLUMNS = (
    *selectors.DISCLOSURE_ITEM_COLUMNS,
    "collectivity__code",
    *(f"collectivity__{name}" for name in localized_fields("name")),
    "category__code",
)


def _item_rows(request: Request, queryset: QuerySet[DisclosureItem]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    names = language_order(Collectivity, "name")
    rows = list(queryset.values(*_ITEM_COLUMNS))
    file_url = selectors.disclosure_file_url()

    return [
        {
            "id": row["pk"],
            "collectivity": {
                "code": row["collectivity__code"],
                "name": translated(row, names, "collectivity__"),
            },
            "category": row["category__code"],
            "title": row["title"],
            "link": row["url"] or None,
            "file_url": request.build_absolute_uri(file_url(row["pk"])) if row["file"] else None,
            "published_on": row["published_on"].isoformat(),
            "next_update_due_on": (
                row["next_update_due_on"].isoformat() if row["next_update_due_on"] else None
            ),
            "is_current": row["is_current"],
            "is_overdue": is_overdue(
                is_current=row["is_current"],
                next_update_due_on=row["next_update_due_on"],
                today=today,
            ),
        }
        for row in rows
    ]


@extend_schema_view(
    list=extend_schema(
        summary=_("Proactive-disclosure items"),
        description=_(
            "Items the collectivities published per category: document and/or link, "
            "publication date, next update due, current or earlier version, overdue flag."
        ),
        parameters=[LANG_PARAMETER],
        responses={
            200: DisclosureItemSerializer(many=True),
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary=_("One proactive-disclosure item"),
        parameters=[LANG_PARAMETER],
        responses={200: DisclosureItemSerializer, 404: ERROR_RESPONSE},
    ),
)
class DisclosureItemViewSet(PublicReadOnlyViewSet):
    """Items published proactively by the collectivities."""

    serializer_class = DisclosureItemSerializer
    filterset_class = DisclosureItemFilter

    def get_queryset(self) -> QuerySet[DisclosureItem]:
        return DisclosureItem.objects.order_by(
            "collectivity__code", "category__order", "-published_on", "pk"
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(
            _PagedRows(queryset, lambda rows: _item_rows(request, rows))  # type: ignore[arg-type]
        )
        return self.get_paginated_response(page)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raw = str(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        if not (raw.isascii() and raw.isdigit()):  # '²'.isdigit() is True
            raise NotFound(_("No item has this id."))
        rows = _item_rows(request, self.get_queryset().filter(pk=int(raw)))
        if not rows:
            raise NotFound(_("No item has this id."))
        return Response(rows[0])


def register(router: SimpleRouter) -> None:
    """Register the public register, statistics and disclosure viewsets on the API router."""
    router.register(
        "information-register", InformationRegisterViewSet, basename="information-register"
    )
    router.register(
        "information-statistics", InformationStatisticsViewSet, basename="information-statistics"
    )
    router.register(
        "disclosure-categories", DisclosureCategoryViewSet, basename="disclosure-category"
    )
    router.register("disclosure-items", DisclosureItemViewSet, basename="disclosure-item")
