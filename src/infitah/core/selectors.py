"""Reads shared by the public pages: pagination, request-parameter cleaning, and the
helpers that let a page build its rows once instead of once per row in the template.

Every list page paginates through :func:`paginate`, so a bad ``?page=`` (``abc``,
``0``, ``99999``) never raises: it shows the first or the last page instead.

Rows of list pages are plain values (``.values()`` rows turned into small dataclasses):
names are resolved in the active language with :func:`translated` (the same fallback
order as django-modeltranslation), addresses are built from one reversed prefix
(:func:`slug_url`), dates are formatted once per distinct date (:class:`DateLabels`).
Figures that summarise many rows are cached by :func:`cached_aggregate`, keyed by the
public-content version, so no page scans every row on every request.
"""

from __future__ import annotations

import datetime
import functools
import re
import threading
import unicodedata
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ValuesListIterable
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import numberformat
from django.utils.formats import date_format, get_format
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, override
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname, resolution_order
from modeltranslation.utils import get_language as translation_language

from infitah.core.cache import current_content_version
from infitah.core.text import strip_bidi_controls

__all__ = [
    "AGGREGATE_CACHE_SECONDS",
    "MAX_QUERY_LENGTH",
    "DateLabels",
    "Numbers",
    "PreparedRead",
    "TemplateRow",
    "cached_aggregate",
    "cached_aggregates",
    "clean_choice",
    "clean_query",
    "fill_label",
    "language_order",
    "language_positions",
    "localized_fields",
    "page_notice",
    "paginate",
    "plural_label",
    "slug_url",
    "text_label",
    "translated",
    "translated_at",
]

T = TypeVar("T")

#: Seconds an aggregate stays in the cache. Entries are keyed by the public-content
#: version, so a change is seen at once; the timeout only bounds how long a figure
#: could stay wrong after a write that forgot to bump the version.
AGGREGATE_CACHE_SECONDS = 3600

#: Characters of a search query kept; longer input is cut (each word is one SQL
#: condition, so an unbounded query would be an unbounded statement).
MAX_QUERY_LENGTH = 100


def paginate(
    items: QuerySet[Any] | Sequence[Any] | None,
    page_number: str | None,
    *,
    per_page: int,
    count: int | None = None,
    rows: Callable[[int, int], list[Any]] | None = None,
) -> Page[Any]:
    """Return one page of ``items``, clamped to the pages that exist.

    Args:
        items: an ordered queryset or sequence; ``None`` when ``count`` and ``rows``
            are given (nothing is left to count or to slice).
        page_number: the raw ``?page=`` value (any string, or ``None``).
        per_page: rows per page (a positive integer).
        count: the number of ``items`` when the caller already knows it (a cached
            aggregate); ``None`` counts them.
        rows: ``rows(bottom, top)`` returns the rows the page shows, ``items[bottom:top]``
            made ready to print (the read is the caller's: a prepared read, a
            ``values_list``...); ``None`` keeps the slice of ``items``.

    Returns:
        The requested page; page 1 when ``page_number`` is not a number, the last
        page when it is beyond the end. An empty ``items`` gives an empty page 1.
        Costs one ``COUNT`` query (none when ``count`` is given) and one query for the
        rows of a queryset (none for an empty page with ``rows``). With ``rows``,
        ``page.object_list`` is a list.
    """
    if items is None:
        if count is None or rows is None:
            raise ValueError("paginate() without items needs count and rows")
        items = range(count)
    paginator = Paginator(items, per_page, allow_empty_first_page=True)
    if count is not None:
        paginator.__dict__["count"] = count  # ``Paginator.count`` is a cached property
    page = paginator.get_page(page_number)
    if rows is not None:
        # The bounds Paginator.page() slices with (no orphans).
        bottom = (page.number - 1) * per_page
        top = min(bottom + per_page, paginator.count)
        page.object_list = rows(bottom, top) if top > bottom else []
    return page


def cached_aggregates(computes: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    """Return aggregates from the cache, computing and storing the missing ones.

    Args:
        computes: ``{name: compute}``. A name identifies the aggregate and everything
            it depends on (for instance ``"territory-figures:1:3"`` for network 3) but
            not the language (store every language's names and choose when showing
            them); ``compute()`` returns a value the cache can pickle, built from plain
            types (dicts, lists, numbers, text) so that a new release never unpickles
            an old class.

    Returns:
        ``{name: value}``. Keys hold the public-content version
        (:func:`infitah.core.cache.current_content_version`, one indexed read for all
        the names): any change to public content gives new keys, so a figure is never
        stale. A hit costs that read and one cache look-up, whatever the data size.

    Inside a transaction (a write in progress, or a test case) the values are computed
    and not stored: a rolled-back change must not leave figures under a version number
    that the next committed change will reuse.
    """
    if connection.in_atomic_block:
        return {name: compute() for name, compute in computes.items()}
    version = current_content_version()
    keys = {name: f"aggregate:{version}:{name}" for name in computes}
    found = cache.get_many(list(keys.values()))
    values: dict[str, Any] = {}
    computed: dict[str, Any] = {}
    for name, key in keys.items():
        if key in found:
            values[name] = found[key]
        else:
            values[name] = computed[key] = computes[name]()
    if computed:
        cache.set_many(computed, AGGREGATE_CACHE_SECONDS)
    return values


def cached_aggregate(name: str, compute: Callable[[], T]) -> T:
    """Return one aggregate through :func:`cached_aggregates`."""
    value: T = cached_aggregates({name: compute})[name]
    return value


# ----------------------------------------------------------- reads compiled once
class PreparedRead:
    """A read of fixed shape, compiled to SQL once per shape and process.

    Django compiles a queryset to SQL every time it runs it. For the small indexed
    reads every public page makes (the network's principles, a collectivity, its
    membership, a page of members) compiling costs several times what the database
    spends answering: about 0.4 ms against 0.05 ms on SQLite. ``PreparedRead(build)``
    takes a function returning a ``values_list`` queryset. The first call for a
    *shape* builds that queryset with stand-ins for the arguments, compiles it, and
    keeps the SQL, the places of the stand-ins among its parameters and the converters
    Django applies to each column (dates on SQLite...). Every call then runs that SQL
    with the real arguments: the same statement and the same rows as
    ``list(build(*args, **shape))`` (``tests/core/test_prepared.py`` compares them).

    Rules for ``build``: each positional argument is an integer or a text compared
    with ``=`` (it must reach the SQL unchanged, as one parameter), or ``None``, which
    changes the SQL and so is part of the shape; keyword arguments (a slice's bounds,
    a filter present or not) are the shape; the SQL must not depend on anything else,
    the active language included (filter on untranslated columns, select the
    ``_ar``/``_fr``/``_en`` columns, and call ``rewrite(False)`` on modeltranslation's
    querysets). A ``build`` that breaks the first rule fails on its first call.
    """

    #: Shapes kept per read; beyond that the oldest are dropped.
    MAX_SHAPES = 256

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self.build = build
        self._compiled: dict[Hashable, _CompiledRead] = {}
        self._lock = threading.Lock()

    def __call__(self, *args: int | str | None, **shape: Hashable) -> list[tuple[Any, ...]]:
        """Run the read for ``args`` and ``shape``; return its rows (tuples, converted)."""
        key = (tuple(arg is None for arg in args), tuple(sorted(shape.items())))
        compiled = self._compiled.get(key)
        if compiled is None:
            stand_ins = _stand_ins(args)
            compiled = _CompiledRead(self.build(*stand_ins, **shape), stand_ins)
            with self._lock:
                if len(self._compiled) >= self.MAX_SHAPES:
                    self._compiled.pop(next(iter(self._compiled)), None)
                self._compiled[key] = compiled
        return compiled.run(args)


def _stand_ins(args: Sequence[int | str | None]) -> list[int | str | None]:
    """Values that stand for ``args`` while a read is compiled (never real data)."""
    return [
        None
        if arg is None
        else -(10**15) - 7919 * position
        if isinstance(arg, int)
        else f"\x00stand-in {position}\x00"
        for position, arg in enumerate(args)
    ]


class _CompiledRead:
    """The SQL of one shape of a :class:`PreparedRead`, ready to run."""

    def __init__(self, queryset: QuerySet[Any], stand_ins: Sequence[int | str | None]) -> None:
        # Only Django's own tuples: modeltranslation's rewriting iterables reorder and
        # replace columns after the query (and a flat or named list is another shape).
        if queryset._iterable_class is not ValuesListIterable:
            raise ValueError(
                "a prepared read must be a plain values_list() "
                "(call rewrite(False) on a modeltranslation queryset)"
            )
        self.alias = queryset.db
        compiler = queryset.query.get_compiler(using=self.alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a shape that can match nothing (an empty slice...)
            sql, params = "", ()
        self.sql = sql
        self.params = list(params)
        self.places: list[tuple[int, int]] = []
        self.converters: list[tuple[int, Any]] = []
        if not sql:
            return
        for position, stand_in in enumerate(stand_ins):
            if stand_in is None:
                continue
            places = [i for i, param in enumerate(self.params) if param == stand_in]
            if len(places) != 1:
                raise ValueError(
                    f"argument {position} of a prepared read must reach the SQL as one "
                    f"parameter; it is in {len(places)}"
                )
            self.places.append((places[0], position))
        columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(columns).items())  # same as results_iter

    def run(self, args: Sequence[int | str | None]) -> list[Any]:
        if not self.sql:
            return []
        connection = connections[self.alias]
        params = list(self.params)
        for place, position in self.places:
            params[place] = args[position]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if not self.converters:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            values = list(row)
            for place, (functions, expression) in self.converters:
                value = values[place]
                for function in functions:
                    value = function(value, expression, connection)
                values[place] = value
            converted.append(tuple(values))
        return converted


# ----------------------------------------------------------- rows built once a page
class TemplateRow:
    """Base of the row and link dataclasses that templates print.

    The template engine looks a name up as ``row[name]`` first and only then as an
    attribute; a plain object makes that first try raise ``TypeError``, which costs
    more than the look-up itself on pages of many rows. Subscripting gives the
    attribute (``AttributeError`` for a missing one, as before).
    """

    __slots__ = ()

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)


def localized_fields(field: str) -> list[str]:
    """Return the columns of a translated field: ``["name_ar", "name_fr", "name_en"]``."""
    return [build_localized_fieldname(field, lang) for lang in AVAILABLE_LANGUAGES]


def language_order(model: type[Model], field: str) -> tuple[str, ...]:
    """Return the columns to read, in order, for ``model.field`` in the active language.

    The order is django-modeltranslation's (the active language, then the fallback
    languages of ``MODELTRANSLATION_FALLBACK_LANGUAGES`` or of the field), so that
    :func:`translated` shows exactly what ``instance.field`` would.
    """
    descriptor = getattr(model, field)
    languages = resolution_order(
        translation_language(), getattr(descriptor, "fallback_languages", None)
    )
    return tuple(build_localized_fieldname(field, lang) for lang in languages)


def translated(values: Mapping[str, Any], columns: Sequence[str], prefix: str = "") -> str:
    """Return the first non-empty ``prefix + column`` of ``values`` (``""`` if none).

    Args:
        values: a ``.values()`` row (or any mapping of column names to text).
        columns: from :func:`language_order`.
        prefix: a relation path such as ``"collectivity__"`` when the row's columns
            come from a related model.
    """
    for column in columns:
        value = values.get(prefix + column)
        if value is not None and value != "":
            return str(value)
    return ""


def language_positions(
    model: type[Model], field: str, columns: Sequence[str], start: int = 0
) -> list[int]:
    """Return where ``model.field``'s columns sit in a row, in the active language's order.

    Args:
        model, field: a translated field (see :func:`language_order`).
        columns: the row's column names, as given to ``values_list`` (the ``_ar``,
            ``_fr`` and ``_en`` columns must be among them, after ``start``).
        start: the index of ``columns[0]`` in the row.

    Returns:
        Indexes for :func:`translated_at`.
    """
    return [start + list(columns).index(column) for column in language_order(model, field)]


def translated_at(row: Sequence[Any], positions: Sequence[int]) -> str:
    """Return the first non-empty ``row[i]`` for ``i`` in ``positions`` (``""`` if none).

    The tuple version of :func:`translated`, with :func:`language_positions`.
    """
    for position in positions:
        value = row[position]
        if value is not None and value != "":
            return str(value)
    return ""


_SLUG_PATH = re.compile(r"[-a-zA-Z0-9_]+")
_SLUG_MARKER = "0slug0"


@functools.lru_cache(maxsize=256)
def _reversed_around_slug(
    viewname: str, kwarg: str, language: str, script_prefix: str, urlconf: str
) -> tuple[str, str]:
    url = reverse(viewname, kwargs={kwarg: _SLUG_MARKER})
    head, _marker, tail = url.rpartition(_SLUG_MARKER)
    return head, tail


def slug_url(viewname: str, kwarg: str = "slug") -> Callable[[str], str]:
    """Return ``slug -> address of viewname`` built from one reversed address.

    ``reverse()`` costs tens of microseconds; a page of rows calls it once, here, and
    puts each row's slug in the address. A value that is not a plain slug goes through
    ``reverse()`` itself (so it fails the same way). The prefix depends on the active
    language (``/ar/``), the script prefix and the URL configuration.
    """
    head, tail = _reversed_around_slug(
        viewname,
        kwarg,
        get_language() or "",
        get_script_prefix(),
        str(get_urlconf() or settings.ROOT_URLCONF),
    )

    def build(slug: str) -> str:
        if _SLUG_PATH.fullmatch(slug):
            return f"{head}{slug}{tail}"
        return reverse(viewname, kwargs={kwarg: slug})

    return build


class DateLabels:
    """Dates of one page as shown: ISO for ``<time datetime>``, ``DATE_FORMAT`` for people.

    Same text as the ``date`` filter (``{{ d|date:"DATE_FORMAT" }}``) in the active
    language, formatted once per distinct date of the page.
    """

    def __init__(self) -> None:
        self._shown: dict[datetime.date, str] = {}

    def shown(self, value: datetime.date) -> str:
        """Return ``value`` in the active language's ``DATE_FORMAT`` ("1 mars 2024")."""
        text = self._shown.get(value)
        if text is None:
            text = self._shown[value] = date_format(value, "DATE_FORMAT")
        return text

    @staticmethod
    def iso(value: datetime.date) -> str:
        """Return ``value`` as ``YYYY-MM-DD`` (the ``Y-m-d`` date format)."""
        return value.isoformat()


def _query_char(char: str) -> str:
    if char.isprintable():
        return char
    if char.isspace() or unicodedata.category(char) == "Cc":
        return " "
    return ""  # format characters (ZWJ, bidi marks...), private use, unassigned


def clean_query(raw: str | None) -> str:
    """Return a search query fit for display and search: trimmed, bounded, no controls.

    Whitespace of any kind and control characters (``Cc``: tabs, newlines, NUL, which
    PostgreSQL refuses) become spaces; bidi controls and other invisible format
    characters are removed; runs of whitespace collapse to one space, and the text is
    cut to :data:`MAX_QUERY_LENGTH` characters.
    """
    if not raw:
        return ""
    text = strip_bidi_controls(raw)
    text = "".join(_query_char(ch) for ch in text)
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def clean_choice(raw: str | None, *, max_length: int = 60) -> str:
    """Return a filter parameter (slug or code) trimmed and bounded, or ``""``.

    Control characters (NUL breaks PostgreSQL) are dropped. The caller compares the
    value with known slugs or codes and ignores an unknown one with a notice.
    """
    if not raw:
        return ""
    return "".join(ch for ch in raw.strip() if ch.isprintable())[:max_length]


def page_notice(raw: str | None, number: int) -> str:
    """Return the ``?page=`` value that :func:`paginate` did not honour, or ``""``.

    Args:
        raw: the raw ``?page=`` value.
        number: the number of the page actually shown.

    Returns:
        ``""`` when no page was asked for or the asked page is shown; otherwise the
        asked value (cleaned, at most 20 characters) for a "page X does not exist,
        showing page N" notice.
    """
    if raw is None or raw == "" or raw == str(number):
        return ""
    return clean_choice(raw, max_length=20) or "?"


class Numbers:
    """Whole numbers of one page as the ``intcomma`` filter shows them ("12,345").

    The active language's separators and grouping are read once; each distinct number
    is formatted once. Same text as ``{{ n|intcomma }}``.
    """

    def __init__(self) -> None:
        language = get_language()
        self._decimal = get_format("DECIMAL_SEPARATOR", language, use_l10n=True)
        self._grouping = get_format("NUMBER_GROUPING", language, use_l10n=True)
        self._thousands = get_format("THOUSAND_SEPARATOR", language, use_l10n=True)
        self._shown: dict[int, str] = {}

    def __call__(self, value: int) -> str:
        """Return ``value`` with the language's thousands separator."""
        text = self._shown.get(value)
        if text is None:
            text = self._shown[value] = numberformat.format(
                int(value),
                self._decimal,
                None,
                self._grouping,
                self._thousands,
                force_grouping=True,
                use_l10n=True,
            )
        return text


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def text_label(message: str | Promise, **values: object) -> SafeString:
    """Return what ``{% blocktranslate with ... %}`` renders for ``message``.

    Args:
        message: a ``gettext_lazy()`` message (so that makemessages finds it), with
            ``%(name)s`` placeholders.
        values: the placeholders' values; they are escaped, the translation is used
            as written (translators' text is trusted markup).

    Returns:
        Safe text. Like the template tag, a translation whose placeholders do not
        match falls back to the untranslated message.
    """
    return fill_label(str(message), message, **values)


def fill_label(translation: str, message: str | Promise, **values: object) -> SafeString:
    """:func:`text_label` with ``message`` already translated (``str(message)``).

    For a label shown on many rows: translate once a page, fill per row.
    """
    escaped = {key: conditional_escape(_text(value)) for key, value in values.items()}
    try:
        text = translation % escaped
    except (KeyError, ValueError):
        with override(None):
            text = str(message) % escaped
    return mark_safe(text)  # noqa: S308 - translators' text, values escaped


def plural_label(message: Any, count: int, **values: object) -> SafeString:
    """Return what ``{% blocktranslate count counter=count with ... %}`` renders.

    Args:
        message: ``ngettext_lazy(singular, plural, "counter")`` (so that makemessages
            finds it), with ``%(name)s`` placeholders.
        count: chooses the plural form (Arabic has six) and fills ``%(counter)s``.
        values: the other placeholders' values; they are escaped, the translation is
            used as written.

    Returns:
        Safe text. Like the template tag, a translation whose placeholders do not
        match falls back to the untranslated message.
    """
    data: dict[str, object] = {
        key: conditional_escape(_text(value)) for key, value in values.items()
    }
    data["counter"] = count
    try:
        text = message % data
    except (KeyError, ValueError):
        with override(None):
            text = message % data
    return mark_safe(text)  # noqa: S308 - translators' text, values escaped
