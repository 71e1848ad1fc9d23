"""Bad input answers 4xx with a machine-readable body, never a 500; the API is read-only."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from infitah.network.models import Membership
from tests.api.conftest import Territory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "params", "status", "field"),
    [
        ("/api/v1/collectivities/", {"kind": "xyz"}, 400, "kind"),
        ("/api/v1/collectivities/", {"region": "unknown"}, 400, "region"),
        # A code that exists but is not a region.
        ("/api/v1/collectivities/", {"region": "05.081"}, 400, "region"),
        ("/api/v1/collectivities/", {"parent": "99.999"}, 400, "parent"),
        ("/api/v1/collectivities/", {"area_type": "suburban"}, 400, "area_type"),
        ("/api/v1/collectivities/", {"is_member": "maybe"}, 400, "is_member"),
        ("/api/v1/collectivities/", {"ordering": "secret"}, 400, "ordering"),
        ("/api/v1/collectivities/", {"q": "x" * 201}, 400, "q"),
        ("/api/v1/collectivities/", {"page_size": "abc"}, 400, "page_size"),
        ("/api/v1/collectivities/", {"page_size": "0"}, 400, "page_size"),
        ("/api/v1/collectivities/", {"lang": "xx"}, 400, "lang"),
        ("/api/v1/members/", {"kind": "xyz"}, 400, "kind"),
        ("/api/v1/members/", {"region": "unknown"}, 400, "region"),
        ("/api/v1/members/", {"status": "pending"}, 400, "status"),
        ("/api/v1/members/", {"network": "no-such-network"}, 400, "network"),
        ("/api/v1/members/", {"is_founding_member": "perhaps"}, 400, "is_founding_member"),
        ("/api/v1/charter/", {"network": "no-such-network"}, 400, "network"),
    ],
)
def test_invalid_filter_values_are_400_with_the_field_named(
    api: APIClient,
    territory: Territory,
    members: list[Membership],
    url: str,
    params: dict[str, str],
    status: int,
    field: str,
) -> None:
    response = api.get(url, params)

    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status
    assert error["code"] == "invalid"
    assert error["detail"]
    assert list(error["fields"]) == [field]
    assert all(isinstance(message, str) for message in error["fields"][field])


@pytest.mark.parametrize(
    "params",
    [{"page": "abc"}, {"page": "9999"}, {"page": "0"}, {"page": "-1"}],
)
@pytest.mark.parametrize("url", ["/api/v1/collectivities/", "/api/v1/members/"])
def test_bad_pages_are_404_with_an_error_body(
    api: APIClient, members: list[Membership], url: str, params: dict[str, str]
) -> None:
    response = api.get(url, params)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_oversized_page_size_is_capped(api: APIClient, territory: Territory) -> None:
    response = api.get("/api/v1/collectivities/", {"page_size": "100000"})

    assert response.status_code == 200
    assert response.json()["count"] == 5


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        "/api/v1/collectivities/",
        "/api/v1/collectivities/05/",
        "/api/v1/members/",
        "/api/v1/network/",
        "/api/v1/network/test-network/",
        "/api/v1/charter/",
    ],
)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_methods_are_405(
    api: APIClient, members: list[Membership], url: str, method: str
) -> None:
    response = getattr(api, method)(url, {"code": "x"}, format="json")

    assert response.status_code == 405
    assert response.json()["error"] == {
        "status": 405,
        "code": "method_not_allowed",
        "detail": response.json()["error"]["detail"],
    }


def test_unsafe_method_is_405_for_a_signed_in_user_without_csrf(
    csrf_client: Client, territory: Territory
) -> None:
    response = csrf_client.post("/api/v1/collectivities/", {"code": "x"})

    assert response.status_code == 405


def test_errors_are_in_the_requested_language(api: APIClient, territory: Territory) -> None:
    english = api.get("/api/v1/collectivities/", {"kind": "xyz", "lang": "en"}).json()
    french = api.get("/api/v1/collectivities/", {"kind": "xyz", "lang": "fr"}).json()

    assert english["error"]["fields"]["kind"] != french["error"]["fields"]["kind"]
