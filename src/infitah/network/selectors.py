"""Reads of the network for the public pages (home, members directory, network page).

The related rows each page needs are chosen here once; every function states how many
queries it costs, and none of them grows with the number of members. The directory's
rows are plain values made ready to print (:func:`member_rows`); figures are cached
aggregates (:func:`member_figures`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from infitah.core.selectors import (
    DateLabels,
    Numbers,
    PreparedRead,
    TemplateRow,
    cached_aggregate,
    language_order,
    language_positions,
    localized_fields,
    slug_url,
    translated_at,
)
from infitah.network.models import (
    CharterSection,
    CharterVersion,
    Membership,
    Network,
    Partner,
    Principle,
)
from infitah.territories.models import Collectivity
from infitah.territories.selectors import (
    KIND_GROUPS,
    RegionSummary,
    UnitLink,
    kind_labels,
    regions_with,
    territory_figures,
    unit_links,
)

__all__ = [
    "MemberFigures",
    "MemberRow",
    "PartnerRow",
    "PrincipleRow",
    "SectionRow",
    "charter_sections",
    "charter_versions",
    "current_network",
    "directory_figures",
    "member_directory",
    "member_figures",
    "member_rows",
    "partners",
    "principles",
]


def current_network() -> Network | None:
    """Return the network this site serves (the first one created), or ``None``.

    Every public page reads it, so, like Django's current ``Site``, its row is kept in
    the cache (:func:`cached_aggregate`) until public content changes (saving a
    network bumps the content version): the content-version read on a hit, one query
    on a miss.
    """
    row = cached_aggregate(f"current-network:{_NETWORK_LAYOUT}", _current_network_row)
    if not row:
        return None
    return Network.from_db(DEFAULT_DB_ALIAS, list(row), list(row.values()))


#: Version of the cached network row's layout (the model's columns).
_NETWORK_LAYOUT = 1


def _current_network_row() -> dict[str, Any]:
    """The first network's columns, in model order (every language), or ``{}``."""
    columns = [field.attname for field in Network._meta.concrete_fields]
    # ``raw_values``: the stored columns, not modeltranslation's per-language rewrite.
    rows = Network.objects.order_by("pk").raw_values(*columns)[:1]
    return dict(rows[0]) if rows else {}


@dataclass(frozen=True, slots=True)
class PrincipleRow(TemplateRow):
    """A principle of the network, in the active language."""

    code: str
    name: str
    description: str


def _principle_columns() -> tuple[str, ...]:
    return ("code", *localized_fields("name"), *localized_fields("description"))


_principles_read = PreparedRead(
    lambda network_id: (
        Principle.objects.all()
        .rewrite(False)
        .filter(network_id=network_id)
        .order_by("order", "pk")
        .values_list(*_principle_columns())
    )
)


def principles(network: Network) -> list[PrincipleRow]:
    """The network's principles in their published order (one query, prepared)."""
    columns = _principle_columns()
    name = language_positions(Principle, "name", columns)
    description = language_positions(Principle, "description", columns)
    return [
        PrincipleRow(
            code=row[0],
            name=translated_at(row, name),
            description=translated_at(row, description),
        )
        for row in _principles_read(network.pk)
    ]


@dataclass(frozen=True, slots=True)
class PartnerRow(TemplateRow):
    """A partner organisation, in the active language.

    ``kind_label`` is its kind, capitalised; ``shows_acronym`` is true when it has an
    acronym other than its name; ``website`` is as stored (print it through the
    ``web_url`` filter).
    """

    code: str
    name: str
    acronym: str
    shows_acronym: bool
    kind_label: str
    role: str
    website: str


def _partner_columns() -> tuple[str, ...]:
    return (
        "code",
        "acronym",
        "kind",
        "website",
        *localized_fields("name"),
        *localized_fields("role"),
    )


_partners_read = PreparedRead(
    lambda network_id: (
        Partner.objects.all()
        .rewrite(False)
        .filter(network_id=network_id)
        .order_by("order", "pk")
        .values_list(*_partner_columns())
    )
)


def partners(network: Network) -> list[PartnerRow]:
    """The network's partner organisations in their published order (one query, prepared)."""
    columns = _partner_columns()
    name = language_positions(Partner, "name", columns)
    role = language_positions(Partner, "role", columns)
    kinds = {value: capfirst(str(label)) for value, label in Partner.Kind.choices}
    result = []
    for row in _partners_read(network.pk):
        code, acronym, kind, website = row[:4]
        shown_name = translated_at(row, name)
        result.append(
            PartnerRow(
                code=code,
                name=shown_name,
                acronym=acronym,
                shows_acronym=bool(acronym) and acronym != shown_name,
                kind_label=kinds.get(kind) or capfirst(kind),
                role=translated_at(row, role),
                website=website,
            )
        )
    return result


@dataclass
class MemberFigures:
    """Figures of the home page, computed from the data.

    ``members_by_kind`` and ``units_by_kind`` are keyed by kind group (``region``,
    ``province`` — provinces and prefectures —, ``commune``); ``regions`` holds one
    :class:`RegionSummary` per region, by code. The ``*_shown`` fields are the same
    numbers as ``intcomma`` shows them in the active language.
    """

    members_by_kind: dict[str, int] = field(default_factory=dict)
    units_by_kind: dict[str, int] = field(default_factory=dict)
    regions: list[RegionSummary] = field(default_factory=list)
    members_shown: dict[str, str] = field(default_factory=dict)
    units_shown: dict[str, str] = field(default_factory=dict)
    total_members_shown: str = ""

    @property
    def total_members(self) -> int:
        return sum(self.members_by_kind.values())


def member_figures(network: Network) -> MemberFigures:
    """Count the network's public members by kind and by region.

    Returns:
        A :class:`MemberFigures` from :func:`infitah.territories.selectors.territory_figures`:
        cached aggregates (the content-version read on a hit, three aggregate queries on
        a miss, whatever the number of rows).
    """
    figures = territory_figures(network)
    shown = Numbers()
    members = figures.members_by_kind
    return MemberFigures(
        members_by_kind=members,
        units_by_kind=figures.units_by_kind,
        regions=figures.region_summaries,
        members_shown={kind: shown(n) for kind, n in members.items()},
        units_shown={kind: shown(n) for kind, n in figures.units_by_kind.items()},
        total_members_shown=shown(sum(members.values())),
    )


def directory_figures(network: Network, *, with_total: bool) -> tuple[list[UnitLink], int | None]:
    """Return the regions (for the directory's filter) and the number of public members.

    Args:
        network: the network whose members are counted.
        with_total: count the members (the unfiltered directory's total); ``False``
            gives ``None`` (a filtered list is counted by its paginator).

    Returns:
        ``(regions by code, total or None)``: cached aggregates, one content-version
        read on a hit; on a miss one query for the regions and one ``COUNT``.
    """
    key = f"member-total:{network.pk}"
    wanted = {key: lambda: Membership.objects.public().filter(network=network).count()}
    regions, values = regions_with(wanted if with_total else {})
    return regions, values.get(key)


def member_directory(
    network_id: int,
    *,
    region_id: int | None = None,
    kind_group: str = "",
    query: str = "",
) -> QuerySet[Membership]:
    """Public memberships of a network for the directory, ordered by official code.

    Args:
        network_id: the network whose members are listed.
        region_id: keep members in this region (the region itself included).
        kind_group: ``region``, ``province`` (provinces and prefectures) or
            ``commune``; anything else (or ``""``) keeps every kind.
        query: words matched against the collectivity's names with
            :meth:`CollectivityQuerySet.search` (normalised Arabic/French); ``""``
            keeps everyone.

    Returns:
        A queryset of :class:`Membership` to paginate (its count); :func:`member_rows`
        reads a page of it (one query).
    """
    conditions: dict[str, Any] = {"network_id": network_id}
    if region_id is not None:
        conditions["collectivity__region_id"] = region_id
    if kind_group in KIND_GROUPS:
        conditions["collectivity__kind__in"] = KIND_GROUPS[kind_group]
    queryset = Membership.objects.public().filter(**conditions)
    if query:
        matching = Collectivity.objects.search(query)
        queryset = queryset.filter(collectivity__in=matching.values("pk"))
    return queryset.order_by("collectivity__code")


def _member_columns() -> tuple[str, ...]:
    return (
        "status",
        "joined_on",
        "cohort",
        "collectivity_id",
        "collectivity__slug",
        "collectivity__kind",
        "collectivity__region_id",
        *(f"collectivity__{column}" for column in localized_fields("name")),
    )


def _member_page(
    network_id: int, region_id: int | None, *, kind_group: str, bottom: int, top: int
) -> QuerySet[Any]:
    page = member_directory(network_id, region_id=region_id, kind_group=kind_group)[bottom:top]
    return page.values_list(*_member_columns())


#: A page of the directory without a name search (the common case), compiled once per
#: filter and page.
_member_page_read = PreparedRead(_member_page)


@dataclass(slots=True)
class MemberRow(TemplateRow):
    """A row of the members directory, ready to print.

    ``name``, ``url`` and ``kind_label`` (capitalised) are the collectivity's;
    ``has_region`` tells whether it has a region, ``region_name`` names it and
    ``region_url`` links to it (``""`` when the member is that region itself, which is
    not linked to its own page); ``joined_on_iso``/``joined_on_shown`` are
    ``""`` when the date is not documented; ``cohort`` is as shown ("founding
    members" translated, other cohorts as stored).
    """

    slug: str
    name: str
    url: str
    kind_label: str
    has_region: bool
    region_name: str
    region_url: str
    is_suspended: bool
    joined_on: datetime.date | None
    joined_on_iso: str
    joined_on_shown: str
    cohort: str


def member_rows(
    network_id: int,
    *,
    region_id: int | None = None,
    kind_group: str = "",
    query: str = "",
    bottom: int,
    top: int,
    regions: Iterable[UnitLink],
) -> list[MemberRow]:
    """Return the :class:`MemberRow` of ``member_directory(...)[bottom:top]``.

    Args:
        network_id, region_id, kind_group, query: as for :func:`member_directory`.
        bottom, top: the page's bounds (from :func:`infitah.core.selectors.paginate`).
        regions: every region (from :func:`directory_figures`); a member whose region
            is not among them costs one more query for the page.

    Returns:
        The rows, in order. One query for the page's columns (the collectivity
        joined), prepared (:class:`PreparedRead`) unless names are searched.
    """
    if query:
        page = member_directory(
            network_id, region_id=region_id, kind_group=kind_group, query=query
        )[bottom:top]
        rows = list(page.values_list(*_member_columns()))
    else:
        rows = _member_page_read(
            network_id, region_id, kind_group=kind_group, bottom=bottom, top=top
        )
    names = localized_fields("name")
    # Positions of the name columns in the active language's fallback order.
    first_name = 7
    name_at = [first_name + names.index(column) for column in language_order(Collectivity, "name")]
    url = slug_url("territories:collectivity-detail")
    kinds = kind_labels()
    by_pk = {region.pk: region for region in regions}
    missing = {row[6] for row in rows} - by_pk.keys() - {None}
    if missing:
        by_pk.update(unit_links(missing))
    dates = DateLabels()
    founding = gettext("founding members")
    suspended = Membership.Status.SUSPENDED
    result = []
    for row in rows:
        status, joined_on, cohort, collectivity_id, slug, kind, region_id = row[:first_name]
        name = next((row[i] for i in name_at if row[i] is not None and row[i] != ""), "")
        region = by_pk.get(region_id) if region_id is not None else None
        result.append(
            MemberRow(
                slug=slug,
                name=name,
                url=url(slug),
                kind_label=kinds.get(kind) or capfirst(kind),
                has_region=region is not None,
                region_name=region.name if region is not None else "",
                region_url=(
                    region.url if region is not None and region_id != collectivity_id else ""
                ),
                is_suspended=status == suspended,
                joined_on=joined_on,
                joined_on_iso=dates.iso(joined_on) if joined_on else "",
                joined_on_shown=dates.shown(joined_on) if joined_on else "",
                cohort=founding if cohort == "founding" else cohort,
            )
        )
    return result


def _version_fields() -> list[str]:
    return [field.attname for field in CharterVersion._meta.concrete_fields]


_versions_read = PreparedRead(
    lambda network_id: (
        CharterVersion.objects.all()
        .rewrite(False)
        .filter(network_id=network_id)
        .order_by("-effective_on", "-pk")
        .values_list(*_version_fields())
    )
)


def charter_versions(network: Network) -> list[CharterVersion]:
    """Every charter version of ``network``, newest first (one prepared query).

    Each version carries ``is_future`` (takes effect after today) as an attribute. The
    version in force is the first one whose date has come
    (:meth:`CharterVersionQuerySet.in_force`'s rule), so pages find it in this list.
    """
    today = timezone.localdate()
    alias = router.db_for_read(CharterVersion)
    fields = _version_fields()
    versions = [
        CharterVersion.from_db(alias, fields, list(row)) for row in _versions_read(network.pk)
    ]
    for version in versions:
        version.is_future = version.effective_on > today  # type: ignore[attr-defined]
    return versions


@dataclass(frozen=True, slots=True)
class SectionRow(TemplateRow):
    """A section of a charter version, in the active language (``pk`` for its anchor)."""

    pk: int
    title: str
    body: str


def _section_columns() -> tuple[str, ...]:
    return ("pk", *localized_fields("title"), *localized_fields("body"))


_sections_read = PreparedRead(
    lambda charter_id: (
        CharterSection.objects.all()
        .rewrite(False)
        .filter(charter_id=charter_id)
        .order_by("order", "pk")
        .values_list(*_section_columns())
    )
)


def charter_sections(charter: CharterVersion) -> list[SectionRow]:
    """The sections of ``charter`` in their order (one prepared query)."""
    columns = _section_columns()
    title = language_positions(CharterSection, "title", columns)
    body = language_positions(CharterSection, "body", columns)
    return [
        SectionRow(pk=row[0], title=translated_at(row, title), body=translated_at(row, body))
        for row in _sections_read(charter.pk)
    ]
