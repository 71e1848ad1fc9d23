"""A small same-site crawler over Django's test client, for the smoke tests.

It starts from a few paths, follows every ``<a href>`` and redirect that stays on the
site and in the crawl's language (``/api/`` is language-neutral and followed too), and
records each response's status. To stay fast on the real reference data (1,500+
collectivities), it dedupes:

- by route: at most ``per_route`` different paths per URL pattern (e.g. three
  collectivity pages, not 1,500);
- by query string: at most ``per_path_queries`` variants of the same path;

and stops after ``max_pages`` requests. Skipped: ``/admin/``, anything with "logout"
in it, heavy downloads (generated PDFs), links to other languages, ``mailto:`` etc.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import translation

LANGUAGES = ("ar", "fr", "en")
#: Paths never requested (prefix or substring match, see :func:`is_skipped`).
SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/i18n/")  # after the language prefix
SKIP_SUBSTRINGS = ("logout", "/pdf/", "/api/schema/")
#: Hosts the test client answers as the site itself.
SITE_HOSTS = {"", "testserver", "localhost", "127.0.0.1"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Links to the site in a JSON body (API answers give absolute URLs).
JSON_LINK = re.compile(r'"(https?://testserver/[^"\s]*)"')
#: Content types whose body is read as text (pages, API, CSV, iCalendar).
TEXT_TYPES = re.compile(r"text/|application/(json|xml|problem\+json|vnd\.oai)")


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            for name, value in attrs:
                if name == "href" and value:
                    self.links.append(value.strip())


def xlsx_text(data: bytes) -> str:
    """The XML of every part of an XLSX file (cells, shared strings), to search in."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    except zipfile.BadZipFile:
        return ""


def links_of(html: str) -> list[str]:
    """Every ``<a href>`` value of an HTML page, in order."""
    parser = _LinkParser()
    parser.feed(html)
    return parser.links


def is_skipped(path: str, language: str) -> bool:
    """Whether the crawl of ``language`` must not request ``path``."""
    if any(s in path for s in SKIP_SUBSTRINGS):
        return True
    first, _, rest = path.lstrip("/").partition("/")
    if first in LANGUAGES:
        if first != language:
            return True
        path = "/" + rest
    return path.startswith(SKIP_PREFIXES)


def route_of(path: str) -> str:
    """The URL pattern ``path`` resolves to (its route), or the path itself."""
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return match.route or match.view_name or path


@dataclass
class Visit:
    url: str
    status: int
    referrer: str
    content_type: str
    body: str


@dataclass
class CrawlResult:
    visits: list[Visit] = field(default_factory=list)
    truncated: bool = False

    def failures(self, predicate: Callable[[Visit], bool]) -> list[Visit]:
        return [visit for visit in self.visits if predicate(visit)]

    def urls_with_status(self, *statuses: int) -> list[str]:
        return [visit.url for visit in self.visits if visit.status in statuses]


def normalise(href: str, base: str) -> str | None:
    """The site-relative URL of ``href`` found on ``base``, or ``None`` if off-site."""
    if href.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
        return None
    absolute, _fragment = urldefrag(urljoin(f"http://testserver{base}", href))
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.hostname not in SITE_HOSTS:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(
    client: Client,
    *,
    language: str,
    start: Iterable[str] = (),
    max_pages: int = 250,
    per_route: int = 3,
    per_path_queries: int = 3,
) -> CrawlResult:
    """Crawl the site from ``/<language>/`` (and ``start``) with ``client``.

    Returns every response met (status, referrer, content type and, for text
    responses, the decoded body).
    """
    result = CrawlResult()
    queue: deque[tuple[str, str]] = deque()
    queued: set[str] = set()
    route_paths: dict[str, set[str]] = {}
    path_queries: Counter[str] = Counter()

    def push(url: str, referrer: str) -> None:
        if url in queued:
            return
        path, _, query = url.partition("?")
        if is_skipped(path, language):
            return
        route = route_of(path)
        paths = route_paths.setdefault(route, set())
        if path not in paths:
            if len(paths) >= per_route:
                return
            paths.add(path)
        if query:
            if path_queries[path] >= per_path_queries:
                return
            path_queries[path] += 1
        queued.add(url)
        queue.append((url, referrer))

    push(f"/{language}/", "")
    for url in start:
        push(url, "(start)")
    while queue:
        if len(result.visits) >= max_pages:
            result.truncated = True
            break
        url, referrer = queue.popleft()
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        # Reading a streaming answer to its end closes it; never call close() here:
        # it would fire request_finished and close the test's database connection.
        raw = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.streaming
            else response.content
        )
        body = ""
        if TEXT_TYPES.match(content_type):
            body = raw.decode(response.charset or "utf-8", "replace")
        elif content_type.startswith(XLSX_TYPE):
            body = xlsx_text(raw)
        result.visits.append(Visit(url, response.status_code, referrer, content_type, body))
        if response.status_code in (301, 302, 303, 307, 308):
            target = normalise(response["Location"], url)
            if target:
                push(target, url)
            continue
        if response.status_code != 200:
            continue
        if content_type.startswith("text/html"):
            hrefs = links_of(body)
        elif "json" in content_type:
            hrefs = JSON_LINK.findall(body)
        else:
            hrefs = []
        for href in hrefs:
            target = normalise(href, url)
            if target:
                push(target, url)
    return result


def find_identity(body: str, needles: Iterable[str]) -> list[str]:
    """The needles found in ``body`` (case-insensitive), in order."""
    folded = body.casefold()
    return [needle for needle in needles if needle.casefold() in folded]


def _walk(patterns: Iterable[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        else:
            yield route


def parameterless_paths(language: str) -> list[str]:
    """Every page address of the site that takes no argument, in ``language``.

    These start the crawl next to ``/<language>/``, so pages that no link reaches
    (and that a new user may still be sent to, e.g. by an e-mail) are requested too.
    Regular-expression routes (the API's ``v1``) are left to :func:`api_list_paths`.
    """
    with translation.override(language):
        routes = list(_walk(get_resolver().url_patterns, "/"))
    return [
        route
        for route in routes
        if not any(char in route for char in "<>^$()[]?*+\\") and not is_skipped(route, language)
    ]


def api_list_paths() -> list[str]:
    """The list endpoint of every API viewset registered on the router."""
    from infitah.api.urls import router

    return [f"/api/v1/{prefix}/" for prefix, _viewset, _basename in router.registry]
