"""Reads behind the public API, each with its joins chosen once.

Every list here costs a fixed number of queries whatever the number of rows: codes of
related rows come from joins (``F("parent__code")``), membership from an ``Exists``
subquery, nested lists from one ``prefetch_related`` query each, and counts from
conditional aggregates. ``tests/api/test_query_counts.py`` holds the API to that.
"""

from __future__ import annotations

import datetime
import functools

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from infitah.network.models import (
    CharterSection,
    CharterVersion,
    Membership,
    Network,
    Partner,
    Principle,
)
from infitah.territories.models import Collectivity, CollectivityQuerySet

PUBLIC_MEMBERSHIP_STATUSES = (Membership.Status.ACTIVE, Membership.Status.SUSPENDED)


def collectivity_list() -> CollectivityQuerySet:
    """Every territorial unit, ordered by official code, ready for serialisation.

    Returns:
        Collectivities annotated with ``parent_code`` and ``region_code`` (``str`` or
        ``None``) and ``is_member`` (``bool``: the unit has a public membership, active
        or suspended, in any network). ``search_text`` is deferred (search filters on
        it in SQL; the API never prints it).
    """
    return with_related_codes(collectivities()).defer("search_text")


def collectivities() -> CollectivityQuerySet:
    """Every territorial unit by official code, with what filters and counts need.

    Returns:
        Collectivities annotated with ``is_member`` only (see :func:`collectivity_list`):
        counting them joins nothing. A fresh clone of a queryset built once: resolving
        the ``Exists`` subquery costs more than the rest of a detail request's ORM work.
    """
    return _collectivities().all()


@functools.cache
def _collectivities() -> CollectivityQuerySet:
    """The queryset behind :func:`collectivities`, never evaluated itself."""
    public_memberships = Membership.objects.public().filter(collectivity=OuterRef("pk"))
    return Collectivity.objects.annotate(is_member=Exists(public_memberships)).order_by("code")


def with_related_codes(queryset: CollectivityQuerySet) -> CollectivityQuerySet:
    """Add ``parent_code`` and ``region_code`` (two LEFT JOINs on foreign keys).

    The joins never change the number of rows, so ``queryset`` (without them) can be
    counted instead of the result.
    """
    return queryset.annotate(parent_code=F("parent__code"), region_code=F("region__code"))


def membership_list() -> QuerySet[Membership]:
    """Public memberships (active and suspended) with their collectivity, by code.

    Returns:
        A ``Membership`` queryset with ``collectivity`` joined and the annotations
        ``region_code`` (the collectivity's region code) and ``network_slug``.
    """
    return with_membership_codes(memberships()).select_related("collectivity")


def memberships() -> QuerySet[Membership]:
    """Public memberships ordered by collectivity code, then network: no annotation.

    Counting them joins nothing (see :func:`with_membership_codes`). A fresh clone of a
    queryset built once.
    """
    return _memberships().all()


@functools.cache
def _memberships() -> QuerySet[Membership]:
    """The queryset behind :func:`memberships`, never evaluated itself."""
    return Membership.objects.public().order_by("collectivity__code", "network_id")


def with_membership_codes(queryset: QuerySet[Membership]) -> QuerySet[Membership]:
    """Add ``region_code`` and ``network_slug``.

    Joins along non-null foreign keys (collectivity, network) and a LEFT JOIN (the
    region): the number of rows is unchanged.
    """
    return queryset.annotate(
        region_code=F("collectivity__region__code"),
        network_slug=F("network__slug"),
    )


def network_list() -> QuerySet[Network]:
    """Networks with their principles and partners prefetched and member counts.

    Returns:
        A ``Network`` queryset ordered by primary key; each row carries the integer
        annotations ``members_total`` and ``members_<kind>`` for every
        :class:`Collectivity.Kind` (public memberships only), and the prefetched
        ``principles`` and ``partners`` in their published order.
    """
    public = Q(memberships__status__in=PUBLIC_MEMBERSHIP_STATUSES)
    counts = {
        f"members_{kind}": Count(
            "memberships", filter=public & Q(memberships__collectivity__kind=kind)
        )
        for kind in Collectivity.Kind.values
    }
    return (
        Network.objects.annotate(members_total=Count("memberships", filter=public), **counts)
        .prefetch_related(
            Prefetch("principles", queryset=Principle.objects.order_by("order", "pk")),
            Prefetch("partners", queryset=Partner.objects.order_by("order", "pk")),
        )
        .order_by("pk")
    )


def charter_version_list(*, today: datetime.date | None = None) -> QuerySet[CharterVersion]:
    """Charter versions, newest effective first, with their sections prefetched.

    Args:
        today: the day that decides which version is in force (default: today in
            the site's time zone).

    Returns:
        A ``CharterVersion`` queryset ordered by ``-effective_on`` then ``-pk``, with
        ``network_slug`` and ``in_force_pk`` (the primary key of the version of the same
        network in force on ``today``, or ``None`` before the first one takes effect).
    """
    day = today or timezone.localdate()
    in_force = (
        CharterVersion.objects.filter(network=OuterRef("network"), effective_on__lte=day)
        .order_by("-effective_on", "-pk")
        .values("pk")[:1]
    )
    return (
        CharterVersion.objects.annotate(
            network_slug=F("network__slug"), in_force_pk=Subquery(in_force)
        )
        .prefetch_related(
            Prefetch("sections", queryset=CharterSection.objects.order_by("order", "pk"))
        )
        .order_by("-effective_on", "-pk")
    )
