"""Public API of access to information: register, statistics, disclosure catalogue and items."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, re_path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIClient

from infitah.access_info import api_public
from infitah.access_info.models import InformationRequest, RequestEvent
from infitah.territories.models import Collectivity
from tests import factories
from tests.access_info.factories_public import (
    PERSONAL,
    ComplaintFactory,
    DisclosureCategoryFactory,
    DisclosureItemFactory,
    InformationRequestFactory,
    RequestDocumentFactory,
    RequestEventFactory,
    decided,
    local,
    media_root,  # noqa: F401 - fixture
    uncached,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.django_db

Status = InformationRequest.Status
API = "/api/v1/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def published(commune_a: Collectivity, media_root: Any) -> InformationRequest:  # noqa: F811
    request = decided(
        collectivity=commune_a,
        subject="محاضر دورات المجلس",
        released_text="المحاضر مرفقة",
        released_published_at=local(2026, 3, 18),
        id_document_kind=InformationRequest.IdDocument.RESIDENCE_PERMIT,
        **PERSONAL,
    )
    RequestDocumentFactory(request=request, title="Procès-verbal", is_public=True)
    RequestDocumentFactory(request=request, title="Identité", is_public=False)
    RequestEventFactory(request=request, note=PERSONAL["email"])
    RequestEventFactory(
        request=request,
        kind=RequestEvent.Kind.STATUS,
        to_status=Status.ANSWERED,
        at=local(2026, 3, 16),
    )
    ComplaintFactory(request=request, text=PERSONAL["postal_address"], outcome="rejected")
    return request


def _assert_private(body: bytes, where: str) -> None:
    text = body.decode()
    for name, value in PERSONAL.items():
        assert value not in text, f"{name} leaked in {where}"
        assert json.dumps(value)[1:-1] not in text, f"{name} leaked (escaped) in {where}"
    for key in ("requester_name", "email", "phone", "postal_address", "id_document", "requester"):
        assert f'"{key}":' not in text, f"{key} field in {where}"


def test_no_personal_data_in_any_response(
    api: APIClient,
    published: InformationRequest,
    uncached: None,  # noqa: F811
) -> None:
    category = DisclosureCategoryFactory(code="budget")
    item = DisclosureItemFactory(collectivity=published.collectivity, category=category)
    code = published.collectivity.code
    urls = [
        f"{API}information-register/",
        f"{API}information-register/?q=محاضر",
        f"{API}information-register/?collectivity={code}",
        f"{API}information-register/{published.reference}/",
        f"{API}information-register/{published.reference}/?lang=fr",
        f"{API}information-statistics/",
        f"{API}information-statistics/{code}/",
        f"{API}disclosure-categories/",
        f"{API}disclosure-categories/budget/",
        f"{API}disclosure-items/",
        f"{API}disclosure-items/{item.pk}/",
        f"{API}information-register/?format=api",
    ]
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, url
        _assert_private(response.content, url)
    for words in ("Zoubida", "ZX998877", "4711"):
        response = api.get(f"{API}information-register/", {"q": words})
        assert response.json()["count"] == 0, words


def test_register_list_and_detail(api: APIClient, published: InformationRequest) -> None:
    open_request = InformationRequestFactory(
        collectivity=published.collectivity, received_at=local(2026, 4, 1), is_urgent=True
    )
    InformationRequestFactory(is_in_register=False)
    with time_machine.travel(local(2026, 4, 30), tick=False):
        body = api.get(f"{API}information-register/", {"lang": "en"}).json()
    assert body["count"] == 2
    first, second = body["results"]
    assert first["reference"] == open_request.reference  # newest first
    assert first["is_urgent"] is True
    assert first["is_late"] is True  # due 30 March
    assert first["decided_on"] is None
    assert second == {
        "reference": published.reference,
        "subject": "محاضر دورات المجلس",
        "collectivity": {"code": published.collectivity.code, "name": "Commune A"},
        "region": {
            "code": published.collectivity.region.code,
            "name": published.collectivity.region.name_fr,
        },
        "channel": "online",
        "status": "answered",
        "is_urgent": False,
        "is_late": False,
        "received_on": "2026-03-02",
        "due_on": "2026-03-30",
        "is_extended": False,
        "decided_on": "2026-03-16",
        "working_days_taken": 10,
        "answered_on_time": True,
        "refusal_ground": None,
        "transferred_to": None,
        "answer_published_on": "2026-03-18",
        "url": f"http://testserver/en/information/register/{published.reference}/",
        "api_url": f"http://testserver/api/v1/information-register/{published.reference}/",
    }
    detail = api.get(f"{API}information-register/{published.reference}/", {"lang": "en"}).json()
    assert detail["released_text"] == "المحاضر مرفقة"
    assert [d["title"] for d in detail["documents"]] == ["Procès-verbal"]
    assert detail["documents"][0]["url"].startswith("http://testserver/en/information/register/")
    assert detail["complaints"] == [
        {"stage": "head", "filed_on": "2026-04-06", "outcome": "rejected", "decided_on": None}
    ]
    assert {"kind": "status", "status": "answered", "on": "2026-03-16"} in detail["steps"]
    open_detail = api.get(f"{API}information-register/{open_request.reference}/").json()
    assert open_detail["released_text"] == "" and open_detail["documents"] == []


def test_register_filters_and_errors(api: APIClient, published: InformationRequest) -> None:
    other = InformationRequestFactory(
        collectivity=factories.CommuneFactory(),
        subject="إحصائيات الحالة المدنية",
        received_at=local(2025, 12, 31, 23, 30),
        channel=InformationRequest.Channel.PAPER,
    )

    def references(**params: str) -> list[str]:
        response = api.get(f"{API}information-register/", params)
        assert response.status_code == 200, params
        return [row["reference"] for row in response.json()["results"]]

    assert references(collectivity=published.collectivity.code) == [published.reference]
    assert references(region=other.collectivity.region.code) == [other.reference]
    assert references(status="answered") == [published.reference]
    assert references(channel="paper") == [other.reference]
    assert references(year="2025") == [other.reference]
    assert references(is_urgent="false") == [published.reference, other.reference]
    assert references(q="احصائيات") == [other.reference]
    assert references(q="المرفقه") == []
    assert references(q="المحاضر") == [published.reference]  # the published answer

    for params, field in (
        ({"status": "lost"}, "status"),
        ({"collectivity": "NOPE"}, "collectivity"),
        ({"is_urgent": "maybe"}, "is_urgent"),
        ({"year": "abc"}, "year"),
        ({"page_size": "0"}, "page_size"),
    ):
        response = api.get(f"{API}information-register/", params)
        assert response.status_code == 400, params
        error = response.json()["error"]
        assert error["code"] == "invalid" and field in error["fields"], params
    response = api.get(f"{API}information-register/NOPE/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert api.get(f"{API}information-register/", {"page": "99"}).status_code == 404
    response = api.post(f"{API}information-register/", {})
    assert response.status_code == 405


def test_register_list_query_count_does_not_grow(
    api: APIClient,
    uncached: None,  # noqa: F811
) -> None:
    commune = factories.CommuneFactory()
    InformationRequestFactory.create_batch(2, collectivity=commune)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"{API}information-register/").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for _ in range(28):
        InformationRequestFactory(collectivity=factories.CommuneFactory())
    assert queries() == few
    assert few <= 4


def test_statistics(api: APIClient, commune_a: Collectivity) -> None:
    for days in (1, 2, 3, 4):
        decided(collectivity=commune_a, working_days_taken=days, answered_on_time=days < 4)
    decided(
        collectivity=commune_a,
        status=Status.REFUSED,
        refusal_ground=InformationRequest.RefusalGround.NOT_HELD,
        working_days_taken=None,
        answered_on_time=None,
        received_at=local(2025, 11, 3),
    )
    body = api.get(f"{API}information-statistics/{commune_a.code}/", {"lang": "en"}).json()
    assert body["collectivity"] == {"code": commune_a.code, "name": "Commune A"}
    assert body["total"] == 5
    assert body["years"] == [2026, 2025]
    assert body["by_month"][0] == {"month": "2025-11", "count": 1}
    assert len(body["by_month"]) == 5  # November to March, gaps included
    assert body["working_days"] == {
        "decided": 4,
        "median": 2.5,
        "p90": 3.7,
        "histogram": [{"days": d, "count": 1} for d in (1, 2, 3, 4)],
    }
    assert body["answered_on_time"] == {"count": 3, "known": 4, "percent": 75.0}
    assert body["refusals_by_ground"] == [
        {"code": "not_held", "label": "information not held and holder unknown", "count": 1}
    ]
    year = api.get(f"{API}information-statistics/{commune_a.code}/", {"year": "2025"}).json()
    assert year["total"] == 1 and year["year"] == 2025
    network = api.get(f"{API}information-statistics/").json()
    assert network["collectivity"] is None and network["total"] == 5
    response = api.get(f"{API}information-statistics/", {"year": "20x5"})
    assert response.status_code == 400
    assert "year" in response.json()["error"]["fields"]
    assert api.get(f"{API}information-statistics/99.999/").status_code == 404


def test_disclosure_categories_and_items(api: APIClient, commune_a: Collectivity) -> None:
    budget = DisclosureCategoryFactory(
        code="budget", name_ar="الميزانية", name_fr="Budget", name_en="Budget", order=1
    )
    tenders = DisclosureCategoryFactory(code="tenders", update_every_months=1, order=2)
    DisclosureCategoryFactory(code="retired-category", is_active=False, order=3)
    current = DisclosureItemFactory(collectivity=commune_a, category=budget)
    overdue = DisclosureItemFactory(
        collectivity=commune_a, category=tenders, published_on=datetime.date(2026, 1, 1)
    )
    old = DisclosureItemFactory(
        collectivity=factories.CommuneFactory(), category=budget, is_current=False
    )

    categories = api.get(f"{API}disclosure-categories/", {"lang": "ar"}).json()
    assert [c["code"] for c in categories["results"]] == ["budget", "tenders", "retired-category"]
    assert categories["results"][0]["name"] == "الميزانية"
    assert categories["results"][2]["is_active"] is False
    one = api.get(f"{API}disclosure-categories/budget/").json()
    assert one["legal_basis"] == "Law 31-13, art. 10" and one["update_every_months"] == 12
    assert api.get(f"{API}disclosure-categories/none/").status_code == 404

    with time_machine.travel(local(2026, 3, 1), tick=False):
        items = api.get(f"{API}disclosure-items/").json()
        assert items["count"] == 3
        by_id = {row["id"]: row for row in items["results"]}
        assert by_id[overdue.pk]["is_overdue"] is True
        assert by_id[overdue.pk]["next_update_due_on"] == "2026-02-01"
        assert by_id[current.pk]["is_overdue"] is False
        assert by_id[current.pk]["link"] == "https://example.org/document"
        assert by_id[current.pk]["file_url"] is None
        assert by_id[current.pk]["collectivity"]["code"] == commune_a.code

        def ids(**params: str) -> set[int]:
            response = api.get(f"{API}disclosure-items/", params)
            assert response.status_code == 200, params
            return {row["id"] for row in response.json()["results"]}

        assert ids(is_overdue="true") == {overdue.pk}
        assert ids(is_overdue="false") == {current.pk, old.pk}
        assert ids(is_current="false") == {old.pk}
        assert ids(category="tenders") == {overdue.pk}
        assert ids(collectivity=commune_a.code) == {current.pk, overdue.pk}
        assert api.get(f"{API}disclosure-items/", {"category": "nope"}).status_code == 400
        assert api.get(f"{API}disclosure-items/{current.pk}/").json()["title"] == current.title
    assert api.get(f"{API}disclosure-items/999999/").status_code == 404
    assert api.get(f"{API}disclosure-items/abc/").status_code == 404


def test_schema_documents_the_endpoints_without_warnings() -> None:
    """The public endpoints alone generate a valid schema without any warning."""
    router = SimpleRouter()
    api_public.register(router)
    patterns = [re_path(r"^api/(?P<version>v1)/", include(router.urls))]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache)
    paths = schema["paths"]
    assert sorted(paths) == [
        "/api/v1/disclosure-categories/",
        "/api/v1/disclosure-categories/{code}/",
        "/api/v1/disclosure-items/",
        "/api/v1/disclosure-items/{id}/",
        "/api/v1/information-register/",
        "/api/v1/information-register/{reference}/",
        "/api/v1/information-statistics/",
        "/api/v1/information-statistics/{code}/",
    ]
    register = paths["/api/v1/information-register/"]["get"]
    names = {p["name"] for p in register["parameters"]}
    assert {
        "collectivity",
        "region",
        "status",
        "channel",
        "is_urgent",
        "year",
        "q",
        "page",
    } <= names
    assert set(register["responses"]) == {"200", "400", "404"}
    statistics = paths["/api/v1/information-statistics/"]["get"]["responses"]["200"]
    content = statistics["content"]["application/json"]["schema"]
    assert content == {"$ref": "#/components/schemas/InformationStatistics"}
    entry = schema["components"]["schemas"]["RegisterEntry"]["properties"]
    assert not {"requester_name", "email", "phone", "postal_address"} & set(entry)


def test_the_site_schema_lists_the_public_endpoints(api: APIClient) -> None:
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert "/api/v1/information-register/{reference}/" in paths
    assert "/api/v1/disclosure-items/" in paths
