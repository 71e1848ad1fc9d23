"""``/api/v1/members/``: public memberships with their collectivity and focal point."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from infitah.network.models import Membership
from tests import factories
from tests.api.conftest import Territory

pytestmark = pytest.mark.django_db

URL = "/api/v1/members/"


def member_codes(response: object) -> list[str]:
    return [row["collectivity"]["code"] for row in response.json()["results"]]  # type: ignore[attr-defined]


def test_lists_public_memberships_only(api: APIClient, members: list[Membership]) -> None:
    response = api.get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 2
    # The withdrawn region "01" is not listed.
    assert member_codes(response) == ["05", "05.081.01.01"]


def test_suspended_members_are_public(
    api: APIClient, members: list[Membership], territory: Territory
) -> None:
    factories.MembershipFactory(
        network=members[0].network,
        collectivity=territory.rural,
        status=Membership.Status.SUSPENDED,
    )

    rows = {r["collectivity"]["code"]: r for r in api.get(URL).json()["results"]}

    assert rows["05.081.03.05"]["status"] == "suspended"


def test_row_fields(api: APIClient, members: list[Membership]) -> None:
    rows = api.get(URL, {"lang": "fr"}).json()["results"]

    assert rows[1] == {
        "network": "test-network",
        "collectivity": {
            "code": "05.081.01.01",
            "kind": "commune",
            "name": "Béni Mellal",
            "name_ar": "بني ملال",
            "name_fr": "Béni Mellal",
            "name_en": "Beni Mellal",
            "region": "05",
            "url": "http://testserver/api/v1/collectivities/05.081.01.01/",
            "web_url": "http://testserver/fr/territories/beni-mellal/",
        },
        "status": "active",
        "joined_on": None,
        "cohort": "2023",
        "is_founding_member": False,
        "focal_point": {
            "name": "Amina Focal",
            "title": "",
            "email": "openness@example.org",
            "phone": "",
        },
    }
    founding = rows[0]
    assert founding["joined_on"] == "2022-10-21"
    assert founding["cohort"] == "founding"
    assert founding["is_founding_member"] is True
    assert founding["focal_point"] is None
    assert founding["collectivity"]["kind"] == "region"


def test_name_follows_the_language(api: APIClient, members: list[Membership]) -> None:
    arabic = api.get(URL).json()["results"][1]["collectivity"]
    english = api.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["results"][1]["collectivity"]

    assert arabic["name"] == "بني ملال"
    assert english["name"] == "Beni Mellal"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "05"}, ["05", "05.081.01.01"]),
        ({"region": "01"}, []),
        ({"kind": "commune"}, ["05.081.01.01"]),
        ({"kind": "region"}, ["05"]),
        ({"status": "active"}, ["05", "05.081.01.01"]),
        ({"status": "suspended"}, []),
        # Withdrawn memberships are never public, even when asked for.
        ({"status": "withdrawn"}, []),
        ({"cohort": "founding"}, ["05"]),
        ({"cohort": "2023"}, ["05.081.01.01"]),
        ({"is_founding_member": "true"}, ["05"]),
        ({"is_founding_member": "false"}, ["05.081.01.01"]),
        ({"network": "test-network"}, ["05", "05.081.01.01"]),
        ({"q": "بنى ملال"}, ["05", "05.081.01.01"]),
        ({"q": "Beni Mellal", "kind": "commune"}, ["05.081.01.01"]),
        ({"q": "khenifra"}, ["05"]),
        ({"q": "Tanger"}, []),
        ({"ordering": "-code"}, ["05.081.01.01", "05"]),
        ({"ordering": "-joined_on"}, ["05", "05.081.01.01"]),
    ],
)
def test_filters(
    api: APIClient, members: list[Membership], params: dict[str, str], expected: list[str]
) -> None:
    response = api.get(URL, params)

    assert response.status_code == 200, response.json()
    assert member_codes(response) == expected


def test_undocumented_join_dates_sort_last_both_ways(
    api: APIClient, members: list[Membership]
) -> None:
    """Same answer on SQLite and PostgreSQL (which disagree on where NULLs go)."""
    ascending = member_codes(api.get(URL, {"ordering": "joined_on"}))
    descending = member_codes(api.get(URL, {"ordering": "-joined_on"}))

    assert ascending == ["05", "05.081.01.01"]
    assert descending == ["05", "05.081.01.01"]
