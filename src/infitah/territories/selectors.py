"""Reads of collectivities for the public pages (territory browser, collectivity page).

Each function chooses its ``select_related``/annotations once, so the pages that use
them run a constant number of queries however many collectivities and members exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, OuterRef, QuerySet, Value

from infitah.network.models import Membership, Network
from infitah.territories.models import Collectivity

__all__ = [
    "KIND_GROUPS",
    "RegionSummary",
    "collectivity_by_slug",
    "collectivity_children",
    "collectivity_search",
    "kind_group_of",
    "membership_of",
    "region_summaries",
    "regions",
    "territory_counts",
    "with_membership_flag",
]

#: Kinds as visitors filter them: "province" means provinces and prefectures.
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "region": (Collectivity.Kind.REGION,),
    "province": tuple(Collectivity.SECOND_LEVEL_KINDS),
    "commune": (Collectivity.Kind.COMMUNE,),
}


def kind_group_of(kind: str) -> str:
    """Return the group (``region``, ``province`` or ``commune``) of a ``Collectivity.kind``."""
    for group, kinds in KIND_GROUPS.items():
        if kind in kinds:
            return group
    return kind


def with_membership_flag(
    queryset: QuerySet[Collectivity], network: Network | None
) -> QuerySet[Collectivity]:
    """Annotate ``is_member`` (bool): a public membership of ``network`` exists.

    One ``EXISTS`` subquery per row in the same statement (no extra query). Without a
    network every row is annotated ``False``.
    """
    if network is None:
        return queryset.annotate(is_member=Value(False, output_field=BooleanField()))
    members = Membership.objects.public().filter(network=network, collectivity=OuterRef("pk"))
    return queryset.annotate(is_member=Exists(members))


def regions() -> QuerySet[Collectivity]:
    """All regions, by official code (12 in Morocco). One query when evaluated."""
    return Collectivity.objects.regions().order_by("code")


def territory_counts() -> dict[str, int]:
    """Return the number of collectivities per kind group.

    Returns:
        ``{"region": n, "province": n, "commune": n}`` (provinces include
        prefectures), zeros included. One aggregate query.
    """
    counts = dict.fromkeys(KIND_GROUPS, 0)
    rows = Collectivity.objects.order_by().values_list("kind").annotate(n=Count("pk"))
    for kind, number in rows:
        group = kind_group_of(kind)
        if group in counts:
            counts[group] += number
    return counts


@dataclass
class RegionSummary:
    """A region with the number of its provinces/prefectures, communes and members."""

    region: Collectivity
    provinces: int = 0
    communes: int = 0
    members: int = 0


def region_summaries(network: Network | None) -> list[RegionSummary]:
    """Return every region, by code, with its unit and member counts.

    Args:
        network: members are counted in this network (public memberships); ``None``
            gives zero members everywhere.

    Returns:
        One :class:`RegionSummary` per region. Three queries whatever the data size
        (regions, units grouped by region and kind, members grouped by region).
    """
    summaries = {r.pk: RegionSummary(region=r) for r in regions()}
    units = (
        Collectivity.objects.exclude(kind=Collectivity.Kind.REGION)
        .order_by()
        .values_list("region_id", "kind")
        .annotate(n=Count("pk"))
    )
    for region_id, kind, number in units:
        summary = summaries.get(region_id)
        if summary is None:
            continue
        if kind_group_of(kind) == "province":
            summary.provinces += number
        elif kind == Collectivity.Kind.COMMUNE:
            summary.communes += number
    if network is not None:
        members = (
            Membership.objects.public()
            .filter(network=network)
            .order_by()
            .values_list("collectivity__region_id")
            .annotate(n=Count("pk"))
        )
        for region_id, number in members:
            if region_id in summaries:
                summaries[region_id].members += number
    return list(summaries.values())


def collectivity_search(query: str, network: Network | None) -> QuerySet[Collectivity]:
    """Collectivities (any kind, member or not) whose names match ``query``, by code.

    Uses :meth:`CollectivityQuerySet.search` (normalised Arabic/French matching);
    rows carry their ``parent`` and ``region`` and the ``is_member`` flag, so a page of
    results is one query (plus the paginator's count).
    """
    queryset = Collectivity.objects.search(query).select_related("parent", "region")
    return with_membership_flag(queryset, network).order_by("code")


def collectivity_by_slug(slug: str) -> QuerySet[Collectivity]:
    """A queryset for the collectivity page: the unit with its parent, grandparent, region.

    Use with ``get_object_or_404``; one query.
    """
    return Collectivity.objects.filter(slug=slug).select_related(
        "parent", "parent__parent", "region"
    )


def collectivity_children(
    collectivity: Collectivity, network: Network | None
) -> QuerySet[Collectivity]:
    """The units directly under ``collectivity``, by code, with ``is_member`` and counts.

    Returns:
        For a region its provinces/prefectures, for a province its communes; each row
        is annotated ``child_count`` (its own direct children) and ``is_member``.
        One query per page (plus the paginator's count).
    """
    queryset = (
        Collectivity.objects.filter(parent=collectivity)
        .annotate(child_count=Count("children"))
        .order_by("code")
    )
    return with_membership_flag(queryset, network)


def membership_of(collectivity: Collectivity, network: Network | None) -> Membership | None:
    """Return ``collectivity``'s membership of ``network`` (any status), or ``None``.

    One query; the focal point's account is not loaded (its public contact is on the
    membership itself).
    """
    if network is None:
        return None
    return Membership.objects.filter(network=network, collectivity=collectivity).first()
