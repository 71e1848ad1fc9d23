"""API answers are cached per address and language, and invalidated by any change."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoCaptureOnCommitCallbacks
from rest_framework.test import APIClient

from infitah.network.models import Membership, Network
from tests.api.conftest import Territory

pytestmark = pytest.mark.django_db

URL = "/api/v1/collectivities/05.081.01.01/"


def fetch(
    api: APIClient, callbacks: DjangoCaptureOnCommitCallbacks, **params: str
) -> tuple[dict[str, object], int]:
    """GET ``URL``, running on-commit callbacks (the cache store); return body, queries."""
    with CaptureQueriesContext(connection) as queries, callbacks(execute=True):
        response = api.get(URL, params)
    assert response.status_code == 200
    return response.json(), len(queries.captured_queries)


def test_second_request_is_served_from_cache(
    api: APIClient,
    territory: Territory,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    first, first_queries = fetch(api, django_capture_on_commit_callbacks)
    second, second_queries = fetch(api, django_capture_on_commit_callbacks)

    assert second == first
    assert first_queries > 1
    # Only the public-content version is read.
    assert second_queries == 1


def test_a_change_is_seen_at_once(
    api: APIClient,
    territory: Territory,
    network: Network,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    before, _ = fetch(api, django_capture_on_commit_callbacks, lang="fr")
    territory.beni_mellal.name_fr = "Béni-Mellal (ville)"
    territory.beni_mellal.save()
    Membership.objects.create(network=network, collectivity=territory.beni_mellal)

    after, _ = fetch(api, django_capture_on_commit_callbacks, lang="fr")

    assert before["name"] == "Béni Mellal"
    assert before["is_member"] is False
    assert after["name"] == "Béni-Mellal (ville)"
    assert after["is_member"] is True


def test_languages_are_cached_apart(
    api: APIClient,
    territory: Territory,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    arabic, _ = fetch(api, django_capture_on_commit_callbacks)
    french_header = api.get(URL, HTTP_ACCEPT_LANGUAGE="fr").json()
    french_param, _ = fetch(api, django_capture_on_commit_callbacks, lang="fr")

    assert arabic["name"] == "بني ملال"
    assert french_header["name"] == "Béni Mellal"
    assert french_param["name"] == "Béni Mellal"
