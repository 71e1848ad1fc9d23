"""The plain-row lists and details answer exactly what the DRF serializers answer.

Collectivities and members are built from ``values_list`` tuples (``infitah.api.rows``)
rather than by the serializers, which stay the reference: every answer here is fetched
twice, once each way (``plain_rows = False`` switches a view back to its serializer),
and the bytes must be the same, on data chosen to hit every branch (missing and empty
translations, codes and slugs the URL fast path must refuse, partial focal points...).
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from typing import Any

import django_filters
import pytest
from django import forms
from django.utils import translation
from pytest_django import Settings
from rest_framework.test import APIClient

from infitah.api import filters, rows, views
from infitah.network.models import Membership, Network
from infitah.territories.models import Collectivity
from tests import factories
from tests.api.conftest import Territory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_api_cache")]

PLAIN_VIEWS = (views.CollectivityViewSet, views.MemberViewSet)


@pytest.fixture
def varied(territory: Territory, members: list[Membership], network: Network) -> None:
    """Rows with every shape of translation, link and focal point."""
    province = territory.province
    shapes: list[dict[str, Any]] = [
        {"name_ar": "", "name_fr": None, "name_en": "Only English"},
        {"name_ar": None, "name_fr": "", "name_en": ""},
        {"name_ar": "عربي فقط", "name_fr": "", "name_en": None},
        {"name_ar": "", "name_fr": "Seulement français", "name_en": ""},
        {"name_ar": "ثلاث", "name_fr": "Trois", "name_en": "Three"},
    ]
    codes = ["05.081.07.01", "05.081.07.02", "AB.c-1", "...", ".."]
    slugs = ["only-english", "nothing", "Foo_Bar-1", "dots", "dot-dot"]
    for i, (shape, code, slug) in enumerate(zip(shapes, codes, slugs, strict=True)):
        commune = factories.CommuneFactory(
            code=code,
            parent=province,
            slug=slug,
            area_type=Collectivity.AreaType.RURAL if i % 2 else Collectivity.AreaType.URBAN,
            population_2024=None if i % 2 else 1_000 * i,
            households_2024=300 * i or None,
            population_2014=900 * i,
            **shape,
        )
        factories.MembershipFactory(
            network=network,
            collectivity=commune,
            status=Membership.Status.SUSPENDED if i % 2 else Membership.Status.ACTIVE,
            joined_on=datetime.date(2023, 1 + i, 2) if i % 3 else None,
            cohort=("2024", "", "founding")[i % 3],
            is_founding_member=i == 4,
            focal_point_name="",
            focal_point_title="Chargé" if i in (1, 3) else "",
            focal_point_email="",
            focal_point_phone="+212 5" if i == 2 else "",
        )


def fetch_both(
    api: APIClient, monkeypatch: pytest.MonkeyPatch, url: str, **extra: Any
) -> tuple[Any, Any]:
    """GET ``url`` with the plain rows, then with the serializers; return both."""
    plain = api.get(url, **extra)
    with monkeypatch.context() as patch:
        for view in PLAIN_VIEWS:
            patch.setattr(view, "plain_rows", False)
        reference = api.get(url, **extra)
    return plain, reference


URLS = [
    "/api/v1/collectivities/",
    "/api/v1/collectivities/?page_size=3&page=2",
    "/api/v1/collectivities/?ordering=-name&lang=fr",
    "/api/v1/collectivities/?ordering=-population_2024&kind=commune",
    "/api/v1/collectivities/?is_member=true&format=json",
    "/api/v1/collectivities/?q=mellal&region=05",
    "/api/v1/collectivities/?page=99",
    "/api/v1/collectivities/?kind=nope",
    "/api/v1/collectivities/05.081.01.01/",
    "/api/v1/collectivities/05.081.01.01/?format=json&lang=en",
    "/api/v1/collectivities/AB.c-1/",
    "/api/v1/collectivities/.../",
    "/api/v1/collectivities/05.081.07.01/?kind=region",
    "/api/v1/collectivities/99.99/",
    "/api/v1/members/",
    "/api/v1/members/?page_size=2&page=3&format=json",
    "/api/v1/members/?ordering=-joined_on&lang=en",
    "/api/v1/members/?status=suspended&kind=commune",
    "/api/v1/members/?q=english",
    "/api/v1/members/?page_size=0",
]


@pytest.mark.usefixtures("varied")
@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("accept_language", ["", "fr", "en"])
def test_same_bytes_as_the_serializers(
    api: APIClient, monkeypatch: pytest.MonkeyPatch, url: str, accept_language: str
) -> None:
    extra = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}

    plain, reference = fetch_both(api, monkeypatch, url, **extra)

    assert plain.status_code == reference.status_code
    assert plain.content == reference.content
    assert plain["Content-Language"] == reference["Content-Language"]


@pytest.mark.usefixtures("varied")
@pytest.mark.parametrize("url", ["/api/v1/collectivities/?page_size=200", "/api/v1/members/"])
def test_same_bytes_on_another_host_and_scheme(
    api: APIClient, monkeypatch: pytest.MonkeyPatch, settings: Settings, url: str
) -> None:
    settings.ALLOWED_HOSTS = ["testserver", "api.example.ma", "other.example.ma"]
    for extra, prefix in (
        ({"HTTP_HOST": "api.example.ma:8443", "secure": True}, b"https://api.example.ma:8443/"),
        ({"HTTP_HOST": "other.example.ma"}, b"http://other.example.ma/"),
    ):
        plain, reference = fetch_both(api, monkeypatch, url, **extra)

        assert plain.status_code == 200
        assert plain.content == reference.content
        assert prefix + b"api/v1/collectivities/" in plain.content
        assert prefix + b"ar/territories/" in plain.content


@pytest.mark.usefixtures("varied")
def test_the_comparison_can_fail(api: APIClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A builder that changed one value would be caught by the tests above."""
    original = rows.CollectivityRows.__call__

    def changed(self: rows.CollectivityRows, row: rows.Row) -> dict[str, Any]:
        return {**original(self, row), "is_member": None}

    monkeypatch.setattr(rows.CollectivityRows, "__call__", changed)

    plain, reference = fetch_both(api, monkeypatch, "/api/v1/collectivities/")

    assert plain.content != reference.content


# --- The pieces ----------------------------------------------------------------------

VALUES = (None, "", "x")


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_translated_field_follows_modeltranslation(language: str) -> None:
    """Every combination of missing, empty and present translations, every language."""
    for ar, fr, en in itertools.product(VALUES, repeat=3):
        named = {"ar": f"{ar}-ar" if ar else ar, "fr": f"{fr}-fr" if fr else fr}
        named["en"] = f"{en}-en" if en else en
        values = (named["ar"], named["fr"], named["en"])
        unit = Collectivity(name_ar=values[0], name_fr=values[1], name_en=values[2])
        with translation.override(language):
            expected = unit.name
            picked = rows.TranslatedField(Collectivity, "name")(values)

        assert picked == expected, (language, values)


def test_translated_field_refuses_an_untranslated_field() -> None:
    with pytest.raises(TypeError):
        rows.TranslatedField(Collectivity, "slug")


@pytest.mark.parametrize(
    "value",
    ["05.081.01.01", "AB.c-1", "-", "a", ".", "..", "...", "", "a/b", "é", "a b", "a\n", "a%20"],
)
def test_link_template_gives_what_the_slow_path_gives(value: str) -> None:
    def build(code: str) -> str:
        calls.append(code)
        return f"https://h.example/x/{code}/?format=json"

    calls: list[str] = []
    template = rows.LinkTemplate(build, rows._CODE)
    calls.clear()

    assert template(value) == build(value)
    fast = calls == [value]  # only the comparison's own call
    assert fast == (value not in ("", ".", "..", "...", "a/b", "é", "a b", "a\n", "a%20"))


def test_link_template_without_a_single_placeholder_takes_the_slow_path() -> None:
    build: Callable[[str], str] = lambda code: f"https://{code}.example/{code}/"  # noqa: E731

    template = rows.LinkTemplate(build, rows._CODE)

    assert template("05") == "https://05.example/05/"


# --- The filter backend ---------------------------------------------------------------


def test_filter_parameters_are_the_filter_names() -> None:
    assert filters.filter_parameters(filters.CollectivityFilter) == frozenset(
        {"kind", "region", "parent", "area_type", "is_member", "q", "ordering"}
    )
    # The parameters that are never filters must stay so (the backend skips on them).
    for filterset in (filters.CollectivityFilter, filters.MembershipFilter):
        names = filters.filter_parameters(filterset)
        assert names is not None
        assert names.isdisjoint({"page", "page_size", "lang", "format"})


def test_filter_parameters_unknown_for_multi_value_widgets() -> None:
    class Ranged(django_filters.FilterSet):
        population = django_filters.RangeFilter(field_name="population_2024")

        class Meta:
            model = Collectivity
            fields: list[str] = []

    assert issubclass(Ranged.base_filters["population"].field_class.widget, forms.MultiWidget)
    assert filters.filter_parameters(Ranged) is None


def test_no_filter_set_without_filter_parameters(
    api: APIClient, territory: Territory, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[object] = []
    original = filters.FilterBackend.get_filterset

    def spy(self: filters.FilterBackend, *args: Any) -> Any:
        built.append(args)
        return original(self, *args)

    monkeypatch.setattr(filters.FilterBackend, "get_filterset", spy)

    assert api.get("/api/v1/collectivities/", {"page": "1", "lang": "fr"}).status_code == 200
    assert built == []
    assert api.get("/api/v1/collectivities/", {"kind": "region"}).json()["count"] == 2
    assert len(built) == 1


@pytest.mark.usefixtures("varied")
@pytest.mark.parametrize(
    "url",
    ["/api/v1/collectivities/?kind=commune", "/api/v1/members/", "/api/v1/collectivities/AB.c-1/"],
)
def test_browsable_api_shows_the_plain_rows(api: APIClient, url: str) -> None:
    response = api.get(url, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "AB.c-1" in response.content.decode() or "05.081.01.01" in response.content.decode()
