"""OpenAPI schema (valid, no generator warnings) and the documentation page (no CDN)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/",
    "/api/v1/collectivities/",
    "/api/v1/collectivities/{code}/",
    "/api/v1/members/",
    "/api/v1/network/",
    "/api/v1/network/{slug}/",
    "/api/v1/charter/",
    "/api/v1/charter/{charter_version}/",
]


class TestSchema:
    def test_schema_endpoint_serves_a_valid_openapi_3_document(self, api: APIClient) -> None:
        response = api.get("/api/schema/", {"format": "json"})

        assert response.status_code == 200
        schema = response.json()
        validate_schema(schema)  # raises on an invalid document
        assert schema["openapi"].startswith("3.")
        # Every foundation endpoint is documented; every documented path is versioned.
        assert set(ENDPOINTS) <= set(schema["paths"])
        assert all(path.startswith("/api/v1/") for path in schema["paths"])

    def test_schema_is_yaml_by_default(self, api: APIClient) -> None:
        response = api.get("/api/schema/")

        assert response.status_code == 200
        assert "openapi" in response["Content-Type"]
        assert response.content.startswith(b"openapi: 3.")

    def test_lists_document_pagination_filters_and_errors(self, api: APIClient) -> None:
        schema = api.get("/api/schema/", {"format": "json"}).json()
        operation = schema["paths"]["/api/v1/collectivities/"]["get"]
        parameters = {p["name"] for p in operation["parameters"]}
        page = schema["components"]["schemas"]["PaginatedCollectivityList"]

        assert {"kind", "region", "parent", "area_type", "is_member", "q", "ordering"} <= (
            parameters
        )
        assert {"page", "page_size", "lang"} <= parameters
        assert "count" in page["properties"]
        assert set(operation["responses"]) == {"200", "400", "404"}

    def test_generation_emits_no_warning(self, tmp_path: Path) -> None:
        """``manage.py spectacular --validate --fail-on-warn`` passes."""
        GENERATOR_STATS.reset()
        target = tmp_path / "schema.yaml"

        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

        assert not GENERATOR_STATS
        assert target.read_text().startswith("openapi: 3.")


class _Assets(HTMLParser):
    """Collects the addresses a page loads and its inline scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self.style_blocks = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            if values.get(name):
                self.urls.append(str(values[name]))
        self._in_script = tag == "script" and not values.get("src")
        if tag == "style":
            self.style_blocks += 1

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


class TestDocs:
    def test_page_loads_only_local_assets(self, api: APIClient) -> None:
        response = api.get("/api/docs/")

        assert response.status_code == 200
        html = response.content.decode()
        assets = _Assets()
        assets.feed(html)
        assert assets.urls, "the page should load Swagger UI"
        for url in assets.urls:
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, f"external asset: {url}"
        assert not re.search(r"(?i)\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html)
        assert "cdn" not in html.lower()
        assert assets.inline_scripts == []
        assert assets.style_blocks == 0

    def test_static_assets_exist(self, api: APIClient) -> None:
        assets = _Assets()
        assets.feed(api.get("/api/docs/").content.decode())
        static = [u for u in assets.urls if u.startswith("/static/")]

        assert {Path(u).name for u in static} >= {
            "swagger-ui.css",
            "swagger-ui-bundle.js",
            "swagger-ui-standalone-preset.js",
        }
        for url in static:
            assert finders.find(url.removeprefix("/static/")), f"missing static file {url}"

    def test_init_script_is_served_from_our_origin(self, api: APIClient) -> None:
        assets = _Assets()
        assets.feed(api.get("/api/docs/").content.decode())
        (script_url,) = [u for u in assets.urls if u.startswith("/api/docs/")]

        response = api.get(script_url)

        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/javascript")
        body = response.content.decode()
        assert "SwaggerUIBundle" in body
        assert '"/api/schema/"' in body
        # No badge from validator.swagger.io.
        assert '"validatorUrl": null' in body

    def test_docs_run_under_the_strict_site_policy(self, api: APIClient) -> None:
        """No 'unsafe-inline' anywhere: the page has no inline script or style block."""
        docs_policy = api.get("/api/docs/")["Content-Security-Policy"]
        script_policy = api.get("/api/docs/", {"script": ""})["Content-Security-Policy"]
        site_policy = api.get("/api/v1/")["Content-Security-Policy"]

        def directives(policy: str) -> dict[str, str]:
            parts = [d.strip().split(" ", 1) for d in policy.split(";") if d.strip()]
            return {name: value for name, value in parts}

        for policy in (docs_policy, script_policy):
            assert directives(policy) == directives(site_policy)
            assert directives(policy)["script-src"] == "'self'"
            assert directives(policy)["style-src"] == "'self'"
            assert "unsafe" not in policy
