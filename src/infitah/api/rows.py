"""Plain representations of collectivity and membership rows, built from tuples.

On a page of 50 rows, DRF's field-by-field serializers were most of an uncached
request: each row went through some twenty ``Field.get_attribute`` calls, two URL
reversals (``reverse`` plus ``build_absolute_uri``), a model instance and
modeltranslation's per-row language resolution for ``name``. The builders here give
the same dicts (same keys in the same order, same values) from ``values_list`` tuples:

- URLs are reversed once per request with a placeholder in the variable segment, then
  formatted per row. A value is substituted only when ``reverse`` would leave it as it
  is (letters, digits and the few punctuation marks the URL pattern allows, nothing
  to percent-encode, not a ``.``/``..`` segment); any other value takes the slow path
  (the real ``reverse``), so the output is identical in every case.
- Translated names: the language order (the requested language, then the site's
  fallbacks) is resolved once per request, exactly as modeltranslation's descriptor
  resolves it per access.

:mod:`infitah.api.serializers` stays the reference and describes the OpenAPI schema;
``tests/api/test_plain_rows.py`` checks that both give byte-identical answers.
"""

from __future__ import annotations

import abc
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import models
from django.urls import reverse as django_reverse
from django.urls.converters import SlugConverter
from modeltranslation import settings as mt_settings
from modeltranslation.fields import NONE, TranslationFieldDescriptor
from modeltranslation.manager import MultilingualQuerySet
from modeltranslation.utils import fallbacks_enabled, resolution_order
from modeltranslation.utils import get_language as mt_get_language
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.reverse import reverse

from infitah.api import selectors
from infitah.territories.models import Collectivity

#: Official codes in API addresses. They contain dots (``01.011.01.03``), which DRF's
#: default ``[^/.]+`` would cut.
CODE_REGEX = r"[0-9A-Za-z.\-]+"

#: Languages of the ``*_ar``/``*_fr``/``*_en`` columns, in the order the API gives them.
LANGUAGES = ("ar", "fr", "en")

#: Stands for the variable segment while a URL is reversed once per request. It must
#: match every URL pattern it is used with and never be changed by URL encoding.
PLACEHOLDER = "0rowkey0"

_CODE = re.compile(CODE_REGEX)
_SLUG = re.compile(SlugConverter.regex)

Row = Sequence[Any]


def plain_values(queryset: models.QuerySet[Any], columns: Sequence[str]) -> models.QuerySet[Any]:
    """Return ``queryset.values_list(*columns)`` without modeltranslation's rewriting.

    modeltranslation post-processes every ``values_list`` row of a translated model
    (``FallbackValuesListIterable``); the builders below ask for the ``_ar``/``_fr``/
    ``_en`` columns themselves, so plain tuples are enough. Filters and ordering
    already applied to ``queryset`` (rewritten for the active language) are kept.
    """
    if isinstance(queryset, MultilingualQuerySet):
        queryset = queryset.rewrite(False)
    return queryset.values_list(*columns)


class CountedRows:
    """What the paginator pages through: rows read from one queryset, counted on another.

    ``rows[a:b]`` slices ``rows``; ``count()`` counts ``count_queryset``, which must
    select the same rows (``rows`` adds only joins that never change their number:
    LEFT JOINs and joins along non-null foreign keys). Counting the lean queryset
    spares the database those joins (SQLite does not remove them by itself).
    """

    __slots__ = ("_count_queryset", "_rows")

    def __init__(self, rows: models.QuerySet[Any], *, count_queryset: models.QuerySet[Any]) -> None:
        self._rows = rows
        self._count_queryset = count_queryset

    @property
    def ordered(self) -> bool:
        """Whether the rows have an ordering (Django's paginator warns otherwise)."""
        return self._rows.ordered

    def count(self) -> int:
        """Return the number of rows (one ``COUNT(*)`` query)."""
        return self._count_queryset.count()

    def __getitem__(self, index: slice) -> models.QuerySet[Any]:
        return self._rows[index]


class LinkTemplate:
    """Absolute URLs that differ by one path segment, reversed once per request.

    ``build(value)`` is the exact (slow) computation of the URL for ``value``;
    ``allowed`` is the regular expression of the URL pattern's segment. Calling the
    template returns ``build(value)`` for every ``value``, formatting a string when
    that is provably the same.
    """

    __slots__ = ("_allowed", "_build", "_parts")

    def __init__(self, build: Callable[[str], str], allowed: re.Pattern[str]) -> None:
        self._build = build
        self._allowed = allowed
        parts = build(PLACEHOLDER).split(PLACEHOLDER)
        # Anything but exactly one placeholder (a host that contains it...): slow path.
        self._parts = (parts[0], parts[1]) if len(parts) == 2 else None

    def __call__(self, value: str) -> str:
        """Return the absolute URL for ``value`` (a code or slug)."""
        parts = self._parts
        # Unreserved characters only (what the patterns allow), so reverse() and
        # iri_to_uri() leave the value as it is; "." and ".." segments are resolved by
        # build_absolute_uri(), hence the strip.
        if parts is not None and self._allowed.fullmatch(value) and value.strip("."):
            return parts[0] + value + parts[1]
        return self._build(value)


class TranslatedField:
    """The value of a translated field in the active language, from its columns.

    Follows :class:`modeltranslation.fields.TranslationFieldDescriptor` exactly: the
    first meaningful value (not ``None``, not the field's "undefined" value) in the
    language resolution order, else the fallback value, else the field's default.
    The order is resolved once, when the object is made (once per request).
    """

    __slots__ = ("_missing", "_positions", "_undefined")

    def __init__(self, model: type[models.Model], name: str) -> None:
        descriptor = model.__dict__[name]
        if not isinstance(descriptor, TranslationFieldDescriptor) or isinstance(
            descriptor.field, models.FileField
        ):
            raise TypeError(f"{model.__name__}.{name} is not a translated text field")
        default: Any = NONE
        undefined = descriptor.fallback_undefined
        if undefined is NONE:
            default = descriptor.field.get_default()
            undefined = default
        if fallbacks_enabled() and descriptor.fallback_value is not NONE:
            self._missing = descriptor.fallback_value
        else:
            self._missing = descriptor.field.get_default() if default is NONE else default
        self._undefined = undefined
        order = resolution_order(mt_get_language(), descriptor.fallback_languages)
        # A language without a column reads as None in the descriptor: skip it.
        self._positions = tuple(LANGUAGES.index(lang) for lang in order if lang in LANGUAGES)

    def __call__(self, values: Row) -> Any:
        """Pick from ``values``, the field's columns in :data:`LANGUAGES` order."""
        undefined = self._undefined
        for position in self._positions:
            value = values[position]
            if value is not None and value != undefined:
                return value
        return self._missing


def _check_languages() -> None:
    """The columns read here must be modeltranslation's languages, in our order."""
    if set(mt_settings.AVAILABLE_LANGUAGES) != set(LANGUAGES):  # pragma: no cover
        raise RuntimeError(
            f"infitah.api.rows reads {LANGUAGES}, modeltranslation has "
            f"{mt_settings.AVAILABLE_LANGUAGES}"
        )


_check_languages()


class _CollectivityLinks:
    """``url`` (API detail) and ``web_url`` (public page) of collectivities."""

    __slots__ = ("api", "web")

    def __init__(self, request: Request) -> None:
        def api(code: str) -> str:
            return str(reverse("api:collectivity-detail", kwargs={"code": code}, request=request))

        def web(slug: str) -> str:
            # Collectivity.get_absolute_url(), without making a model instance.
            path = django_reverse("territories:collectivity-detail", kwargs={"slug": slug})
            return str(request.build_absolute_uri(path))

        self.api = LinkTemplate(api, _CODE)
        self.web = LinkTemplate(web, _SLUG)


class RowBuilder(abc.ABC):
    """Turns ``values_list`` tuples of :attr:`columns` into the API's dicts.

    Make one per request, after the language is activated: URL templates and the
    language order are resolved in the constructor.
    """

    columns: tuple[str, ...] = ()

    def __init__(self, request: Request) -> None:
        self.request = request

    @staticmethod
    @abc.abstractmethod
    def source() -> models.QuerySet[Any]:
        """Every row, without the annotations of :meth:`with_columns`: what is filtered
        and counted."""

    @staticmethod
    def with_columns(queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """Add the annotations :attr:`columns` need to ``queryset`` (same rows)."""
        return queryset

    @classmethod
    def values(cls, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """Return ``queryset`` (from :meth:`source`, filtered) as tuples of :attr:`columns`."""
        return plain_values(cls.with_columns(queryset), cls.columns)

    @classmethod
    def all_values(cls) -> models.QuerySet[Any]:
        """Return ``values(source())``: a clone of a queryset built once (unfiltered lists)."""
        return cls._all_values().all()

    @classmethod
    @functools.cache
    def _all_values(cls) -> models.QuerySet[Any]:
        return cls.values(cls.source())

    @abc.abstractmethod
    def __call__(self, row: Row) -> dict[str, Any]:
        """Return the JSON-ready dict of one row (a tuple of :attr:`columns`)."""

    def many(self, rows: Iterable[Row]) -> list[dict[str, Any]]:
        """Return the dicts of ``rows``, in order."""
        return [self(row) for row in rows]


class CollectivityRows(RowBuilder):
    """Rows of :class:`~infitah.api.serializers.CollectivitySerializer`, from tuples.

    Make one per request (after the language is activated); :meth:`values` reads
    tuples of :attr:`columns` from :func:`infitah.api.selectors.collectivities`.
    """

    columns = (
        "code",
        "kind",
        "name_ar",
        "name_fr",
        "name_en",
        "slug",
        "parent_code",
        "region_code",
        "area_type",
        "population_2024",
        "households_2024",
        "population_2014",
        "is_member",
    )

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self._name = TranslatedField(Collectivity, "name")
        self._links = _CollectivityLinks(request)

    @staticmethod
    def source() -> models.QuerySet[Any]:
        return selectors.collectivities()

    @staticmethod
    def with_columns(queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return selectors.with_related_codes(queryset)  # type: ignore[arg-type]

    def __call__(self, row: Row) -> dict[str, Any]:
        """Return the JSON-ready dict of one row (a tuple of :attr:`columns`)."""
        (
            code,
            kind,
            name_ar,
            name_fr,
            name_en,
            slug,
            parent,
            region,
            area_type,
            population_2024,
            households_2024,
            population_2014,
            is_member,
        ) = row
        return {
            "code": code,
            "kind": kind,
            "name": self._name((name_ar, name_fr, name_en)),
            "name_ar": name_ar,
            "name_fr": name_fr,
            "name_en": name_en,
            "slug": slug,
            "parent": parent,
            "region": region,
            "area_type": area_type or None,
            "population_2024": population_2024,
            "households_2024": households_2024,
            "population_2014": population_2014,
            "is_member": bool(is_member),
            "url": self._links.api(code),
            "web_url": self._links.web(slug),
        }


class MembershipRows(RowBuilder):
    """Rows of :class:`~infitah.api.serializers.MembershipSerializer`, from tuples.

    Make one per request; :meth:`values` reads tuples of :attr:`columns` from
    :func:`infitah.api.selectors.memberships`.
    """

    columns = (
        "network_slug",
        "collectivity__code",
        "collectivity__kind",
        "collectivity__name_ar",
        "collectivity__name_fr",
        "collectivity__name_en",
        "region_code",
        "collectivity__slug",
        "status",
        "joined_on",
        "cohort",
        "is_founding_member",
        "focal_point_name",
        "focal_point_title",
        "focal_point_email",
        "focal_point_phone",
    )

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self._name = TranslatedField(Collectivity, "name")
        self._links = _CollectivityLinks(request)
        # DRF's own field: honours REST_FRAMEWORK["DATE_FORMAT"] like the serializer.
        self._date = serializers.DateField().to_representation

    @staticmethod
    def source() -> models.QuerySet[Any]:
        return selectors.memberships()

    @staticmethod
    def with_columns(queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return selectors.with_membership_codes(queryset)

    def __call__(self, row: Row) -> dict[str, Any]:
        """Return the JSON-ready dict of one row (a tuple of :attr:`columns`)."""
        (
            network,
            code,
            kind,
            name_ar,
            name_fr,
            name_en,
            region,
            slug,
            status,
            joined_on,
            cohort,
            is_founding_member,
            focal_name,
            focal_title,
            focal_email,
            focal_phone,
        ) = row
        focal_point = (
            {"name": focal_name, "title": focal_title, "email": focal_email, "phone": focal_phone}
            if (focal_name or focal_title or focal_email or focal_phone)
            else None
        )
        return {
            "network": network,
            "collectivity": {
                "code": code,
                "kind": kind,
                "name": self._name((name_ar, name_fr, name_en)),
                "name_ar": name_ar,
                "name_fr": name_fr,
                "name_en": name_en,
                "region": region,
                "url": self._links.api(code),
                "web_url": self._links.web(slug),
            },
            "status": status,
            "joined_on": self._date(joined_on),
            "cohort": cohort,
            "is_founding_member": bool(is_founding_member),
            "focal_point": focal_point,
        }
