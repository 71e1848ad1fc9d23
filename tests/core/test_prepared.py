"""Prepared reads (compiled once, run with new arguments) give what the ORM gives."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from infitah.core import selectors as core_selectors
from infitah.core.selectors import PreparedRead
from infitah.network import selectors as network_selectors
from infitah.network.models import Membership, Network
from infitah.territories import selectors as territory_selectors
from infitah.territories.models import Collectivity
from tests import factories
from tests.core.test_views import site  # noqa: F401 - fixture
from tests.sample_map import make_unit

pytestmark = pytest.mark.django_db


def _collectivities(slug: str) -> QuerySet[Any]:
    return Collectivity.objects.rewrite(False).filter(slug=slug).values_list("code", "name_fr")


def test_a_prepared_read_compiles_once_and_runs_with_each_argument(
    site: dict[str, Collectivity],  # noqa: F811
) -> None:
    builds: list[object] = []

    def build(slug: str) -> QuerySet[Any]:
        builds.append(slug)
        return _collectivities(slug)

    read = PreparedRead(build)
    for slug in ("beni-mellal", "tanger-assilah", "nowhere", "beni-mellal"):
        with CaptureQueriesContext(connection) as ctx:
            rows = read(slug)
        assert rows == list(_collectivities(slug)), slug
        assert len(ctx.captured_queries) == 1
    assert read("beni-mellal") == [("05.091.01.01", "Béni Mellal")]
    assert len(builds) == 1  # compiled once, with a stand-in
    assert builds[0] != "beni-mellal"


def test_each_shape_is_compiled_apart(site: dict[str, Collectivity]) -> None:  # noqa: F811
    def build(parent_id: int | None, *, bottom: int, top: int) -> QuerySet[Any]:
        return (
            Collectivity.objects.rewrite(False)
            .filter(parent_id=parent_id)
            .order_by("code")
            .values_list("slug")[bottom:top]
        )

    read = PreparedRead(build)
    region = site["province"].parent
    assert read(None, bottom=0, top=1) == list(build(None, bottom=0, top=1))
    assert read(None, bottom=1, top=5) == list(build(None, bottom=1, top=5))
    assert read(region.pk, bottom=0, top=5) == [("beni-mellal-province",)]
    assert read(site["province"].pk, bottom=0, top=5) == [("beni-mellal",)]


def test_rows_are_converted_like_values_list(site: dict[str, Collectivity]) -> None:  # noqa: F811
    def build(collectivity_id: int) -> QuerySet[Any]:
        return Membership.objects.filter(collectivity_id=collectivity_id).values_list(
            "joined_on", "is_founding_member", "created_at"
        )

    read = PreparedRead(build)
    rows = read(site["province"].parent.pk)
    assert rows == list(build(site["province"].parent.pk))
    joined_on, founding, created_at = rows[0]
    assert joined_on == datetime.date(2022, 10, 21)
    assert founding is True
    assert isinstance(created_at, datetime.datetime)
    assert created_at.tzinfo is not None


def test_an_argument_that_does_not_reach_the_sql_as_is_is_refused(db: None) -> None:
    read = PreparedRead(
        lambda word: (
            Collectivity.objects.rewrite(False).filter(search_text__contains=word).values_list("pk")
        )
    )
    with pytest.raises(ValueError, match="one parameter"):
        read("mellal")


def test_modeltranslation_rewriting_and_other_iterables_are_refused(db: None) -> None:
    rewriting = PreparedRead(
        lambda slug: Collectivity.objects.filter(slug=slug).values_list("name")
    )
    with pytest.raises(ValueError, match="plain values_list"):
        rewriting("beni-mellal")
    flat = PreparedRead(
        lambda slug: (
            Collectivity.objects.rewrite(False).filter(slug=slug).values_list("pk", flat=True)
        )
    )
    with pytest.raises(ValueError, match="plain values_list"):
        flat("beni-mellal")


def test_a_shape_that_matches_nothing_reads_nothing(db: None) -> None:
    read = PreparedRead(
        lambda code, *, bottom, top: (
            Collectivity.objects.rewrite(False).filter(code=code).values_list("pk")[bottom:top]
        )
    )
    with CaptureQueriesContext(connection) as ctx:
        assert read("05", bottom=3, top=3) == []
    assert ctx.captured_queries == []


def test_shapes_are_bounded(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PreparedRead, "MAX_SHAPES", 2)
    read = PreparedRead(lambda *, top: Collectivity.objects.rewrite(False).values_list("pk")[:top])
    for top in (1, 2, 3, 4):
        assert read(top=top) == []
    assert len(read._compiled) == 2


# ------------------------------------------------- the reads the public pages use
@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_page_reads_match_the_orm(
    site: dict[str, Collectivity],  # noqa: F811
    network: Network,
    lang: str,
    settings: Any,
) -> None:
    from django.utils import translation

    factories.CharterSectionFactory(
        charter=factories.CharterVersionFactory(network=network, version="1.0")
    )
    with translation.override(lang):
        assert network_selectors.principles(network) == [
            network_selectors.PrincipleRow(code=p.code, name=p.name, description=p.description)
            for p in network.principles.order_by("order", "pk")
        ]
        partners = network_selectors.partners(network)
        assert [p.name for p in partners] == [
            p.name for p in network.partners.order_by("order", "pk")
        ]
        versions = network_selectors.charter_versions(network)
        assert versions == list(network.charters.order_by("-effective_on", "-pk"))
        assert [v.summary for v in versions] == [
            v.summary for v in network.charters.order_by("-effective_on", "-pk")
        ]
        sections = network_selectors.charter_sections(versions[0])
        assert [(s.pk, s.title, s.body) for s in sections] == [
            (s.pk, s.title, s.body) for s in versions[0].sections.order_by("order", "pk")
        ]
        unit = territory_selectors.collectivity_by_slug("beni-mellal")
        reference = Collectivity.objects.select_related("parent").get(slug="beni-mellal")
        assert unit is not None
        assert unit == reference
        for attribute in ("name", "name_ar", "name_fr", "kind", "code", "region_id"):
            assert getattr(unit, attribute) == getattr(reference, attribute), attribute
        assert unit.parent == reference.parent
        assert unit.parent.name == reference.parent.name
        assert territory_selectors.collectivity_by_slug("nowhere") is None
        membership = territory_selectors.membership_of(site["province"].parent, network)
        assert membership == Membership.objects.get(collectivity=site["province"].parent)
        assert membership is not None
        assert membership.joined_on == datetime.date(2022, 10, 21)
        assert membership.get_status_display() == str(Membership.Status.ACTIVE.label)


def test_a_region_without_a_parent_is_read_with_none(
    site: dict[str, Collectivity],  # noqa: F811
) -> None:
    region = territory_selectors.collectivity_by_slug("beni-mellal-khenifra")
    assert region is not None
    with CaptureQueriesContext(connection) as ctx:
        assert region.parent is None  # loaded as empty, not read again
    assert ctx.captured_queries == []


def test_directory_pages_match_the_orm(
    site: dict[str, Collectivity],  # noqa: F811
    network: Network,
) -> None:
    for number in range(8):
        make_unit(
            kind=Collectivity.Kind.COMMUNE,
            parent=site["province"],
            code=f"05.091.02.{number:02d}",
            slug=f"commune-{number}",
            name_fr=f"Commune {number}",
            name_ar=f"جماعة {number}",
        )
        factories.MembershipFactory(
            network=network,
            collectivity=Collectivity.objects.get(slug=f"commune-{number}"),
            status=Membership.Status.SUSPENDED if number % 3 else Membership.Status.ACTIVE,
        )
    regions = list(territory_selectors.region_links().values())
    region_id = site["province"].region_id
    for filters in (
        {},
        {"kind_group": "commune"},
        {"region_id": region_id},
        {"region_id": region_id, "kind_group": "province"},
    ):
        queryset = network_selectors.member_directory(network.pk, **filters)
        total = queryset.count()
        for bottom, top in ((0, 3), (3, 6), (6, max(total, 6))):
            rows = network_selectors.member_rows(
                network.pk, **filters, bottom=bottom, top=top, regions=regions
            )
            expected = list(queryset[bottom:top].select_related("collectivity"))
            assert [row.slug for row in rows] == [m.collectivity.slug for m in expected]
            assert [row.is_suspended for row in rows] == [
                m.status == Membership.Status.SUSPENDED for m in expected
            ]


def test_children_pages_match_the_orm(
    site: dict[str, Collectivity],  # noqa: F811
    network: Network,
) -> None:
    province = site["province"]
    for number in range(5):
        make_unit(
            kind=Collectivity.Kind.COMMUNE,
            parent=province,
            code=f"05.091.03.{number:02d}",
            slug=f"child-{number}",
            name_fr=f"Enfant {number}",
            name_ar=f"فرع {number}",
            population_2024=1000 * number if number else None,
        )
    children = Collectivity.objects.filter(parent=province).order_by("code")
    members = set(
        Membership.objects.public()
        .filter(network=network)
        .values_list("collectivity_id", flat=True)
    )
    for network_id in (network.pk, None):
        rows = territory_selectors.children_rows(
            province.pk, network_id, bottom=1, top=5, child_counts={}
        )
        assert [(r.slug, r.name) for r in rows] == [(c.slug, c.name) for c in children[1:5]]
        assert [r.is_member for r in rows] == [
            network_id is not None and c.pk in members for c in children[1:5]
        ]


def test_stand_ins_are_never_real_arguments() -> None:
    stand_ins = core_selectors._stand_ins([1, "x", None])
    assert stand_ins[0] < -(10**14)
    assert isinstance(stand_ins[1], str)
    assert "\x00" in stand_ins[1]
    assert stand_ins[2] is None
