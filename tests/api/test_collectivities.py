"""``/api/v1/collectivities/``: every territorial unit, filters, detail, language."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from infitah.network.models import Membership
from tests.api.conftest import Territory

pytestmark = pytest.mark.django_db

URL = "/api/v1/collectivities/"


def codes(response: object) -> list[str]:
    return [row["code"] for row in response.json()["results"]]  # type: ignore[attr-defined]


def test_list_is_paginated_with_a_count(api: APIClient, territory: Territory) -> None:
    response = api.get(URL, {"page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"] == "http://testserver/api/v1/collectivities/?page=2&page_size=2"
    assert body["previous"] is None
    assert codes(api.get(URL, {"page_size": 2, "page": 3})) == ["05.081.03.05"]


def test_list_is_ordered_by_code_and_includes_non_members(
    api: APIClient, territory: Territory
) -> None:
    assert codes(api.get(URL)) == ["01", "05", "05.081", "05.081.01.01", "05.081.03.05"]


def test_row_fields(api: APIClient, territory: Territory, members: list[Membership]) -> None:
    rows = {row["code"]: row for row in api.get(URL, {"lang": "fr"}).json()["results"]}

    commune = rows["05.081.01.01"]
    assert commune == {
        "code": "05.081.01.01",
        "kind": "commune",
        "name": "Béni Mellal",
        "name_ar": "بني ملال",
        "name_fr": "Béni Mellal",
        "name_en": "Beni Mellal",
        "slug": "beni-mellal",
        "parent": "05.081",
        "region": "05",
        "area_type": "urban",
        "population_2024": 193_000,
        "households_2024": None,
        "population_2014": None,
        "is_member": True,
        "url": "http://testserver/api/v1/collectivities/05.081.01.01/",
        "web_url": "http://testserver/fr/territories/beni-mellal/",
    }
    region = rows["05"]
    assert region["parent"] is None
    assert region["region"] == "05"
    assert region["area_type"] is None
    assert region["is_member"] is True
    # A withdrawn membership is not a membership.
    assert rows["01"]["is_member"] is False
    assert rows["05.081.03.05"]["is_member"] is False


def test_detail_by_code_with_dots(api: APIClient, territory: Territory) -> None:
    response = api.get(f"{URL}05.081.01.01/")

    assert response.status_code == 200
    assert response.json()["name_fr"] == "Béni Mellal"
    assert response.json()["parent"] == "05.081"


def test_detail_of_unknown_code_is_a_404_error_body(api: APIClient, territory: Territory) -> None:
    response = api.get(f"{URL}99.999.99.99/")

    assert response.status_code == 404
    error = response.json()["error"]
    assert error["status"] == 404
    assert error["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "region"}, ["01", "05"]),
        ({"kind": "province"}, ["05.081"]),
        ({"kind": "commune"}, ["05.081.01.01", "05.081.03.05"]),
        ({"region": "05"}, ["05", "05.081", "05.081.01.01", "05.081.03.05"]),
        ({"region": "01"}, ["01"]),
        ({"parent": "05.081"}, ["05.081.01.01", "05.081.03.05"]),
        ({"parent": "05"}, ["05.081"]),
        ({"area_type": "rural"}, ["05.081.03.05"]),
        ({"is_member": "true"}, ["05", "05.081.01.01"]),
        ({"is_member": "false"}, ["01", "05.081", "05.081.03.05"]),
        ({"kind": "commune", "is_member": "1"}, ["05.081.01.01"]),
        ({"ordering": "-population_2024", "kind": "commune"}, ["05.081.01.01", "05.081.03.05"]),
        ({"ordering": "population_2024", "kind": "commune"}, ["05.081.03.05", "05.081.01.01"]),
        ({"ordering": "-code", "region": "05"}, ["05.081.03.05", "05.081.01.01", "05.081", "05"]),
    ],
)
def test_filters(
    api: APIClient,
    territory: Territory,
    members: list[Membership],
    params: dict[str, str],
    expected: list[str],
) -> None:
    response = api.get(URL, params)

    assert response.status_code == 200, response.json()
    assert codes(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(
    "query",
    ["بنى ملال", "بني ملال", "Beni Mellal", "béni   MELLAL", "ملال", "05.081.01.01"],
)
def test_search_uses_the_normalised_names(api: APIClient, territory: Territory, query: str) -> None:
    found = codes(api.get(URL, {"q": query, "kind": "commune"}))

    assert found == ["05.081.01.01"]


def test_search_with_nothing_searchable_returns_everything(
    api: APIClient, territory: Territory
) -> None:
    assert api.get(URL, {"q": "  !! "}).json()["count"] == 5


def test_ordering_by_name_follows_the_language(api: APIClient, territory: Territory) -> None:
    # French: "Béni Mellal" < "Foum Oudi"; Arabic: "بني ملال" < "فم العنصر" as well,
    # so compare with the reverse ordering to make sure the parameter is applied.
    ascending = codes(api.get(URL, {"kind": "commune", "ordering": "name", "lang": "fr"}))
    descending = codes(api.get(URL, {"kind": "commune", "ordering": "-name", "lang": "fr"}))

    assert ascending == ["05.081.01.01", "05.081.03.05"]
    assert descending == list(reversed(ascending))


class TestLanguage:
    def test_default_is_arabic(self, api: APIClient, territory: Territory) -> None:
        response = api.get(f"{URL}05.081.01.01/")

        assert response.json()["name"] == "بني ملال"
        assert response.json()["web_url"] == "http://testserver/ar/territories/beni-mellal/"
        assert response["Content-Language"] == "ar"

    def test_lang_parameter(self, api: APIClient, territory: Territory) -> None:
        response = api.get(f"{URL}05.081.01.01/", {"lang": "fr"})

        assert response.json()["name"] == "Béni Mellal"
        assert response["Content-Language"] == "fr"

    def test_accept_language_header(self, api: APIClient, territory: Territory) -> None:
        response = api.get(f"{URL}05.081.01.01/", HTTP_ACCEPT_LANGUAGE="en")

        assert response.json()["name"] == "Beni Mellal"
        assert response.json()["web_url"] == "http://testserver/en/territories/beni-mellal/"
        assert "Accept-Language" in response["Vary"]

    def test_lang_parameter_wins_over_header(self, api: APIClient, territory: Territory) -> None:
        response = api.get(f"{URL}05.081.01.01/", {"lang": "ar"}, HTTP_ACCEPT_LANGUAGE="fr")

        assert response.json()["name"] == "بني ملال"

    def test_english_falls_back_to_french(self, api: APIClient, territory: Territory) -> None:
        row = api.get(f"{URL}05.081.03.05/", {"lang": "en"}).json()

        assert row["name_en"] is None
        assert row["name"] == "Foum Oudi"

    def test_list_names_in_requested_language(self, api: APIClient, territory: Territory) -> None:
        names = [
            r["name"] for r in api.get(URL, {"lang": "fr", "kind": "region"}).json()["results"]
        ]

        assert names == ["Tanger", "Béni Mellal-Khénifra"]

    def test_unknown_language_is_a_400(self, api: APIClient, territory: Territory) -> None:
        response = api.get(URL, {"lang": "de"})

        assert response.status_code == 400
        assert "lang" in response.json()["error"]["fields"]
