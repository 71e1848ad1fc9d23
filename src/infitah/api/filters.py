"""Query-string filters of the API lists (django-filter).

Every filter validates its value: an unknown kind, a code that names no collectivity,
``is_member=maybe`` or an unknown ``ordering`` answer 400 with the field named in the
error body (see :mod:`infitah.api.exceptions`), never an empty list or a 500.
Codes (``region``, ``parent``) are typed as text, so the browsable API never renders a
select of 1,600 collectivities.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.request import Request
from rest_framework.views import APIView

from infitah.core.text import search_tokens
from infitah.network.models import CharterVersion, Membership, Network
from infitah.territories.models import Collectivity, CollectivityQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    FilterSetClass = type[django_filters.FilterSet]

#: Longest accepted search query, in characters.
MAX_QUERY_LENGTH = 200


class StrictBooleanField(forms.Field):
    """A yes/no field that rejects anything but ``true``/``false`` (or ``1``/``0``).

    Django's ``NullBooleanField`` turns ``is_member=maybe`` into "no filter"; an API
    should say the value is wrong instead.
    """

    TRUE_VALUES = frozenset({"true", "1", "yes"})
    FALSE_VALUES = frozenset({"false", "0", "no"})
    widget = forms.Select(choices=[("", "---------"), ("true", _("yes")), ("false", _("no"))])
    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value: Any) -> bool | None:
        """Return ``True``, ``False`` or ``None`` (absent); raise ``ValidationError``."""
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE_VALUES:
            return True
        if text in self.FALSE_VALUES:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """``BooleanFilter`` backed by :class:`StrictBooleanField`."""

    field_class = StrictBooleanField


def code_filter(
    queryset: QuerySet[Any], *, field_name: str, label: StrOrPromise, to_field_name: str = "code"
) -> django_filters.ModelChoiceFilter:
    """Return a filter that takes a code (or slug), typed as text, and must name a row.

    Args:
        queryset: the rows the code may name (e.g. regions only).
        field_name: the lookup on the filtered model (``region``, ``collectivity__region``).
        label: the label shown in the browsable API.
        to_field_name: the unique column the value is matched against.

    Returns:
        A ``ModelChoiceFilter`` rendered as a text input; an unknown value is a
        validation error naming the value.
    """
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=queryset,
        to_field_name=to_field_name,
        label=label,
        widget=forms.TextInput,
        error_messages={"invalid_choice": _("Unknown code: %(value)s.")},
    )


class StableOrderingFilter(django_filters.OrderingFilter):
    """``?ordering=`` with missing values last in both directions and no ties.

    Databases disagree on where NULLs sort (PostgreSQL: first when descending; SQLite:
    last), so nullable columns get an explicit ``nulls_last``; ``tiebreak`` (a unique
    column) is appended so pages never overlap.
    """

    def __init__(
        self, *args: Any, nullable: tuple[str, ...] = (), tiebreak: str = "pk", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.nullable = frozenset(nullable)
        self.tiebreak = tiebreak

    def get_ordering_value(self, param: str) -> str | OrderBy:
        value: str = super().get_ordering_value(param)
        name = value.removeprefix("-")
        if name not in self.nullable:
            return value
        if value.startswith("-"):
            return F(name).desc(nulls_last=True)
        return F(name).asc(nulls_last=True)

    def filter(self, qs: QuerySet[Any], value: list[str] | None) -> QuerySet[Any]:
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value if param]
        return qs.order_by(*ordering, self.tiebreak)


class CollectivityFilter(django_filters.FilterSet):
    """Filters of ``/api/v1/collectivities/``."""

    kind = django_filters.ChoiceFilter(choices=Collectivity.Kind.choices, label=_("kind"))
    region = code_filter(
        Collectivity.objects.regions(), field_name="region", label=_("region (code)")
    )
    parent = code_filter(Collectivity.objects.all(), field_name="parent", label=_("parent (code)"))
    area_type = django_filters.ChoiceFilter(
        choices=Collectivity.AreaType.choices, label=_("urban or rural")
    )
    is_member = StrictBooleanFilter(field_name="is_member", label=_("member of the network"))
    q = django_filters.CharFilter(
        method="filter_q", max_length=MAX_QUERY_LENGTH, label=_("search in names")
    )
    ordering = StableOrderingFilter(
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("population_2024", "population_2024"),
        ),
        nullable=("population_2024",),
        tiebreak="code",
        label=_("ordering"),
    )

    class Meta:
        model = Collectivity
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """Names (any language, Arabic spelling variants folded) containing every word.

        Delegates to :meth:`CollectivityQuerySet.search`, the one search of the site.
        """
        return cast(CollectivityQuerySet, queryset).search(value)


class MembershipFilter(django_filters.FilterSet):
    """Filters of ``/api/v1/members/``."""

    network = code_filter(
        Network.objects.all(), field_name="network", label=_("network (slug)"), to_field_name="slug"
    )
    region = code_filter(
        Collectivity.objects.regions(), field_name="collectivity__region", label=_("region (code)")
    )
    kind = django_filters.ChoiceFilter(
        field_name="collectivity__kind", choices=Collectivity.Kind.choices, label=_("kind")
    )
    status = django_filters.ChoiceFilter(choices=Membership.Status.choices, label=_("status"))
    cohort = django_filters.CharFilter(max_length=40, label=_("cohort"))
    is_founding_member = StrictBooleanFilter(label=_("founding member"))
    q = django_filters.CharFilter(
        method="filter_q", max_length=MAX_QUERY_LENGTH, label=_("search in names")
    )
    ordering = StableOrderingFilter(
        fields=(
            ("collectivity__code", "code"),
            ("collectivity__name", "name"),
            ("joined_on", "joined_on"),
        ),
        nullable=("joined_on",),
        tiebreak="pk",
        label=_("ordering"),
    )

    class Meta:
        model = Membership
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """Members whose collectivity's names contain every word of ``value``."""
        if not search_tokens(value):
            return queryset
        return queryset.filter(collectivity__in=Collectivity.objects.search(value))


class CharterVersionFilter(django_filters.FilterSet):
    """Filters of ``/api/v1/charter/``."""

    network = code_filter(
        Network.objects.all(), field_name="network", label=_("network (slug)"), to_field_name="slug"
    )

    class Meta:
        model = CharterVersion
        fields: list[str] = []


# --- Backend -------------------------------------------------------------------------


@functools.cache
def filter_parameters(filterset_class: FilterSetClass) -> frozenset[str] | None:
    """Return the query parameters that ``filterset_class`` reads, or ``None`` if unsure.

    Each filter's form widget reads the parameter of its own name, except multi-value
    widgets (ranges, lookup choices) that read suffixed names: for those, ``None``.
    """
    names = []
    for name, flt in filterset_class.base_filters.items():
        widget = flt.extra.get("widget", flt.field_class.widget)
        widget_class = widget if isinstance(widget, type) else type(widget)
        if issubclass(widget_class, forms.MultiWidget):
            return None
        names.append(name)
    return frozenset(names)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the query string names none of the filters.

    A filter set bound to a query string without any of its parameters filters
    nothing (every value is empty, so every filter returns the rows as they are), but
    building it deep-copies its filters and validates a form: about a tenth of an
    uncached list request. ``?page=2&lang=fr`` therefore costs no filter set at all;
    any filter parameter, valid or not, goes through django-filter as before.
    """

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Any], view: APIView
    ) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        parameters = filter_parameters(filterset_class)
        if parameters is not None and parameters.isdisjoint(request.query_params.keys()):
            return queryset
        return cast("QuerySet[Any]", super().filter_queryset(request, queryset, view))
