"""The library's API: documents (list, filters, search, detail), good practices, writes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from infitah.accounts.models import User
from infitah.library import services
from infitah.library.models import Document
from infitah.network.models import Network
from infitah.territories.models import Collectivity
from tests import factories
from tests.library import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def principle(network: Network) -> Any:
    return network.principles.create(
        code="participation", name_fr="Participation", name_ar="المشاركة"
    )


class TestDocuments:
    def test_list_detail_and_no_personal_data(
        self, api: APIClient, staff_a: User, commune_a: Collectivity, principle: Any
    ) -> None:
        document = samples.create_document(
            title_fr="Guide du budget",
            title_ar="دليل الميزانية",
            text="budget participatif",
            collectivity=commune_a,
            principles=[principle],
            issued_on=datetime.date(2024, 3, 1),
            user=staff_a,
        )
        samples.create_document(title_fr="Brouillon", is_published=False)

        body = api.get("/api/v1/documents/", {"lang": "fr"}).json()

        assert body["count"] == 1
        row = body["results"][0]
        assert row["slug"] == document.slug
        assert row["title"] == "Guide du budget"
        assert row["title_ar"] == "دليل الميزانية"
        assert row["principles"] == ["participation"]
        assert row["collectivity"] == {"code": commune_a.code, "name": "Commune A"}
        assert row["file"]["content_type"] == "text/plain; charset=utf-8"
        assert row["file"]["download_url"].endswith(f"/library/{document.slug}/download/")
        assert row["snippet_html"] is None
        text = str(body)
        assert staff_a.email not in text and "uploaded_by" not in text

        detail = api.get(f"/api/v1/documents/{document.slug}/").json()
        assert detail["slug"] == document.slug
        assert api.get("/api/v1/documents/nope/").json()["error"]["code"] == "not_found"

    def test_search_ranked_with_snippets(self, api: APIClient) -> None:
        best = samples.create_document(
            title_fr="Budget participatif", text="Le budget participatif"
        )
        other = samples.create_document(
            title_fr="Rapport", text="Une ligne sur le budget participatif"
        )
        samples.create_document(title_fr="Charte", text="Rien à voir")

        body = api.get("/api/v1/documents/", {"q": "budgets participatifs"}).json()

        assert [r["slug"] for r in body["results"]] == [best.slug, other.slug]
        assert body["count"] == 2
        assert "<mark>" in body["results"][0]["snippet_html"]

    def test_filters(self, api: APIClient, commune_a: Collectivity, principle: Any) -> None:
        guide = samples.create_document(
            title_fr="Guide",
            collectivity=commune_a,
            principles=[principle],
            issued_on=datetime.date(2023, 1, 1),
        )
        report = samples.create_document(title_fr="Rapport", kind="report", language="ar")

        def slugs(**params: str) -> list[str]:
            response = api.get("/api/v1/documents/", params)
            assert response.status_code == 200, response.json()
            return [r["slug"] for r in response.json()["results"]]

        assert slugs(kind="report") == [report.slug]
        assert slugs(language="ar") == [report.slug]
        assert slugs(principle="participation") == [guide.slug]
        assert slugs(collectivity=commune_a.code) == [guide.slug]
        assert slugs(year="2023") == [guide.slug]
        assert api.get("/api/v1/documents/", {"kind": "nope"}).status_code == 400
        assert api.get("/api/v1/documents/", {"collectivity": "nope"}).status_code == 400
        assert api.get("/api/v1/documents/", {"q": "؟"}).json()["count"] == 0

    @pytest.mark.parametrize("query", ["", "budget"])
    def test_query_count_does_not_grow(
        self, api: APIClient, commune_a: Collectivity, principle: Any, query: str
    ) -> None:
        def create(start: int, count: int) -> None:
            for number in range(start, start + count):
                samples.create_document(
                    title_fr=f"Guide {number}",
                    text=f"budget {number}",
                    collectivity=commune_a,
                    principles=[principle],
                )

        def queries() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert (
                    api.get("/api/v1/documents/", {"q": query} if query else {}).status_code == 200
                )
            return len(ctx.captured_queries)

        create(0, 2)
        small = queries()
        create(2, 20)
        assert queries() == small


class TestGoodPractices:
    def test_list_with_adoptions(
        self, api: APIClient, network: Network, commune_a: Collectivity, commune_b: Collectivity
    ) -> None:
        factories.MembershipFactory(network=network, collectivity=commune_b)
        document = samples.create_document(
            title_fr="Registre",
            kind=Document.Kind.GOOD_PRACTICE,
            collectivity=commune_a,
            good_practice=services.GoodPracticeFields(problem="Demandes perdues", cost_mad=None),
        )
        services.good_practice_adopt(
            user=None,
            practice=document.good_practice,
            collectivity=commune_b,
            adopted_on=datetime.date(2024, 2, 1),
            commitment_reference="C-1",
        )
        samples.create_document(title_fr="Pas une pratique")

        body = api.get("/api/v1/good-practices/", {"lang": "fr"}).json()

        assert body["count"] == 1
        row = body["results"][0]
        assert row["slug"] == document.slug
        assert row["problem"] == "Demandes perdues"
        assert row["adoptions"] == [
            {
                "id": row["adoptions"][0]["id"],
                "collectivity": {"code": commune_b.code, "name": "Commune B"},
                "adopted_on": "2024-02-01",
                "note": "",
                "commitment_reference": "C-1",
            }
        ]
        assert api.get(f"/api/v1/good-practices/{document.slug}/").status_code == 200

    def test_adopt_errors_are_400(
        self, network: Network, commune_a: Collectivity, staff_a: User
    ) -> None:
        factories.MembershipFactory(network=network, collectivity=commune_a)
        document = samples.create_document(
            title_fr="Pratique", kind=Document.Kind.GOOD_PRACTICE, collectivity=commune_a
        )
        client = APIClient()
        client.force_login(staff_a)

        own = client.post(
            f"/api/v1/good-practices/{document.slug}/adoptions/",
            {"collectivity": commune_a.code},
            format="json",
        )
        unknown = client.post(
            f"/api/v1/good-practices/{document.slug}/adoptions/",
            {"collectivity": "nope"},
            format="json",
        )

        assert own.status_code == 400
        assert own.json()["error"]["code"] == "invalid"
        assert unknown.status_code == 400
        assert "collectivity" in unknown.json()["error"]["fields"]


class TestWrites:
    def test_create_with_a_file_refused_by_content(
        self, staff_a: User, commune_a: Collectivity
    ) -> None:
        client = APIClient()
        client.force_login(staff_a)

        response = client.post(
            "/api/v1/documents/",
            {
                "title_fr": "Faux PDF",
                "kind": "guide",
                "language": "fr",
                "collectivity": commune_a.code,
                "file": SimpleUploadedFile(
                    "page.pdf", b"<html><script>x</script></html>", "application/pdf"
                ),
            },
            format="multipart",
        )

        assert response.status_code == 400
        assert "file" in response.json()["error"]["fields"]
        assert not Document.objects.exists()

    def test_create_a_link_document(self, coordinator: User) -> None:
        client = APIClient()
        client.force_login(coordinator)

        response = client.post(
            "/api/v1/documents/",
            {
                "title_ar": "دليل",
                "kind": "guide",
                "language": "ar",
                "link": "https://example.org/g",
            },
            format="json",
        )

        assert response.status_code == 201, response.json()
        assert response.json()["collectivity"] is None
        assert response.json()["link"] == "https://example.org/g"

    def test_writes_need_the_csrf_token(self, staff_a: User, commune_a: Collectivity) -> None:
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(staff_a)

        response = client.post(
            "/api/v1/documents/",
            {"title_fr": "X", "kind": "guide", "language": "fr", "link": "https://e.org"},
            format="json",
        )

        assert response.status_code == 403
