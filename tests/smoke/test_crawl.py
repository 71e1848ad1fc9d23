"""Smoke crawl: browse the whole site as a new user would, in Arabic, French and English.

On the real reference data (every collectivity, the network, the Béni Mellal 2023
process, the disclosure catalogue) plus a proposal with comments, a library PDF, an
upcoming meeting and an information request answered and published (see
``conftest.py``), four personas follow every same-site link from the home page (and
from every address that takes no argument, and every API list):

- anonymous, a verified citizen, the Béni Mellal commune's ADMIN, a network coordinator.

Checked: no response is a server error; no page, file or API answer seen by anonymous,
the citizen or the coordinator shows the requester's identity (law 09-08: only the
collectivity's handlers and the requester see it) nor another user's e-mail address;
what the staff see, replayed by anonymous and the citizen, never leaks either and the
staff-only pages refuse them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve
from django.urls.exceptions import Resolver404

from tests.smoke.conftest import IDENTITY_STRINGS, SmokeWorld
from tests.smoke.crawler import LANGUAGES, Visit, crawl, find_identity, links_of
from tests.smoke.forms import forms_of
from tests.smoke.helpers import MAX_PAGES, CrawlCache, client_for, crawl_as

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "citizen", "admin", "coordinator")
#: Personas that must never see the requester's identity (the admin handles requests).
OUTSIDERS = ("anonymous", "citizen", "coordinator")
#: Pages (by view name) that only staff may open: anonymous and the citizen get a
#: redirect to sign in, a 403 or a 404, never the page.
STAFF_VIEW = re.compile(
    r"^(access_info:(officer-.*|holidays|holiday-delete|disclosure-item-(add|edit|retire))"
    r"|meetings:(manage|create|edit|publish|cancel|agenda.*|group-.*|registrations.*"
    r"|registration-cancel-staff|attendance.*|minutes|document-delete)"
    r"|plans:(create|edit|publish|unpublish|transition|phase-.*|committee-edit|member-.*)"
    r"|proposals:(enter|answer|hide|unhide)"
    r"|publications:(manage|generate|edit|publish|unpublish)"
    r"|library:(upload|edit|set-published|good-practice-edit)"
    r"|comments:(moderation|hide|unhide|dismiss|report-dismiss))$"
)


@pytest.fixture(autouse=True)
def _quiet_request_log() -> Iterator[None]:
    """403s and 404s are expected by the thousand: keep their tracebacks out of the log."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="module")
def crawls() -> CrawlCache:
    """Crawl results of this module, by (language, persona): each crawl runs once."""
    return {}


def private_strings(world: SmokeWorld, persona: str) -> tuple[str, ...]:
    """What ``persona`` must never read: the requester's identity, and for anonymous
    and the citizen the other users' e-mail addresses too (coordinators organise
    meetings: they see the registrations, with e-mail addresses)."""
    if persona == "coordinator":
        return IDENTITY_STRINGS
    own = world.user(persona)
    emails = tuple(
        user.email
        for user in (world.citizen, world.admin, world.coordinator, world.requester)
        if user != own
    )
    return (*IDENTITY_STRINGS, *emails)


def describe(visits: list[Visit], extra: dict[str, Any] | None = None) -> str:
    lines = []
    for visit in visits:
        note = f" {extra[visit.url]}" if extra and visit.url in extra else ""
        lines.append(f"  {visit.status} {visit.url} (from {visit.referrer or 'start'}){note}")
    return "\n".join(lines)


def view_name(url: str) -> str:
    try:
        return resolve(url.partition("?")[0]).view_name
    except Resolver404:
        return ""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_is_a_server_error(
    smoke_world: SmokeWorld,
    crawls: CrawlCache,
    language: str,
    persona: str,
) -> None:
    result = crawl_as(smoke_world, crawls, language, persona)
    assert len(result.visits) > 40, "the crawl found almost nothing: is the site up?"
    errors = result.failures(lambda visit: visit.status >= 500)
    assert not errors, f"{len(errors)} server errors as {persona} in {language}:\n" + describe(
        errors
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_never_see_the_requesters_identity(
    smoke_world: SmokeWorld,
    crawls: CrawlCache,
    language: str,
    persona: str,
) -> None:
    result = crawl_as(smoke_world, crawls, language, persona)
    needles = private_strings(smoke_world, persona)
    found = {visit.url: find_identity(visit.body, needles) for visit in result.visits}
    leaks = [visit for visit in result.visits if found[visit.url]]
    assert not leaks, f"personal data shown to {persona} in {language}:\n" + describe(leaks, found)


def test_the_identity_check_finds_what_the_handler_sees(
    smoke_world: SmokeWorld, crawls: CrawlCache
) -> None:
    """The needles are right: the admin (a handler) reads the identity on the officer page."""
    result = crawl_as(smoke_world, crawls, "fr", "admin")
    reference = smoke_world.information_request.reference
    officer_page = f"/fr/information/officer/requests/{reference}/"
    visit = next((v for v in result.visits if v.url == officer_page), None)
    assert visit is not None and visit.status == 200, "the officer page was not reached"
    assert set(find_identity(visit.body, IDENTITY_STRINGS)) >= {
        "Qarmouchi-Smoketest",
        "QX918273",
        "impasse Tilleul",
    }


def test_staff_pages_replayed_by_outsiders(smoke_world: SmokeWorld, crawls: CrawlCache) -> None:
    """Every address the admin and the coordinator opened (in Arabic, the default
    language), requested by anonymous and the citizen: no server error, no personal
    data, no staff-only page."""
    language = "ar"
    urls = sorted(
        {
            visit.url
            for persona in ("admin", "coordinator")
            for visit in crawl_as(smoke_world, crawls, language, persona).visits
            if visit.status == 200
        }
    )
    problems = []
    for persona in ("anonymous", "citizen"):
        client = client_for(smoke_world, persona)
        needles = private_strings(smoke_world, persona)
        for url in urls:
            response = client.get(url)
            raw = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
            status = response.status_code
            if status >= 500:
                problems.append(f"  {persona}: {status} {url}")
                continue
            found = find_identity(raw.decode("utf-8", "replace"), needles)
            if found:
                problems.append(f"  {persona}: {status} {url} shows {found}")
            if status == 200 and STAFF_VIEW.match(view_name(url)):
                problems.append(f"  {persona}: 200 on the staff page {url}")
    assert not problems, "staff pages requested by outsiders:\n" + "\n".join(problems)


# --- Broken flows: pages a user needs but cannot reach by following links ------------------


def _reachable(world: SmokeWorld, persona: str, language: str, path: str) -> bool:
    """Whether ``path`` is linked from a page reached from ``/<language>/`` by links only."""
    result = crawl(client_for(world, persona), language=language, max_pages=MAX_PAGES)
    return any(visit.url.partition("?")[0] == path for visit in result.visits) or any(
        path in links_of(visit.body) for visit in result.visits
    )


@pytest.mark.xfail(
    strict=True,
    reason="BUG: the information officers' queue (/information/officer/) is linked from "
    "no page of the site (only from the Django admin and e-mails)",
)
def test_handler_reaches_the_officer_queue_by_links(smoke_world: SmokeWorld) -> None:
    assert _reachable(smoke_world, "admin", "fr", "/fr/information/officer/")


@pytest.mark.xfail(
    strict=True,
    reason="BUG: the holiday calendar (/information/holidays/) that coordinators correct "
    "is linked only from the officers' queue, which coordinators may not open",
)
def test_coordinator_reaches_the_holiday_calendar_by_links(smoke_world: SmokeWorld) -> None:
    assert _reachable(smoke_world, "coordinator", "fr", "/fr/information/holidays/")


@pytest.mark.xfail(
    strict=True,
    reason="BUG: a meeting's published press release, invitation and agenda are linked "
    "from no public page (the meeting page does not list them)",
)
def test_public_reaches_published_meeting_documents(smoke_world: SmokeWorld) -> None:
    client = Client(raise_request_exception=False)
    slug = "beni-mellal-2023-07-11-co-creation-workshop-2"
    published = f"/fr/publications/{slug}/press_release/fr/"
    assert client.get(published).status_code == 200, "the seed's press release is published"
    page = client.get(f"/fr/meetings/{slug}/").content.decode()
    assert any(href.startswith(f"/fr/publications/{slug}/") for href in links_of(page))


# --- Personal data in logs and e-mails ---------------------------------------------------------

NEW_IDENTITY = {
    "requester_name": "Hamza Logcheck-Unique",
    "id_document_kind": "national_id",
    "id_document_number": "ZT556677",
    "postal_address": "3 rue Logcheck, Béni Mellal",
    "phone": "0611223344",
}


def test_filing_a_request_logs_no_identity_and_mails_it_to_nobody_else(
    smoke_world: SmokeWorld,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    """A citizen files a request through the form; the handler opens it: the identity
    appears in no log record, and in no e-mail but the requester's and the handlers'."""
    caplog.set_level(logging.DEBUG)
    client = client_for(smoke_world, "citizen")
    page = "/fr/information/new/"
    form = next(f for f in forms_of(client.get(page).content.decode()) if "logout" not in f.action)
    body = {
        **form.defaults(),
        **NEW_IDENTITY,
        "collectivity": str(smoke_world.commune.pk),
        "subject": "Marchés publics 2025",
        "information_requested": "La liste des marchés publics de 2025.",
        "preferred_form": "electronic",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form.action or page, body)
    assert response.status_code == 302, "the request was not filed"
    reference = response["Location"].rstrip("/").split("/")[-2]
    officer_page = client_for(smoke_world, "admin").get(
        f"/fr/information/officer/requests/{reference}/"
    )
    assert "ZT556677" in officer_page.content.decode()
    needles = [value for key, value in NEW_IDENTITY.items() if key != "id_document_kind"]
    assert not find_identity(caplog.text, needles)
    allowed = {smoke_world.citizen.email, smoke_world.admin.email}
    for message in mailoutbox:
        if not set(message.to) <= allowed:
            assert not find_identity(message.body, needles), message.to
