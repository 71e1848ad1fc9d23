"""Public territory pages: the browser (/<lang>/territories/) and the collectivity page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from infitah.network.models import Membership, Network
from infitah.territories.models import Collectivity
from tests import factories
from tests.sample_map import bulk_communes, bulk_members, count_queries, make_unit, small_map

pytestmark = pytest.mark.django_db


# -------------------------------------------------------------------- fixtures
@pytest.fixture
def geography(db: None) -> dict[str, Collectivity]:
    """Béni Mellal-Khénifra region > Béni Mellal province > Béni Mellal + Kasba Tadla."""
    units = small_map(
        province={"population_2024": 580327},
        commune={"population_2024": 209594, "population_2014": 192676, "households_2024": 55321},
    )
    province = units["province"]
    rural = make_unit(
        kind=Collectivity.Kind.COMMUNE,
        parent=province,
        code="05.091.03.05",
        slug="ouled-yaich",
        name_fr="Ouled Yaich",
        name_ar="أولاد يعيش",
        area_type=Collectivity.AreaType.RURAL,
        population_2024=25785,
    )
    return {**units, "rural": rural}


# ---------------------------------------------------------------------- browser
def test_browser_lists_every_region_with_counts(
    client: Client, geography: dict[str, Collectivity], network: Network
) -> None:
    factories.MembershipFactory(network=network, collectivity=geography["commune"])
    response = client.get("/fr/territories/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Béni Mellal-Khénifra" in html
    assert "Tanger-Tétouan-Al Hoceima" in html
    assert geography["region"].get_absolute_url() in html
    summaries = {s.region.code: s for s in response.context["region_summaries"]}
    assert summaries["05"].provinces == 1
    assert summaries["05"].communes == 2
    assert summaries["05"].members == 1
    assert summaries["01"].provinces == 1  # the prefecture counts as second level
    assert summaries["01"].members == 0
    assert response.context["counts"] == {"region": 2, "province": 2, "commune": 2}
    # One plural string per number, in each language (Arabic has a dual form).
    assert "2 régions\n  · 2 provinces et préfectures\n  · 2 communes</p>" in html
    assert "1 d'entre elles est membre du réseau." in html
    english = client.get("/en/territories/").content.decode()
    assert "2 regions\n  · 2 provinces and prefectures\n  · 2 communes</p>" in english
    assert "1 of them is a member of the network." in english
    arabic = client.get("/ar/territories/").content.decode()
    assert "جهتان\n  · عمالتان أو إقليمان\n  · جماعتان</p>" in arabic
    assert "واحدة منها عضو في الشبكة." in arabic


def test_browser_without_data_shows_empty_state(client: Client, db: None) -> None:
    response = client.get("/ar/territories/")
    assert response.status_code == 200
    assert "load_reference_data" in response.content.decode()


@pytest.mark.parametrize("query", ["بنى ملال", "بني ملال", "Beni Mellal", "béni mellal", "BENI"])
def test_browser_search_finds_beni_mellal_in_any_spelling(
    client: Client, geography: dict[str, Collectivity], query: str
) -> None:
    response = client.get("/fr/territories/", {"q": query})
    assert response.status_code == 200
    found = {c.slug for c in response.context["page"].object_list}
    assert {"beni-mellal", "beni-mellal-province", "beni-mellal-khenifra"} <= found
    assert "ouled-yaich" not in found
    assert "tanger" not in found


def test_browser_search_covers_non_members_and_marks_members(
    client: Client, geography: dict[str, Collectivity], network: Network
) -> None:
    factories.MembershipFactory(network=network, collectivity=geography["commune"])
    factories.MembershipFactory(
        network=network, collectivity=geography["rural"], status=Membership.Status.WITHDRAWN
    )
    response = client.get("/fr/territories/", {"q": "mellal"})
    flags = {c.slug: c.is_member for c in response.context["page"].object_list}
    assert flags["beni-mellal"] is True
    assert flags["beni-mellal-province"] is False
    response = client.get("/fr/territories/", {"q": "ouled"})
    assert [c.is_member for c in response.context["page"].object_list] == [False]


def test_browser_search_with_no_result_has_empty_state(
    client: Client, geography: dict[str, Collectivity]
) -> None:
    response = client.get("/fr/territories/", {"q": "Atlantide"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "Aucun territoire ne porte ce nom." in response.content.decode()
    english = client.get("/en/territories/", {"q": "Atlantide"}).content.decode()
    assert "No territory has this name" in english


def test_browser_search_is_paginated_and_keeps_the_query(
    client: Client, geography: dict[str, Collectivity]
) -> None:
    bulk_communes(geography["province"], 60)
    response = client.get("/fr/territories/", {"q": "commune b"})
    page = response.context["page"]
    assert page.paginator.count == 60
    assert len(page.object_list) == 25
    html = response.content.decode()
    assert "?q=commune+b&amp;page=2" in html
    last = client.get("/fr/territories/", {"q": "commune b", "page": "3"})
    assert len(last.context["page"].object_list) == 10


@pytest.mark.parametrize("asked", ["abc", "0", "-1", "99999", "1.5", "9" * 40])
def test_browser_bad_page_numbers_never_fail(
    client: Client, geography: dict[str, Collectivity], asked: str
) -> None:
    bulk_communes(geography["province"], 30)
    response = client.get("/en/territories/", {"q": "commune", "page": asked})
    assert response.status_code == 200
    assert response.context["page"].number in (1, 2)
    assert "There is no page" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["\x00", "a\x00b", "%", "_", "'; DROP TABLE x; --", "x" * 5000, "\u202e\u2066", " "]
)
def test_browser_odd_queries_never_fail(
    client: Client, geography: dict[str, Collectivity], query: str
) -> None:
    response = client.get("/fr/territories/", {"q": query})
    assert response.status_code == 200


def test_browser_like_wildcards_are_literal(
    client: Client, geography: dict[str, Collectivity]
) -> None:
    bulk_communes(geography["province"], 3, prefix="P")
    # "%" folds to nothing: the region list is shown, not every unit as "matching".
    response = client.get("/en/territories/", {"q": "%"})
    assert response.context["is_search"] is False
    assert len(response.context["region_summaries"]) == 2
    assert "has no letters or digits" in response.content.decode()
    # Punctuation is a separator, never a LIKE wildcard: "commune%p" is "commune p".
    for query in ("commune%p", "commune_p", "%commune p%"):
        response = client.get("/fr/territories/", {"q": query})
        assert response.context["page"].paginator.count == 3, query


# ------------------------------------------------------------ collectivity page
def test_commune_page_shows_facts_and_links(
    client: Client, geography: dict[str, Collectivity]
) -> None:
    commune = geography["commune"]
    response = client.get(f"/fr/territories/{commune.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "05.091.01.01" in html
    assert geography["region"].get_absolute_url() in html
    assert geography["province"].get_absolute_url() in html
    for figure in ("209\xa0594", "192\xa0676", "55\xa0321"):
        assert figure in html
    assert "Urbain" in html or "urban" in html.lower()
    assert "pas membre du réseau." in html
    assert "بني ملال" in html  # the Arabic name is shown beside the French one
    english = client.get(f"/en/territories/{commune.slug}/").content.decode()
    assert "Not a member of the network." in english
    assert "209,594" in english


def test_commune_page_shows_membership_and_focal_point(
    client: Client, geography: dict[str, Collectivity], network: Network
) -> None:
    factories.MembershipFactory(
        network=network,
        collectivity=geography["commune"],
        joined_on=datetime.date(2023, 1, 12),
        cohort="2023",
        is_founding_member=False,
        focal_point_name="Amina El Idrissi",
        focal_point_title="Cheffe du service de la communication",
        focal_point_email="ouverture@example.org",
        focal_point_phone="+212 523 00 00 00",
    )
    html = client.get("/fr/territories/beni-mellal/").content.decode()
    assert "Not a member" not in html
    assert "12 janvier 2023" in html
    assert "2023" in html
    assert "Amina El Idrissi" in html
    assert "Cheffe du service de la communication" in html
    assert 'href="mailto:ouverture@example.org"' in html
    assert "+212 523 00 00 00" in html


def test_member_without_documented_date(
    client: Client, geography: dict[str, Collectivity], network: Network
) -> None:
    factories.MembershipFactory(network=network, collectivity=geography["commune"], joined_on=None)
    html = client.get("/en/territories/beni-mellal/").content.decode()
    assert "not documented" in html


def test_withdrawn_member_is_not_a_member(
    client: Client, geography: dict[str, Collectivity], network: Network
) -> None:
    factories.MembershipFactory(
        network=network,
        collectivity=geography["commune"],
        status=Membership.Status.WITHDRAWN,
        joined_on=datetime.date(2023, 1, 1),
        left_on=datetime.date(2024, 6, 30),
        focal_point_name="Hidden Person",
    )
    html = client.get("/en/territories/beni-mellal/").content.decode()
    assert "Not a member of the network." in html
    assert "Hidden Person" not in html
    assert "June 30, 2024" in html


def test_region_page_lists_its_provinces(
    client: Client, geography: dict[str, Collectivity]
) -> None:
    response = client.get(f"/fr/territories/{geography['region'].slug}/")
    children = list(response.context["children_page"].object_list)
    assert [c.slug for c in children] == ["beni-mellal-province"]
    assert children[0].child_count == 2


def test_province_page_lists_its_communes_and_marks_members(
    client: Client, geography: dict[str, Collectivity], network: Network
) -> None:
    factories.MembershipFactory(network=network, collectivity=geography["commune"])
    response = client.get(f"/ar/territories/{geography['province'].slug}/")
    children = list(response.context["children_page"].object_list)
    assert [(c.slug, c.is_member) for c in children] == [
        ("beni-mellal", True),
        ("ouled-yaich", False),
    ]


def test_province_page_paginates_many_communes(
    client: Client, geography: dict[str, Collectivity]
) -> None:
    bulk_communes(geography["province"], 100)
    url = f"/fr/territories/{geography['province'].slug}/"
    first = client.get(url).context["children_page"]
    assert first.paginator.count == 102
    assert first.paginator.num_pages == 2
    response = client.get(url, {"page": "999"})
    assert response.status_code == 200
    assert response.context["children_page"].number == 2


def test_unknown_collectivity_is_404(client: Client, db: None) -> None:
    assert client.get("/fr/territories/nowhere/").status_code == 404


def test_collectivity_page_in_each_language(
    client: Client, geography: dict[str, Collectivity]
) -> None:
    for lang, direction, name in (("ar", "rtl", "بني ملال"), ("fr", "ltr", "Béni Mellal")):
        html = client.get(f"/{lang}/territories/beni-mellal/").content.decode()
        assert f'<html lang="{lang}" dir="{direction}">' in html
        assert f'<h1><bdi dir="auto">{name}</bdi></h1>' in html


# ------------------------------------------------------------- query counts
@pytest.fixture
def uncached(settings: object) -> None:
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]


def test_browser_search_query_count_is_constant(
    client: Client, geography: dict[str, Collectivity], network: Network, uncached: None
) -> None:
    communes = bulk_communes(geography["province"], 10)
    bulk_members(network, communes[:5])
    small = count_queries(client, "/fr/territories/?q=commune")
    communes += bulk_communes(geography["province"], 990, prefix="C")
    bulk_members(network, communes[10:])
    large = count_queries(client, "/fr/territories/?q=commune")
    assert small == large
    assert large <= 6


def test_browser_region_list_query_count_is_constant(
    client: Client, geography: dict[str, Collectivity], network: Network, uncached: None
) -> None:
    bulk_members(network, bulk_communes(geography["province"], 10))
    small = count_queries(client, "/ar/territories/")
    bulk_members(network, bulk_communes(geography["province"], 990, prefix="C"))
    large = count_queries(client, "/ar/territories/")
    assert small == large
    assert large <= 6


def test_collectivity_page_query_count_is_constant(
    client: Client, geography: dict[str, Collectivity], network: Network, uncached: None
) -> None:
    province_url = f"/fr/territories/{geography['province'].slug}/"
    region_url = f"/fr/territories/{geography['region'].slug}/"
    commune_url = "/fr/territories/beni-mellal/"
    factories.MembershipFactory(network=network, collectivity=geography["commune"])
    bulk_members(network, bulk_communes(geography["province"], 10))
    small = [count_queries(client, url) for url in (province_url, region_url, commune_url)]
    bulk_members(network, bulk_communes(geography["province"], 990, prefix="C"))
    large = [count_queries(client, url) for url in (province_url, region_url, commune_url)]
    assert small == large
    assert max(large) <= 7
