"""infitah.core.links: the one rule for absolute links in e-mails written by tasks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.sites.models import Site
from pytest_django import Settings

from infitah.core.links import absolute_url, site_base_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_domain() -> Iterator[str]:
    site = Site.objects.get_current()
    site.domain = "infitah.test"
    site.save()  # clears the Site cache (a signal)
    yield site.domain
    Site.objects.clear_cache()  # the rollback restores the row, not the cache


def test_the_declared_site_url_wins(settings: Settings, site_domain: str) -> None:
    settings.INFITAH_SITE_URL = "https://infitah.example.org/"
    assert site_base_url() == "https://infitah.example.org"
    assert absolute_url("/fr/plans/x/") == "https://infitah.example.org/fr/plans/x/"


def test_else_the_sites_domain_with_https(settings: Settings, site_domain: str) -> None:
    settings.INFITAH_SITE_URL = ""
    settings.DEBUG = False
    assert absolute_url("/ar/meetings/m/") == "https://infitah.test/ar/meetings/m/"


def test_plain_http_in_development(settings: Settings, site_domain: str) -> None:
    settings.INFITAH_SITE_URL = ""
    settings.DEBUG = True
    assert absolute_url("/en/") == "http://infitah.test/en/"


def test_paths_without_slash_and_full_addresses(settings: Settings) -> None:
    settings.INFITAH_SITE_URL = "https://infitah.example.org"
    assert absolute_url("fr/") == "https://infitah.example.org/fr/"
    assert absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"
