"""The API root lists its endpoints with absolute addresses."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from infitah.api.views import ROOT_ENDPOINTS

pytestmark = pytest.mark.django_db

FOUNDATION = {
    "collectivities": "http://testserver/api/v1/collectivities/",
    "members": "http://testserver/api/v1/members/",
    "network": "http://testserver/api/v1/network/",
    "charter": "http://testserver/api/v1/charter/",
    "schema": "http://testserver/api/schema/",
    "docs": "http://testserver/api/docs/",
}


def test_root_lists_endpoints_with_absolute_urls(api: APIClient) -> None:
    response = api.get("/api/v1/")

    assert response.status_code == 200
    body = response.json()
    # Every module's endpoint is listed, and nothing else...
    assert set(body) == set(ROOT_ENDPOINTS) | {"schema", "docs"}
    # ...as absolute addresses.
    assert {key: body[key] for key in FOUNDATION} == FOUNDATION
    assert all(url.startswith("http://testserver/api/") for url in body.values())


def test_every_listed_endpoint_answers(api: APIClient) -> None:
    links = api.get("/api/v1/").json()

    for name, url in links.items():
        response = api.get(url)
        assert response.status_code == 200, name


def test_api_index_redirects_to_current_version(api: APIClient) -> None:
    response = api.get("/api/")

    assert response.status_code == 302
    assert response["Location"] == "/api/v1/"


def test_unknown_version_is_not_found(api: APIClient) -> None:
    assert api.get("/api/v2/collectivities/").status_code == 404


def test_browsable_api_renders_html(api: APIClient) -> None:
    response = api.get("/api/v1/collectivities/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]
