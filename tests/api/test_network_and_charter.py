"""``/api/v1/network/`` and ``/api/v1/charter/``."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from infitah.network.models import CharterSection, CharterVersion, Membership, Network, Principle
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def full_network(network: Network, members: list[Membership]) -> Network:
    network.description_ar = "شبكة الجماعات الترابية المنفتحة"
    network.description_fr = "Réseau des collectivités territoriales ouvertes"
    network.description_en = "Network of open territorial collectivities"
    network.save()
    for order, (code, ar, fr, en) in enumerate(
        [
            ("transparency", "الشفافية", "Transparence", "Transparency"),
            ("participation", "المشاركة المواطنة", "Participation citoyenne", "Participation"),
        ]
    ):
        # Created in reverse order to check that "order" decides.
        Principle.objects.create(
            network=network, code=code, order=10 - order, name_ar=ar, name_fr=fr, name_en=en
        )
    factories.PartnerFactory(
        network=network,
        code="dgct",
        acronym="DGCT",
        name_fr="Direction générale des collectivités territoriales",
        kind="government",
        order=1,
    )
    return network


@pytest.fixture
def charters(network: Network) -> dict[str, CharterVersion]:
    versions = {
        "1.0": factories.CharterVersionFactory(
            network=network, version="1.0", effective_on=datetime.date(2022, 10, 21)
        ),
        "2.0": factories.CharterVersionFactory(
            network=network, version="2.0", effective_on=datetime.date(2024, 1, 1)
        ),
        "3.0-draft": factories.CharterVersionFactory(
            network=network, version="3.0-draft", effective_on=datetime.date(2030, 1, 1)
        ),
    }
    charter = versions["2.0"]
    factories.CharterSectionFactory(
        charter=charter,
        kind=CharterSection.Kind.GOALS,
        order=2,
        title_ar="الأهداف",
        title_fr="Objectifs",
        title_en="Goals",
        body_fr="Ancrer l'ouverture.",
    )
    factories.CharterSectionFactory(
        charter=charter,
        kind=CharterSection.Kind.PREAMBLE,
        order=1,
        title_ar="الديباجة",
        title_fr="Préambule",
        title_en="Preamble",
        body_ar="نص الديباجة",
        body_fr="Texte du préambule",
        body_en="Preamble text",
    )
    return versions


class TestNetwork:
    def test_list(self, api: APIClient, full_network: Network) -> None:
        response = api.get("/api/v1/network/", {"lang": "en"})

        assert response.status_code == 200
        assert response.json()["count"] == 1
        row: dict[str, Any] = response.json()["results"][0]
        assert row["slug"] == "test-network"
        assert row["name"] == "The network"
        assert (row["name_ar"], row["name_fr"]) == ("الشبكة", "Le réseau")
        assert row["description_en"] == "Network of open territorial collectivities"
        assert row["founded_on"] == "2022-10-21"
        assert row["founding_composition"] == {
            "regions": 12,
            "provincial_councils": 4,
            "communes": 50,
            "total": 66,
        }
        # Public members only: the withdrawn region is not counted.
        assert row["member_counts"] == {
            "region": 1,
            "prefecture": 0,
            "province": 0,
            "commune": 1,
            "total": 2,
        }
        assert [p["code"] for p in row["principles"]] == ["participation", "transparency"]
        assert row["principles"][1]["name"] == "Transparency"
        assert row["principles"][1]["name_ar"] == "الشفافية"
        assert row["partners"][0]["acronym"] == "DGCT"
        assert row["partners"][0]["kind"] == "government"
        assert row["url"] == "http://testserver/api/v1/network/test-network/"
        assert row["web_url"] == "http://testserver/en/network/"

    def test_detail_by_slug(self, api: APIClient, full_network: Network) -> None:
        response = api.get("/api/v1/network/test-network/", {"lang": "fr"})

        assert response.status_code == 200
        assert response.json()["name"] == "Le réseau"
        assert response.json()["principles"][1]["name"] == "Transparence"

    def test_unknown_slug(self, api: APIClient, full_network: Network) -> None:
        response = api.get("/api/v1/network/nope/")

        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.fixture
def frozen_today() -> Iterator[None]:
    """Today is 2025-06-01: version 2.0 is in force, 3.0-draft not yet."""
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.mark.usefixtures("frozen_today")
class TestCharter:
    def test_newest_effective_first_and_in_force(
        self, api: APIClient, charters: dict[str, CharterVersion]
    ) -> None:
        rows = api.get("/api/v1/charter/").json()["results"]

        assert [(r["version"], r["is_in_force"]) for r in rows] == [
            ("3.0-draft", False),
            ("2.0", True),
            ("1.0", False),
        ]

    def test_sections_in_order_and_language(
        self, api: APIClient, charters: dict[str, CharterVersion]
    ) -> None:
        response = api.get("/api/v1/charter/2.0/", {"lang": "en"})

        assert response.status_code == 200
        body = response.json()
        assert body["effective_on"] == "2024-01-01"
        assert body["network"] == "test-network"
        assert body["url"] == "http://testserver/api/v1/charter/2.0/"
        assert body["web_url"] == "http://testserver/en/network/charter/2.0/"
        sections = body["sections"]
        assert [s["kind"] for s in sections] == ["preamble", "goals"]
        assert sections[0]["title"] == "Preamble"
        assert sections[0]["body"] == "Preamble text"
        assert (sections[0]["title_ar"], sections[0]["title_fr"]) == ("الديباجة", "Préambule")
        # No English body: falls back to French.
        assert sections[1]["body_en"] is None
        assert sections[1]["body"] == "Ancrer l'ouverture."

    def test_arabic_by_default(self, api: APIClient, charters: dict[str, CharterVersion]) -> None:
        sections = api.get("/api/v1/charter/2.0/").json()["sections"]

        assert sections[0]["title"] == "الديباجة"

    def test_unknown_version(self, api: APIClient, charters: dict[str, CharterVersion]) -> None:
        response = api.get("/api/v1/charter/9.9/")

        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    def test_same_version_name_in_two_networks(
        self, api: APIClient, charters: dict[str, CharterVersion]
    ) -> None:
        other = factories.NetworkFactory(slug="other-network")
        factories.CharterVersionFactory(
            network=other, version="2.0", effective_on=datetime.date(2025, 1, 1)
        )

        first = api.get("/api/v1/charter/2.0/").json()
        scoped = api.get("/api/v1/charter/2.0/", {"network": "other-network"}).json()
        listed = api.get("/api/v1/charter/", {"network": "other-network"}).json()

        assert (first["network"], first["effective_on"]) == ("test-network", "2024-01-01")
        assert (scoped["network"], scoped["effective_on"]) == ("other-network", "2025-01-01")
        assert scoped["is_in_force"] is True
        assert listed["count"] == 1

    def test_nothing_in_force_before_the_first_version(
        self, api: APIClient, network: Network
    ) -> None:
        factories.CharterVersionFactory(
            network=network, version="1.0", effective_on=datetime.date(2026, 1, 1)
        )

        rows = api.get("/api/v1/charter/").json()["results"]

        assert rows[0]["is_in_force"] is False
