"""Reads of the network for the public pages (home, members directory, network page).

The related rows each page needs are chosen here once; every function states how many
queries it costs, and none of them grows with the number of members.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

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
    kind_group_of,
    region_summaries,
    territory_counts,
)

__all__ = [
    "MemberFigures",
    "charter_in_force",
    "charter_version",
    "charter_versions",
    "current_network",
    "member_directory",
    "member_figures",
    "partners",
    "principles",
]


def current_network() -> Network | None:
    """Return the network this site serves (the first one created), or ``None``.

    One query.
    """
    return Network.objects.order_by("pk").first()


def principles(network: Network) -> QuerySet[Principle]:
    """The network's principles in their published order (one query)."""
    return Principle.objects.filter(network=network).order_by("order", "pk")


def partners(network: Network) -> QuerySet[Partner]:
    """The network's partner organisations in their published order (one query)."""
    return Partner.objects.filter(network=network).order_by("order", "pk")


@dataclass
class MemberFigures:
    """Figures of the home page, computed from the data.

    ``members_by_kind`` and ``units_by_kind`` are keyed by kind group (``region``,
    ``province`` — provinces and prefectures —, ``commune``); ``regions`` holds one
    :class:`RegionSummary` per region, by code.
    """

    members_by_kind: dict[str, int] = field(default_factory=dict)
    units_by_kind: dict[str, int] = field(default_factory=dict)
    regions: list[RegionSummary] = field(default_factory=list)

    @property
    def total_members(self) -> int:
        return sum(self.members_by_kind.values())


def member_figures(network: Network) -> MemberFigures:
    """Count the network's public members by kind and by region.

    Returns:
        A :class:`MemberFigures`. Five aggregate queries, whatever the number of rows:
        members by kind, units by kind, and the three of
        :func:`infitah.territories.selectors.region_summaries`.
    """
    by_kind = dict.fromkeys(KIND_GROUPS, 0)
    rows = (
        Membership.objects.public()
        .filter(network=network)
        .order_by()
        .values_list("collectivity__kind")
        .annotate(n=Count("pk"))
    )
    for kind, number in rows:
        group = kind_group_of(kind)
        if group in by_kind:
            by_kind[group] += number
    return MemberFigures(
        members_by_kind=by_kind,
        units_by_kind=territory_counts(),
        regions=region_summaries(network),
    )


def member_directory(
    network: Network,
    *,
    region: Collectivity | None = None,
    kind_group: str = "",
    query: str = "",
) -> QuerySet[Membership]:
    """Public memberships of ``network`` for the directory, ordered by official code.

    Args:
        network: the network whose members are listed.
        region: keep members in this region (the region itself included).
        kind_group: ``region``, ``province`` (provinces and prefectures) or
            ``commune``; anything else (or ``""``) keeps every kind.
        query: words matched against the collectivity's names with
            :meth:`CollectivityQuerySet.search` (normalised Arabic/French); ``""``
            keeps everyone.

    Returns:
        A queryset of :class:`Membership` with ``collectivity``, its ``region`` and
        ``parent`` loaded: one query per page plus the paginator's count.
    """
    queryset = Membership.objects.public().filter(network=network)
    if region is not None:
        queryset = queryset.filter(collectivity__region=region)
    if kind_group in KIND_GROUPS:
        queryset = queryset.filter(collectivity__kind__in=KIND_GROUPS[kind_group])
    if query:
        matching = Collectivity.objects.search(query)
        queryset = queryset.filter(collectivity__in=matching.values("pk"))
    return queryset.select_related(
        "collectivity", "collectivity__region", "collectivity__parent"
    ).order_by("collectivity__code")


def _with_sections(queryset: QuerySet[CharterVersion]) -> QuerySet[CharterVersion]:
    sections = CharterSection.objects.order_by("order", "pk")
    return queryset.prefetch_related(Prefetch("sections", queryset=sections))


def charter_in_force(network: Network, on: datetime.date | None = None) -> CharterVersion | None:
    """Return the charter version in force on ``on`` (default today), with its sections.

    Uses :meth:`CharterVersionQuerySet.in_force`. Two queries (the version, then its
    sections in order); ``None`` when no version has taken effect yet.
    """
    return _with_sections(CharterVersion.objects.filter(network=network).in_force(on)).first()


def charter_versions(network: Network) -> list[CharterVersion]:
    """Every charter version of ``network``, newest first (one query).

    Each version carries ``is_future`` (takes effect after today) as an attribute.
    """
    today = timezone.localdate()
    versions: list[CharterVersion] = list(
        CharterVersion.objects.filter(network=network).order_by("-effective_on", "-pk")
    )
    for version in versions:
        version.is_future = version.effective_on > today  # type: ignore[attr-defined]
    return versions


def charter_version(network: Network, label: str) -> CharterVersion | None:
    """Return ``network``'s charter version named ``label`` with its sections, or ``None``.

    Two queries.
    """
    queryset = CharterVersion.objects.filter(Q(network=network) & Q(version=label))
    return _with_sections(queryset).first()
