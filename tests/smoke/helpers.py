"""Helpers shared by the smoke tests: a client per persona, one crawl per persona."""

from __future__ import annotations

from django.test import Client

from tests.smoke.conftest import SmokeWorld
from tests.smoke.crawler import CrawlResult, api_list_paths, crawl, parameterless_paths

#: Pages requested per persona and language, at most.
MAX_PAGES = 250

CrawlCache = dict[tuple[str, str], CrawlResult]


def client_for(world: SmokeWorld, persona: str) -> Client:
    """A test client signed in as ``persona`` (none for anonymous); errors become 500s."""
    client = Client(raise_request_exception=False)
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    return client


def crawl_as(world: SmokeWorld, crawls: CrawlCache, language: str, persona: str) -> CrawlResult:
    """Crawl the site in ``language`` as ``persona`` (once per ``crawls`` cache).

    Starts from ``/<language>/``, the seeded objects' pages, every address without
    arguments and every API list.
    """
    key = (language, persona)
    if key not in crawls:
        crawls[key] = crawl(
            client_for(world, persona),
            language=language,
            start=[
                *world.seed_paths(language),
                *parameterless_paths(language),
                *api_list_paths(),
            ],
            max_pages=MAX_PAGES,
        )
    return crawls[key]
