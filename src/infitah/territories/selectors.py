"""Reads of collectivities for the public pages (territory browser, collectivity page).

Each function chooses its columns, joins and annotations once, so the pages that use
them run a constant number of queries however many collectivities and members exist.
List pages get plain rows (small dataclasses built from ``values_list`` tuples) with
their names in the active language, addresses and labels already made: the templates
only print them. The reads every page makes are compiled to SQL once
(:class:`~infitah.core.selectors.PreparedRead`). Counts over all collectivities and
members (:func:`territory_figures`, the region list, the numbers of children) are
aggregates, cached until public content changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import router
from django.db.models import BooleanField, Count, Exists, OuterRef, QuerySet, Value
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy, ngettext_lazy

from infitah.core.selectors import (
    Numbers,
    PreparedRead,
    TemplateRow,
    cached_aggregate,
    cached_aggregates,
    fill_label,
    language_order,
    localized_fields,
    plural_label,
    slug_url,
    translated,
)
from infitah.core.text import strip_bidi_controls
from infitah.network.models import Membership, Network
from infitah.territories.models import Collectivity

__all__ = [
    "KIND_GROUPS",
    "ChildRow",
    "CollectivityPage",
    "RegionSummary",
    "SearchRow",
    "TerritoryFigures",
    "UnitLink",
    "children_rows",
    "collectivity_by_slug",
    "collectivity_page",
    "collectivity_search",
    "kind_group_of",
    "kind_labels",
    "membership_of",
    "region_links",
    "regions_with",
    "search_rows",
    "territory_figures",
    "unit_links",
    "with_membership_flag",
]

#: Kinds as visitors filter them: "province" means provinces and prefectures.
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "region": (Collectivity.Kind.REGION,),
    "province": tuple(Collectivity.SECOND_LEVEL_KINDS),
    "commune": (Collectivity.Kind.COMMUNE,),
}

#: Version of the layout of the cached aggregates (``_compute_regions``,
#: ``_compute_counts``, ``_compute_child_counts``): change it when one of them does.
_FIGURES_LAYOUT = 1


def kind_group_of(kind: str) -> str:
    """Return the group (``region``, ``province`` or ``commune``) of a ``Collectivity.kind``."""
    for group, kinds in KIND_GROUPS.items():
        if kind in kinds:
            return group
    return kind


def kind_labels() -> dict[str, str]:
    """Return ``{kind: label}`` in the active language, capitalised ("Commune").

    The text of ``{{ c.get_kind_display|capfirst }}``, resolved once per page.
    """
    return {value: capfirst(str(label)) for value, label in Collectivity.Kind.choices}


def _area_labels() -> dict[str, str]:
    """``{area type: label}`` in the active language, as stored ("urban", lower case)."""
    return {value: str(label) for value, label in Collectivity.AreaType.choices}


def with_membership_flag(
    queryset: QuerySet[Collectivity], network_id: int | None
) -> QuerySet[Collectivity]:
    """Annotate ``is_member`` (bool): a public membership of the network exists.

    One ``EXISTS`` subquery per row in the same statement (no extra query). Without a
    network (``network_id`` is ``None``) every row is annotated ``False``.
    """
    if network_id is None:
        return queryset.annotate(is_member=Value(False, output_field=BooleanField()))
    members = Membership.objects.public().filter(network_id=network_id, collectivity=OuterRef("pk"))
    return queryset.annotate(is_member=Exists(members))


# ------------------------------------------------------------------ links to units
@dataclass(frozen=True, slots=True)
class UnitLink(TemplateRow):
    """A collectivity as a link: official code, slug, name in the active language, address.

    ``option_label`` is the name for places without markup (``<option>``), isolated as
    the ``plain_isolate`` filter does it.
    """

    pk: int
    code: str
    slug: str
    name: str
    url: str

    @property
    def option_label(self) -> str:
        text = strip_bidi_controls(self.name)
        return f"\u2068{text}\u2069" if text else ""


_LINK_COLUMNS = ("pk", "code", "slug")


def unit_links(pks: Iterable[int]) -> dict[int, UnitLink]:
    """Return ``{pk: UnitLink}`` for the given collectivities (one query; none if empty)."""
    wanted = {pk for pk in pks if pk is not None}
    if not wanted:
        return {}
    rows = Collectivity.objects.filter(pk__in=wanted).values(
        *_LINK_COLUMNS, *localized_fields("name")
    )
    return _links(rows)


def _links(rows: Iterable[dict[str, Any]]) -> dict[int, UnitLink]:
    names = language_order(Collectivity, "name")
    url = slug_url("territories:collectivity-detail")
    return {
        row["pk"]: UnitLink(
            pk=row["pk"],
            code=row["code"],
            slug=row["slug"],
            name=translated(row, names),
            url=url(row["slug"]),
        )
        for row in rows
    }


# Labels the templates rendered with {% blocktranslate %}, now made once a page (the
# messages are the same; ngettext_lazy(..., "counter") picks the form from the count).
PROVINCES_LABEL = ngettext_lazy(
    "%(number)s province or prefecture", "%(number)s provinces and prefectures", "counter"
)
COMMUNES_LABEL = ngettext_lazy("%(number)s commune", "%(number)s communes", "counter")
MEMBERS_LABEL = ngettext_lazy("%(number)s member", "%(number)s members", "counter")
CHILD_COMMUNES_LABEL = ngettext_lazy("%(counter)s commune", "%(counter)s communes", "counter")
POPULATION_LABEL = gettext_lazy("population %(number)s")


# ------------------------------------------------------------------ cached figures
@dataclass
class RegionSummary(TemplateRow):
    """A region with the number of its provinces/prefectures, communes and members.

    The ``*_shown`` fields are the numbers as ``intcomma`` shows them in the active
    language; the ``*_label`` properties the sentences of the browser's region cards.
    """

    region: UnitLink
    provinces: int = 0
    communes: int = 0
    members: int = 0
    provinces_shown: str = ""
    communes_shown: str = ""
    members_shown: str = ""

    @cached_property
    def provinces_label(self) -> SafeString:
        """ "3 provinces and prefectures" in the active language."""
        return plural_label(PROVINCES_LABEL, self.provinces, number=self.provinces_shown)

    @cached_property
    def communes_label(self) -> SafeString:
        """ "42 communes" in the active language."""
        return plural_label(COMMUNES_LABEL, self.communes, number=self.communes_shown)

    @cached_property
    def members_label(self) -> SafeString:
        """ "12 members" in the active language."""
        return plural_label(MEMBERS_LABEL, self.members, number=self.members_shown)


@dataclass(frozen=True)
class TerritoryFigures:
    """Counts of collectivities and public members, by kind and by region.

    ``units_by_kind`` and ``members_by_kind`` are keyed by kind group (``region``,
    ``province`` — provinces and prefectures —, ``commune``), zeros included;
    ``member_total`` counts every public member (any kind); ``regions`` are the
    regions by official code and ``region_summaries`` their counts, in the active
    language.
    """

    units_by_kind: dict[str, int]
    members_by_kind: dict[str, int]
    member_total: int
    regions: list[UnitLink]
    region_summaries: list[RegionSummary]


def _region_key() -> str:
    return f"regions:{_FIGURES_LAYOUT}"


def _figures_key(network: Network | None) -> str:
    return f"territory-figures:{_FIGURES_LAYOUT}:{network.pk if network else '-'}"


def territory_figures(network: Network | None) -> TerritoryFigures:
    """Return the regions and the counts of collectivities and of ``network``'s members.

    Args:
        network: members are counted in this network (active and suspended
            memberships); ``None`` gives zero members everywhere.

    Returns:
        A :class:`TerritoryFigures`. Aggregates cached until public content changes
        (:func:`cached_aggregates`): a hit costs the content-version read; a miss
        three queries whatever the data size (regions, units grouped by region and
        kind, members grouped by region and kind).
    """
    cached = cached_aggregates(
        {_region_key(): _compute_regions, _figures_key(network): lambda: _compute_counts(network)}
    )
    regions = _links(cached[_region_key()])
    counts = cached[_figures_key(network)]
    per_region = counts["regions"]
    shown = Numbers()
    summaries = []
    for pk, link in regions.items():
        provinces, communes, members = per_region.get(pk, (0, 0, 0))
        summaries.append(
            RegionSummary(
                region=link,
                provinces=provinces,
                communes=communes,
                members=members,
                provinces_shown=shown(provinces),
                communes_shown=shown(communes),
                members_shown=shown(members),
            )
        )
    return TerritoryFigures(
        units_by_kind=dict(counts["units_by_kind"]),
        members_by_kind=dict(counts["members_by_kind"]),
        member_total=counts["member_total"],
        regions=list(regions.values()),
        region_summaries=summaries,
    )


def region_links() -> dict[int, UnitLink]:
    """Return ``{pk: UnitLink}`` of every region, by official code.

    Cached until public content changes (one query on a miss).
    """
    return _links(cached_aggregate(_region_key(), _compute_regions))


def regions_with(
    aggregates: Mapping[str, Callable[[], Any]],
) -> tuple[list[UnitLink], dict[str, Any]]:
    """Return the regions (by code) and other cached aggregates, read together.

    Args:
        aggregates: ``{name: compute}`` as for :func:`cached_aggregates`.

    Returns:
        ``(regions, {name: value})``: one content-version read for all of them; on a
        miss, one query for the regions plus what each ``compute`` costs.
    """
    cached = cached_aggregates({_region_key(): _compute_regions, **aggregates})
    regions = list(_links(cached.pop(_region_key())).values())
    return regions, cached


def _compute_regions() -> list[dict[str, Any]]:
    rows = Collectivity.objects.regions().order_by("code")
    return list(rows.values(*_LINK_COLUMNS, *localized_fields("name")))


def _compute_counts(network: Network | None) -> dict[str, Any]:
    """Counts for :func:`territory_figures`; ``regions`` maps a region's pk to
    ``(provinces and prefectures, communes, public members)``."""
    units_by_kind = dict.fromkeys(KIND_GROUPS, 0)
    per_region: dict[int, list[int]] = {}
    region_kind = Collectivity.Kind.REGION
    units = Collectivity.objects.order_by().values_list("region_id", "kind").annotate(n=Count("pk"))
    for region_id, kind, number in units:
        group = kind_group_of(kind)
        if group in units_by_kind:
            units_by_kind[group] += number
        if region_id is None or kind == region_kind:
            continue
        counts = per_region.setdefault(region_id, [0, 0, 0])
        if group == "province":
            counts[0] += number
        elif kind == Collectivity.Kind.COMMUNE:
            counts[1] += number
    members_by_kind = dict.fromkeys(KIND_GROUPS, 0)
    member_total = 0
    if network is not None:
        members = (
            Membership.objects.public()
            .filter(network=network)
            .order_by()
            .values_list("collectivity__region_id", "collectivity__kind")
            .annotate(n=Count("pk"))
        )
        for region_id, kind, number in members:
            member_total += number
            group = kind_group_of(kind)
            if group in members_by_kind:
                members_by_kind[group] += number
            if region_id is not None:
                per_region.setdefault(region_id, [0, 0, 0])[2] += number
    return {
        "regions": {pk: tuple(counts) for pk, counts in per_region.items()},
        "units_by_kind": units_by_kind,
        "members_by_kind": members_by_kind,
        "member_total": member_total,
    }


# ------------------------------------------------------------------ browser search
@dataclass(frozen=True, slots=True)
class SearchRow(TemplateRow):
    """A search result: the unit, what it is part of, and whether it is a member.

    ``kind_label`` is the capitalised kind; ``area_label`` the urban/rural label
    (``""`` when unknown); ``parent`` and ``region`` are links (``None`` when absent);
    ``shows_region`` is true when the region differs from the parent.
    """

    pk: int
    code: str
    slug: str
    name: str
    url: str
    kind_label: str
    area_label: str
    parent: UnitLink | None
    region: UnitLink | None
    shows_region: bool
    is_member: bool


def collectivity_search(query: str, network: Network | None) -> QuerySet[Collectivity]:
    """Collectivities (any kind, member or not) whose names match ``query``, by code.

    Uses :meth:`CollectivityQuerySet.search` (normalised Arabic/French matching), with
    the ``is_member`` flag. Paginate it, then turn the page into rows with
    :func:`search_rows` (one query for the page plus the paginator's count).
    """
    queryset = Collectivity.objects.search(query)
    network_id = network.pk if network is not None else None
    return with_membership_flag(queryset, network_id).order_by("code")


def search_rows(page: QuerySet[Collectivity]) -> list[SearchRow]:
    """Return the :class:`SearchRow` of a page (a slice of :func:`collectivity_search`).

    One query with the parent's columns joined; regions come from the cached
    :func:`territory_figures` region list (or one more query for a region that is
    not there, which consistent data never has).
    """
    names = localized_fields("name")
    rows = list(
        page.values(
            "pk",
            "code",
            "slug",
            "kind",
            "area_type",
            "region_id",
            "parent_id",
            "is_member",
            *names,
            "parent__slug",
            "parent__code",
            *(f"parent__{column}" for column in names),
        )
    )
    order = language_order(Collectivity, "name")
    url = slug_url("territories:collectivity-detail")
    kinds = kind_labels()
    areas = _area_labels()
    regions = _region_links(row["region_id"] for row in rows)
    result = []
    for row in rows:
        parent = None
        if row["parent_id"] is not None:
            parent = UnitLink(
                pk=row["parent_id"],
                code=row["parent__code"],
                slug=row["parent__slug"],
                name=translated(row, order, "parent__"),
                url=url(row["parent__slug"]),
            )
        region = regions.get(row["region_id"])
        result.append(
            SearchRow(
                pk=row["pk"],
                code=row["code"],
                slug=row["slug"],
                name=translated(row, order),
                url=url(row["slug"]),
                kind_label=kinds.get(row["kind"], capfirst(row["kind"])),
                area_label=areas.get(row["area_type"], row["area_type"]),
                parent=parent,
                region=region,
                shows_region=region is not None and row["region_id"] != row["parent_id"],
                is_member=bool(row["is_member"]),
            )
        )
    return result


def _region_links(pks: Iterable[int | None]) -> dict[int, UnitLink]:
    """Links to the regions ``pks``: from the cached region list, else one query."""
    wanted = {pk for pk in pks if pk is not None}
    if not wanted:
        return {}
    links = region_links()
    missing = wanted - links.keys()
    if missing:
        links.update(unit_links(missing))
    return links


# ------------------------------------------------------------------ collectivity page
def _unit_fields() -> tuple[str, ...]:
    """The columns of a collectivity its page shows (the others are deferred)."""
    return (
        "id",
        "code",
        "kind",
        *localized_fields("name"),
        "name_zgh",
        "slug",
        "parent_id",
        "region_id",
        "area_type",
        "population_2024",
        "households_2024",
        "population_2014",
    )


def _parent_fields() -> tuple[str, ...]:
    """The columns of its parent (for the breadcrumb and the facts)."""
    return ("id", "code", "kind", *localized_fields("name"), "slug", "parent_id")


_unit_read = PreparedRead(
    lambda slug: (
        Collectivity.objects.all()
        .rewrite(False)
        .filter(slug=slug)
        .values_list(*_unit_fields(), *(f"parent__{name}" for name in _parent_fields()))[:1]
    )
)


def collectivity_by_slug(slug: str) -> Collectivity | None:
    """Return the collectivity of the page ``slug`` with its parent, or ``None``.

    One prepared query (the parent joined). The instance has the columns the page
    shows (``_unit_fields()``; others are deferred) and its ``parent`` is loaded.
    The grandparent and the region are regions: :func:`collectivity_page` takes them
    from the cached region list.
    """
    rows = _unit_read(slug)
    if not rows:
        return None
    row = rows[0]
    alias = router.db_for_read(Collectivity)
    fields = _unit_fields()
    unit = Collectivity.from_db(alias, list(fields), list(row[: len(fields)]))
    parent = None
    if unit.parent_id is not None:
        parent = Collectivity.from_db(alias, list(_parent_fields()), list(row[len(fields) :]))
    Collectivity.parent.field.set_cached_value(unit, parent)
    return unit


@dataclass(frozen=True)
class CollectivityPage(TemplateRow):
    """What the collectivity page shows about the unit besides its own columns.

    ``url`` is the unit's own address; ``grandparent`` and ``parent`` are the links of
    the breadcrumb above it; ``region`` is its region unless it is one; ``kind_label``
    is the capitalised kind, ``area_label`` the urban/rural label (lower case, ``""``
    when unknown). ``child_count`` is the number of units directly under it and
    ``child_counts`` maps every unit that has some to that number (for its children's
    rows); both are ``0``/empty for a commune.
    """

    url: str
    grandparent: UnitLink | None
    parent: UnitLink | None
    region: UnitLink | None
    kind_label: str
    area_label: str
    child_count: int = 0
    child_counts: dict[int, int] = field(default_factory=dict)


def collectivity_page(collectivity: Collectivity) -> CollectivityPage:
    """Return the links and labels of ``collectivity``'s page.

    ``collectivity`` comes from :func:`collectivity_by_slug` (its parent loaded). The
    grandparent and the region are regions, taken from the cached region list; a unit
    whose region or grandparent is not there costs one more query. The numbers of
    children are a cached aggregate too (read unless the unit is a commune); so the
    page costs the content-version read on a hit, and one query per aggregate on a
    miss.
    """
    wanted: dict[str, Callable[[], Any]] = {_region_key(): _compute_regions}
    if collectivity.kind != Collectivity.Kind.COMMUNE:
        wanted[_CHILD_COUNTS_KEY] = _compute_child_counts
    cached = cached_aggregates(wanted)
    child_counts: dict[int, int] = cached.get(_CHILD_COUNTS_KEY, {})
    url = slug_url("territories:collectivity-detail")
    parent_model = collectivity.parent
    parent = None
    if parent_model is not None:
        parent = UnitLink(
            pk=parent_model.pk,
            code=parent_model.code,
            slug=parent_model.slug,
            name=parent_model.name,
            url=url(parent_model.slug),
        )
    grandparent_id = parent_model.parent_id if parent_model is not None else None
    links = _links(cached[_region_key()])
    missing = [
        pk for pk in (collectivity.region_id, grandparent_id) if pk is not None and pk not in links
    ]
    if missing:
        links.update(unit_links(missing))
    region = None
    if collectivity.region_id is not None and collectivity.region_id != collectivity.pk:
        region = links[collectivity.region_id]
    area = collectivity.area_type
    return CollectivityPage(
        url=url(collectivity.slug),
        grandparent=links[grandparent_id] if grandparent_id is not None else None,
        parent=parent,
        region=region,
        kind_label=kind_labels().get(collectivity.kind, capfirst(collectivity.kind)),
        area_label=_area_labels().get(area, area),
        child_count=child_counts.get(collectivity.pk, 0),
        child_counts=child_counts,
    )


_CHILD_COUNTS_KEY = f"child-counts:{_FIGURES_LAYOUT}"


def _compute_child_counts() -> dict[int, int]:
    """``{parent pk: number of units directly under it}`` for every unit that has some."""
    rows = (
        Collectivity.objects.filter(parent__isnull=False)
        .order_by()
        .values_list("parent_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


@dataclass(frozen=True, slots=True)
class ChildRow(TemplateRow):
    """A unit listed on its parent's page.

    ``meta_label`` is the capitalised urban/rural label of a commune (``""`` when
    unknown) or the capitalised kind of another unit; ``communes_label`` ("12
    communes") is ``""`` without children; ``population_label`` ("population
    12,345") is ``""`` when the population is unknown.
    """

    pk: int
    code: str
    slug: str
    name: str
    url: str
    kind: str
    meta_label: str
    child_count: int
    communes_label: SafeString | str
    population_label: SafeString | str
    is_member: bool


def _child_columns() -> tuple[str, ...]:
    return (
        "pk",
        "code",
        "slug",
        "kind",
        "area_type",
        "population_2024",
        "is_member",
        *localized_fields("name"),
    )


def _children_page(parent_id: int, network_id: int | None, *, bottom: int, top: int) -> Any:
    queryset = Collectivity.objects.all().rewrite(False).filter(parent_id=parent_id)
    queryset = with_membership_flag(queryset.order_by("code"), network_id)
    return queryset[bottom:top].values_list(*_child_columns())


_children_page_read = PreparedRead(_children_page)


def children_rows(
    parent_id: int,
    network_id: int | None,
    *,
    bottom: int,
    top: int,
    child_counts: dict[int, int],
) -> list[ChildRow]:
    """Return the :class:`ChildRow` of the units directly under a unit, by code.

    For a region its provinces and prefectures, for a province its communes; the
    page's count is :attr:`CollectivityPage.child_count` (no query).

    Args:
        parent_id: the unit whose children are listed.
        network_id: members are flagged in this network (``None``: nobody is).
        bottom, top: the page's bounds (from :func:`infitah.core.selectors.paginate`).
        child_counts: :attr:`CollectivityPage.child_counts` (each child's own number of
            children).

    Returns:
        The rows, in order; one prepared query. Labels are the page's translated
        strings ("%(counter)s commune", "population %(number)s"), translated once a
        page.
    """
    columns = _child_columns()
    rows = [
        dict(zip(columns, row, strict=True))
        for row in _children_page_read(parent_id, network_id, bottom=bottom, top=top)
    ]
    order = language_order(Collectivity, "name")
    url = slug_url("territories:collectivity-detail")
    kinds = kind_labels()
    areas = {value: capfirst(label) for value, label in _area_labels().items()}
    numbers = Numbers()
    communes = _Labels(lambda n: plural_label(CHILD_COMMUNES_LABEL, n))
    population_text = str(POPULATION_LABEL)
    population = _Labels(lambda n: fill_label(population_text, POPULATION_LABEL, number=numbers(n)))
    result = []
    for row in rows:
        kind = row["kind"]
        if kind == Collectivity.Kind.COMMUNE:
            area = row["area_type"]
            meta = areas.get(area, capfirst(area)) or ""
        else:
            meta = kinds.get(kind, capfirst(kind))
        child_count = child_counts.get(row["pk"], 0)
        people = row["population_2024"]
        result.append(
            ChildRow(
                pk=row["pk"],
                code=row["code"],
                slug=row["slug"],
                name=translated(row, order),
                url=url(row["slug"]),
                kind=kind,
                meta_label=meta,
                child_count=child_count,
                communes_label=communes(child_count) if child_count else "",
                population_label=population(people) if people is not None else "",
                is_member=bool(row["is_member"]),
            )
        )
    return result


class _Labels:
    """Memoise a label function of an integer for one page (many rows share values)."""

    def __init__(self, make: Callable[[int], Any]) -> None:
        self._make = make
        self._made: dict[int, Any] = {}

    def __call__(self, number: int) -> Any:
        if number not in self._made:
            self._made[number] = self._make(number)
        return self._made[number]


def membership_of(collectivity: Collectivity, network: Network | None) -> Membership | None:
    """Return ``collectivity``'s membership of ``network`` (any status), or ``None``.

    One prepared query (without the model's default ordering, which would join the
    collectivity). The instance has the columns the page shows
    (``_membership_fields()``); the focal point's account is not loaded (its public
    contact is on the membership itself).
    """
    if network is None:
        return None
    rows = _membership_read(network.pk, collectivity.pk)
    if not rows:
        return None
    return Membership.from_db(
        router.db_for_read(Membership), list(_membership_fields()), list(rows[0])
    )


def _membership_fields() -> tuple[str, ...]:
    """The columns of a membership the collectivity page shows (the others are deferred)."""
    return (
        "id",
        "network_id",
        "collectivity_id",
        "status",
        "joined_on",
        "left_on",
        "cohort",
        "is_founding_member",
        "focal_point_name",
        "focal_point_title",
        "focal_point_email",
        "focal_point_phone",
    )


_membership_read = PreparedRead(
    lambda network_id, collectivity_id: (
        Membership.objects.filter(network_id=network_id, collectivity_id=collectivity_id)
        .order_by("pk")
        .values_list(*_membership_fields())[:1]
    )
)
