"""A small, real-looking map of Morocco and helpers shared by the page tests."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from infitah.network.models import Membership, Network
from infitah.territories.models import Collectivity
from tests import factories


def make_region(code: str, name_fr: str, name_ar: str, slug: str) -> Collectivity:
    """A region with its search text (the factory's names are generic)."""
    return factories.RegionFactory(code=code, name_fr=name_fr, name_ar=name_ar, slug=slug)


def make_unit(
    *,
    kind: str,
    parent: Collectivity,
    code: str,
    slug: str,
    name_fr: str,
    name_ar: str,
    **extra: object,
) -> Collectivity:
    """A province/prefecture/commune with a correct ``search_text``."""
    unit = Collectivity(
        kind=kind,
        parent=parent,
        region=parent.region,
        code=code,
        slug=slug,
        name_fr=name_fr,
        name_ar=name_ar,
        **extra,
    )
    unit.search_text = unit.build_search_text()
    unit.save()
    return unit


def bulk_communes(parent: Collectivity, count: int, *, prefix: str = "B") -> list[Collectivity]:
    """``count`` communes under ``parent`` in one INSERT (unique code, slug, search text)."""
    rows = []
    for i in range(count):
        commune = Collectivity(
            kind=Collectivity.Kind.COMMUNE,
            code=f"{prefix}.{i:06d}",
            slug=f"{prefix.lower()}-commune-{i}",
            name_fr=f"Commune {prefix} {i}",
            name_ar=f"جماعة {prefix} {i}",
            parent=parent,
            region=parent.region,
            area_type=Collectivity.AreaType.RURAL,
            population_2024=1000 + i,
        )
        commune.search_text = commune.build_search_text()
        rows.append(commune)
    return Collectivity.objects.bulk_create(rows)


def bulk_members(network: Network, collectivities: list[Collectivity]) -> None:
    """Make every collectivity of the list an active member (one INSERT)."""
    Membership.objects.bulk_create(
        Membership(network=network, collectivity=c, cohort="2024") for c in collectivities
    )


def count_queries(client: Client, url: str) -> int:
    """Number of SQL queries of one GET of ``url`` (asserts a 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def small_map(**extra: dict[str, Any]) -> dict[str, Collectivity]:
    """Two regions, the Béni Mellal province, the Tanger-Assilah prefecture, Béni Mellal.

    Returns ``{"region", "other_region", "province", "prefecture", "commune"}``.
    ``extra`` adds field values by key, e.g. ``commune={"population_2024": 209594}``.
    """
    region = make_region("05", "Béni Mellal-Khénifra", "بني ملال-خنيفرة", "beni-mellal-khenifra")
    other_region = make_region("01", "Tanger-Tétouan-Al Hoceima", "طنجة-تطوان-الحسيمة", "tanger")
    province = make_unit(
        kind=Collectivity.Kind.PROVINCE,
        parent=region,
        code="05.091",
        slug="beni-mellal-province",
        name_fr="Béni Mellal",
        name_ar="بني ملال",
        **extra.get("province", {}),
    )
    prefecture = make_unit(
        kind=Collectivity.Kind.PREFECTURE,
        parent=other_region,
        code="01.511",
        slug="tanger-assilah",
        name_fr="Tanger-Assilah",
        name_ar="طنجة-أصيلة",
        **extra.get("prefecture", {}),
    )
    commune = make_unit(
        kind=Collectivity.Kind.COMMUNE,
        parent=province,
        code="05.091.01.01",
        slug="beni-mellal",
        name_fr="Béni Mellal",
        name_ar="بني ملال",
        area_type=Collectivity.AreaType.URBAN,
        **extra.get("commune", {}),
    )
    return {
        "region": region,
        "other_region": other_region,
        "province": province,
        "prefecture": prefecture,
        "commune": commune,
    }
