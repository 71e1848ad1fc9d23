"""Public network pages: the members directory, the network page, charter versions."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client

from infitah.network.models import CharterSection, Membership, Network
from infitah.territories.models import Collectivity
from tests import factories
from tests.sample_map import (
    bulk_communes,
    bulk_members,
    count_queries,
    make_unit,
    small_map,
)

pytestmark = pytest.mark.django_db

DIRECTORY = "/fr/members/"
EN_DIRECTORY = "/en/members/"  # for the tests that read the page's English text


@pytest.fixture
def places(db: None) -> dict[str, Collectivity]:
    """Two regions, a province, a prefecture and three communes (Béni Mellal among them)."""
    units = small_map()
    bm_region, tanger = units["region"], units["other_region"]
    province, prefecture, beni_mellal = units["province"], units["prefecture"], units["commune"]
    kasba = make_unit(
        kind=Collectivity.Kind.COMMUNE,
        parent=province,
        code="05.091.01.03",
        slug="kasba-tadla",
        name_fr="Kasba Tadla",
        name_ar="قصبة تادلة",
        area_type=Collectivity.AreaType.URBAN,
    )
    tangier = make_unit(
        kind=Collectivity.Kind.COMMUNE,
        parent=prefecture,
        code="01.511.01.01",
        slug="tanger-commune",
        name_fr="Tanger",
        name_ar="طنجة",
        area_type=Collectivity.AreaType.URBAN,
    )
    return {
        "bm_region": bm_region,
        "tanger": tanger,
        "province": province,
        "prefecture": prefecture,
        "beni_mellal": beni_mellal,
        "kasba": kasba,
        "tangier": tangier,
    }


@pytest.fixture
def members(network: Network, places: dict[str, Collectivity]) -> dict[str, Membership]:
    """Founding regions, the province, the prefecture, Béni Mellal (no date); Kasba withdrew."""
    made = {}
    for key in ("bm_region", "tanger"):
        made[key] = factories.MembershipFactory(
            network=network,
            collectivity=places[key],
            cohort="founding",
            is_founding_member=True,
            joined_on=datetime.date(2022, 10, 21),
        )
    made["province"] = factories.MembershipFactory(network=network, collectivity=places["province"])
    made["prefecture"] = factories.MembershipFactory(
        network=network, collectivity=places["prefecture"], status=Membership.Status.SUSPENDED
    )
    made["beni_mellal"] = factories.MembershipFactory(
        network=network, collectivity=places["beni_mellal"], joined_on=None, cohort="2023"
    )
    made["kasba"] = factories.MembershipFactory(
        network=network, collectivity=places["kasba"], status=Membership.Status.WITHDRAWN
    )
    return made


def listed(client: Client, params: dict[str, str] | None = None, url: str = DIRECTORY) -> list[str]:
    response = client.get(url, params or {})
    assert response.status_code == 200
    return [m.slug for m in response.context["page"].object_list]


# ------------------------------------------------------------------- directory
def test_directory_lists_public_members_only(
    client: Client, members: dict[str, Membership]
) -> None:
    assert listed(client) == [
        "tanger",
        "tanger-assilah",
        "beni-mellal-khenifra",
        "beni-mellal-province",
        "beni-mellal",
    ]  # by official code; the withdrawn Kasba Tadla is not listed


def test_directory_shows_columns(client: Client, members: dict[str, Membership]) -> None:
    html = client.get(DIRECTORY).content.decode()
    assert "Béni Mellal" in html
    assert "21 octobre 2022" in html
    assert "non documentée" in html  # Béni Mellal's date of joining is unknown
    assert "membres fondateurs" in html
    assert "2023" in html
    assert "adhésion suspendue" in html
    assert places_url("beni-mellal") in html
    english = client.get(EN_DIRECTORY).content.decode()
    assert "Oct. 21, 2022" in english
    assert "not documented" in english
    assert "founding members" in english
    assert "membership suspended" in english


def places_url(slug: str) -> str:
    return f"/fr/territories/{slug}/"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"region": "beni-mellal-khenifra"},
            ["beni-mellal-khenifra", "beni-mellal-province", "beni-mellal"],
        ),
        ({"region": "05"}, ["beni-mellal-khenifra", "beni-mellal-province", "beni-mellal"]),
        ({"region": "TANGER"}, ["tanger", "tanger-assilah"]),
        ({"kind": "region"}, ["tanger", "beni-mellal-khenifra"]),
        ({"kind": "province"}, ["tanger-assilah", "beni-mellal-province"]),
        ({"kind": "prefecture"}, ["tanger-assilah", "beni-mellal-province"]),
        ({"kind": "commune"}, ["beni-mellal"]),
        ({"kind": "commune", "region": "01"}, []),
        ({"kind": "province", "region": "01"}, ["tanger-assilah"]),
    ],
)
def test_directory_filters(
    client: Client, members: dict[str, Membership], params: dict[str, str], expected: list[str]
) -> None:
    assert listed(client, params) == expected


@pytest.mark.parametrize(
    "query", ["بنى ملال", "بني ملال", "Beni Mellal", "béni mellal", "بنـي  مَلال"]
)
def test_directory_search_finds_beni_mellal(
    client: Client, members: dict[str, Membership], query: str
) -> None:
    found = listed(client, {"q": query})
    assert "beni-mellal" in found
    assert "tanger" not in found


def test_directory_search_does_not_list_non_members(
    client: Client, members: dict[str, Membership]
) -> None:
    assert listed(client, {"q": "Kasba Tadla"}) == []  # withdrawn
    assert listed(client, {"q": "طنجة", "kind": "commune"}) == []  # not a member


def test_directory_search_combines_with_filters(
    client: Client, members: dict[str, Membership]
) -> None:
    assert listed(client, {"q": "mellal", "kind": "commune"}) == ["beni-mellal"]
    assert listed(client, {"q": "mellal", "region": "01"}) == []


def test_directory_result_count_uses_plural_forms(
    client: Client, members: dict[str, Membership]
) -> None:
    def count(url: str, params: dict[str, str]) -> str:
        html = client.get(url, params).content.decode()
        found = re.search(r'<p class="result-count" id="result-count">(.*?)</p>', html)
        assert found is not None
        return found.group(1)

    assert count(EN_DIRECTORY, {"kind": "commune"}) == "1 member"
    assert count(EN_DIRECTORY, {}) == "5 members"
    assert count(DIRECTORY, {"kind": "commune"}) == "1 membre"
    assert count(DIRECTORY, {}) == "5 membres"
    # Arabic has six plural forms: 0, 1, 2, 3-10, 11-99, 100 and more.
    assert count("/ar/members/", {"kind": "commune"}) == "عضو واحد"
    assert count("/ar/members/", {}) == "5 أعضاء"
    assert count("/ar/members/", {"kind": "commune", "region": "01"}) == "لا يوجد أي عضو"


def test_directory_incomplete_list_note(client: Client, members: dict[str, Membership]) -> None:
    note = "This list is being completed"
    assert note in client.get(EN_DIRECTORY).content.decode()
    Network.objects.update(is_member_list_complete=True)
    cache.clear()  # QuerySet.update sends no signal; the loaders bump the version themselves
    assert note not in client.get(EN_DIRECTORY).content.decode()


def test_directory_is_paginated_and_links_keep_filters(
    client: Client, network: Network, places: dict[str, Collectivity]
) -> None:
    bulk_members(network, bulk_communes(places["province"], 60))
    response = client.get(DIRECTORY, {"kind": "commune", "region": "05"})
    page = response.context["page"]
    assert page.paginator.count == 60
    assert len(page.object_list) == 25
    html = response.content.decode()
    assert "?kind=commune&amp;region=05&amp;page=2" in html
    assert "?kind=commune&amp;region=05&amp;page=3" in html
    last = client.get(DIRECTORY, {"kind": "commune", "region": "05", "page": "3"})
    assert len(last.context["page"].object_list) == 10
    assert "?kind=commune&amp;region=05&amp;page=2" in last.content.decode()


@pytest.mark.parametrize(
    ("asked", "shown"), [("abc", 1), ("0", 3), ("-4", 3), ("99999", 3), ("2", 2), ("", 1)]
)
def test_directory_bad_page_is_clamped(
    client: Client, network: Network, places: dict[str, Collectivity], asked: str, shown: int
) -> None:
    bulk_members(network, bulk_communes(places["province"], 60))
    response = client.get(EN_DIRECTORY, {"page": asked})
    assert response.status_code == 200
    assert response.context["page"].number == shown
    notice = "There is no page" in response.content.decode()
    assert notice is (asked not in ("", "2"))


def test_directory_bad_page_notice_is_translated(
    client: Client, network: Network, places: dict[str, Collectivity]
) -> None:
    bulk_members(network, bulk_communes(places["province"], 30))
    french = client.get(DIRECTORY, {"page": "abc"}).content.decode()
    assert 'La page <bdi dir="auto">abc</bdi> n\'existe pas' in french
    arabic = client.get("/ar/members/", {"page": "9"}).content.decode()
    assert 'لا توجد صفحة <bdi dir="auto">9</bdi>؛ تُعرض الصفحة 2.' in arabic


@pytest.mark.parametrize(
    "params",
    [
        {"region": "atlantis"},
        {"region": "\x00"},
        {"region": "<script>alert(1)</script>"},
        {"kind": "planet"},
        {"kind": "\x00"},
        {"q": "\x00"},
        {"q": "x" * 10_000},
        {"q": "%_%"},
        {"page": "\x00"},
    ],
)
def test_directory_invalid_filters_never_fail(
    client: Client, members: dict[str, Membership], params: dict[str, str]
) -> None:
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html


def test_directory_unknown_region_and_kind_are_ignored_with_a_notice(
    client: Client, members: dict[str, Membership]
) -> None:
    response = client.get(EN_DIRECTORY, {"region": "atlantis", "kind": "planet"})
    html = response.content.decode()
    assert 'There is no region <bdi dir="auto">atlantis</bdi>' in html
    assert 'Unknown kind <bdi dir="auto">planet</bdi>' in html
    assert len(response.context["page"].object_list) == 5
    french = client.get(DIRECTORY, {"region": "atlantis"}).content.decode()
    assert 'Il n\'existe pas de région <bdi dir="auto">atlantis</bdi>' in french


def test_directory_empty_states(
    client: Client, network: Network, places: dict[str, Collectivity]
) -> None:
    html = client.get(EN_DIRECTORY).content.decode()
    assert "No member has been entered yet." in html
    factories.MembershipFactory(network=network, collectivity=places["tanger"])
    html = client.get(EN_DIRECTORY, {"q": "Atlantide"}).content.decode()
    assert "No member matches these filters." in html
    html = client.get(DIRECTORY, {"q": "Atlantide"}).content.decode()
    assert "Aucun membre ne correspond à ces filtres." in html


def test_directory_without_network(client: Client, db: None) -> None:
    response = client.get(EN_DIRECTORY)
    assert response.status_code == 200
    assert "has not been set up yet" in response.content.decode()


def test_directory_in_arabic_is_rtl(client: Client, members: dict[str, Membership]) -> None:
    html = client.get("/ar/members/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert '<bdi dir="auto">بني ملال</bdi>' in html


def test_directory_query_count_is_constant(
    client: Client, network: Network, places: dict[str, Collectivity], settings: object
) -> None:
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    urls = [
        DIRECTORY,
        DIRECTORY + "?q=commune&kind=commune&region=05",
        DIRECTORY + "?page=2",
    ]
    bulk_members(network, bulk_communes(places["province"], 10))
    small = [count_queries(client, url) for url in urls]
    bulk_members(network, bulk_communes(places["province"], 990, prefix="C"))
    large = [count_queries(client, url) for url in urls]
    assert small == large
    assert max(large) <= 5


# ---------------------------------------------------------------- network page
@pytest.fixture
def charter(network: Network) -> dict[str, object]:
    """Version 0.9 (superseded), 1.0 (in force, sections out of order), 2.0 (future)."""
    old = factories.CharterVersionFactory(
        network=network,
        version="0.9",
        effective_on=datetime.date(2022, 7, 1),
        change_note_fr="Projet",
    )
    current = factories.CharterVersionFactory(
        network=network,
        version="1.0",
        effective_on=datetime.date(2022, 10, 21),
        adopted_by_fr="Assemblée constitutive",
    )
    future = factories.CharterVersionFactory(
        network=network, version="2.0", effective_on=datetime.date(2999, 1, 1)
    )
    factories.CharterSectionFactory(
        charter=current,
        order=2,
        kind=CharterSection.Kind.GOALS,
        title_fr="Objectifs",
        body_fr="But.",
    )
    factories.CharterSectionFactory(
        charter=current,
        order=1,
        kind=CharterSection.Kind.PREAMBLE,
        title_fr="Préambule",
        body_fr="Considérant.",
    )
    factories.CharterSectionFactory(charter=old, title_fr="Ancien texte", body_fr="Vieux.")
    factories.CharterSectionFactory(charter=future, title_fr="Texte futur", body_fr="Futur.")
    return {"old": old, "current": current, "future": future}


def test_network_page_shows_charter_in_force(
    client: Client, network: Network, charter: dict[str, object]
) -> None:
    response = client.get("/fr/network/")
    assert response.status_code == 200
    assert response.context["charter"] == charter["current"]
    html = response.content.decode()
    assert html.index("Préambule") < html.index("Objectifs")  # sections in order
    assert "Ancien texte" not in html and "Texte futur" not in html
    assert "Assemblée constitutive" in html
    for version in ("0.9", "1.0", "2.0"):
        assert f'href="/fr/network/charter/{version}/"' in html
    assert "21 octobre 2022" in html and "1 juillet 2022" in html and "1 janvier 2999" in html
    assert "à venir" in html and "remplacée" in html and "en vigueur" in html
    english = client.get("/en/network/").content.decode()
    for state in ("upcoming", "superseded", "in force"):
        assert f">{state}</span>" in english


def test_network_page_shows_founding_and_partners(client: Client, network: Network) -> None:
    factories.PartnerFactory(
        network=network, name_fr="Association des régions du Maroc", acronym="ARM", order=2
    )
    factories.PartnerFactory(
        network=network,
        name_fr="Direction générale des collectivités territoriales",
        acronym="DGCT",
        order=1,
        website="https://example.org/dgct",
    )
    factories.PartnerFactory(network=network, name_fr="Bad link", website="javascript:alert(1)")
    html = client.get("/en/network/").content.decode()
    assert "Oct. 21, 2022" in html
    assert "66 founding collectivities" in html
    for part in (
        '<span class="founding__count">12</span> regions',
        '<span class="founding__count">4</span> provincial and prefectural councils',
        '<span class="founding__count">50</span> communes',
    ):
        assert part in html
    assert html.index("Direction générale") < html.index("Association des régions")
    assert 'href="https://example.org/dgct"' in html
    assert "javascript:" not in html
    assert "No version of the charter has taken effect yet." in html
    french = client.get("/fr/network/").content.decode()
    assert "21 octobre 2022" in french
    assert "66 collectivités fondatrices" in french
    for part in (
        '<span class="founding__count">12</span> régions',
        '<span class="founding__count">4</span> conseils provinciaux et préfectoraux',
        '<span class="founding__count">50</span> communes',
    ):
        assert part in french
    arabic = client.get("/ar/network/").content.decode()
    for part in (  # 12 and 50: the 11-99 form; 4: the 3-10 form
        '<span class="founding__count">12</span> جهة',
        '<span class="founding__count">4</span> مجالس عمالات وأقاليم',
        '<span class="founding__count">50</span> جماعة',
    ):
        assert part in arabic


def test_network_page_without_network(client: Client, db: None) -> None:
    response = client.get("/ar/network/")
    assert response.status_code == 200
    assert "لم تُهيَّأ الشبكة بعد" in response.content.decode()
    english = client.get("/en/network/").content.decode()
    assert "has not been set up yet" in english


def test_charter_version_pages(
    client: Client, network: Network, charter: dict[str, object]
) -> None:
    old = client.get("/en/network/charter/0.9/")
    assert old.status_code == 200
    html = old.content.decode()
    assert "Ancien texte" in html  # no English text: the French one is shown
    assert "no longer in force" in html
    assert 'href="/en/network/charter/1.0/"' in html
    current = client.get("/en/network/charter/1.0/").content.decode()
    assert "This is the version in force." in current
    future = client.get("/en/network/charter/2.0/").content.decode()
    assert "has not taken effect yet" in future and "Texte futur" in future
    french = client.get("/fr/network/charter/0.9/").content.decode()
    assert "plus en vigueur" in french and 'href="/fr/network/charter/1.0/"' in french


@pytest.mark.parametrize("version", ["3.0", "nope", "%0A", "1.0.0", "9" * 300])
def test_unknown_charter_version_is_404(
    client: Client, network: Network, charter: dict[str, object], version: str
) -> None:
    assert client.get(f"/fr/network/charter/{version}/").status_code == 404


def test_nul_in_the_address_is_refused(client: Client, network: Network) -> None:
    """A NUL character is refused before any view (infitah.core.middleware)."""
    assert client.get("/fr/network/charter/%00/").status_code == 400


def test_charter_version_without_network_is_404(client: Client, db: None) -> None:
    assert client.get("/fr/network/charter/1.0/").status_code == 404


def test_network_pages_query_count_is_constant(
    client: Client,
    network: Network,
    charter: dict[str, object],
    places: dict[str, Collectivity],
    settings: object,
) -> None:
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    urls = ["/fr/network/", "/fr/network/charter/1.0/"]
    bulk_members(network, bulk_communes(places["province"], 10))
    small = [count_queries(client, url) for url in urls]
    bulk_members(network, bulk_communes(places["province"], 990, prefix="C"))
    large = [count_queries(client, url) for url in urls]
    assert small == large
