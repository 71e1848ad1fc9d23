"""The public-page cache middleware: what it stores, what it never serves."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from infitah.core.cache import (
    PublicPageCacheMiddleware,
    bump_content_version,
    current_content_version,
    mark_public,
)

pytestmark = pytest.mark.django_db


def _middleware(view_calls: list[int], *, public: bool = True, cookie: bool = False):
    def view(request: HttpRequest) -> HttpResponse:
        view_calls.append(1)
        response = HttpResponse(f"call {len(view_calls)}")
        if public:
            mark_public(response)
        if cookie:
            response.set_cookie("something", "1")
        return response

    return PublicPageCacheMiddleware(view)


def test_hit_serves_stored_bytes_without_calling_the_view(rf: RequestFactory) -> None:
    calls: list[int] = []
    middleware = _middleware(calls)
    first = middleware(rf.get("/ar/members/?q=x"))
    with CaptureQueriesContext(connection) as ctx:
        second = middleware(rf.get("/ar/members/?q=x"))
    assert calls == [1]
    assert second.content == first.content == b"call 1"
    assert len(ctx.captured_queries) == 1  # the content version only
    assert "Cookie" in second["Vary"]


def test_a_change_invalidates(rf: RequestFactory) -> None:
    calls: list[int] = []
    middleware = _middleware(calls)
    middleware(rf.get("/ar/"))
    before = current_content_version()
    bump_content_version()
    assert current_content_version() == before + 1
    assert middleware(rf.get("/ar/")).content == b"call 2"


def test_unmarked_and_cookie_setting_responses_are_not_stored(rf: RequestFactory) -> None:
    calls: list[int] = []
    unmarked = _middleware(calls, public=False)
    unmarked(rf.get("/ar/"))
    unmarked(rf.get("/ar/"))
    assert len(calls) == 2
    calls.clear()
    with_cookie = _middleware(calls, cookie=True)
    with_cookie(rf.get("/ar/"))
    with_cookie(rf.get("/ar/"))
    assert len(calls) == 2


def test_session_and_messages_cookies_bypass_the_cache(rf: RequestFactory) -> None:
    calls: list[int] = []
    middleware = _middleware(calls)
    middleware(rf.get("/ar/"))
    for cookie in ("sessionid", "messages"):
        request = rf.get("/ar/")
        request.COOKIES[cookie] = "x"
        middleware(request)
    assert len(calls) == 3


def test_language_neutral_paths_vary_on_accept_headers(rf: RequestFactory) -> None:
    calls: list[int] = []
    middleware = _middleware(calls)
    middleware(rf.get("/api/v1/", HTTP_ACCEPT_LANGUAGE="fr"))
    middleware(rf.get("/api/v1/", HTTP_ACCEPT_LANGUAGE="fr"))
    middleware(rf.get("/api/v1/", HTTP_ACCEPT_LANGUAGE="ar"))
    middleware(rf.get("/api/v1/", HTTP_ACCEPT="text/html"))
    assert len(calls) == 3


def test_post_is_never_cached(rf: RequestFactory) -> None:
    calls: list[int] = []
    middleware = _middleware(calls)
    middleware(rf.post("/ar/"))
    middleware(rf.post("/ar/"))
    assert len(calls) == 2


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)
def test_zero_seconds_turns_the_cache_off(rf: RequestFactory) -> None:
    calls: list[int] = []
    middleware = _middleware(calls)
    middleware(rf.get("/ar/"))
    middleware(rf.get("/ar/"))
    assert len(calls) == 2


def test_real_page_hit_costs_one_query(client: Client) -> None:
    client.get("/fr/territories/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/fr/territories/")
    assert response.status_code == 200
    assert len(ctx.captured_queries) == 1
