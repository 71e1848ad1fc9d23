"""Bad input: junk query strings on every list, junk bodies on the main forms.

Never a server error. Pages answer 200 (the filter ignored or an error shown), a
redirect or a 4xx; the API answers 200 or a 4xx with the project's error body
(``{"error": {"status", "code", "detail"}}``, :mod:`infitah.api.exceptions`); a
refused form writes nothing.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client

from infitah.access_info.models import InformationRequest
from infitah.comments.models import Comment
from infitah.library.models import Document
from infitah.meetings.models import Registration
from infitah.proposals.models import Proposal
from tests.smoke.conftest import SmokeWorld
from tests.smoke.crawler import api_list_paths
from tests.smoke.forms import JUNK_VALUES, RLO, Form, forms_of
from tests.smoke.helpers import CrawlCache, client_for, crawl_as

pytestmark = pytest.mark.django_db

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
ON_SQLITE = "sqlite" in settings.DATABASES["default"]["ENGINE"]


@dataclass(frozen=True)
class KnownBug:
    """A product bug these probes found: its addresses are left out of the sweeping
    tests (so they stay green and catch new bugs) and get a strict xfail of their own."""

    persona: str
    url: str  # one address that shows it
    pattern: str  # every address (regular expression) that is this bug
    postgres_only: bool
    reason: str

    def matches(self, url: str) -> bool:
        return re.match(self.pattern, url) is not None


_NUL_QUERY = "PostgreSQL DataError (NUL byte in a text lookup) on a NUL in ?{param}="
_NUL_LOOKUP = "PostgreSQL DataError (NUL byte in a text lookup) on a NUL in the detail address"
#: Bugs these probes found, now fixed (NUL characters: core.middleware; the '²' id:
#: access_info.api_public): kept as regression tests below, swept like any address.
FIXED_BUGS = (
    KnownBug(
        "anonymous",
        "/api/v1/proposals/?principle=%00",
        r"^/api/v1/proposals/\?(.*&)?principle=[^&]*%00",
        True,
        _NUL_QUERY.format(param="principle") + ": proposals/api.py:113",
    ),
    KnownBug(
        "admin",
        "/api/v1/manage/agenda-items/?meeting=%00",
        r"^/api/v1/manage/agenda-items/\?(.*&)?meeting=[^&]*%00",
        True,
        _NUL_QUERY.format(param="meeting") + ": meetings/api.py:449",
    ),
    KnownBug(
        "admin",
        "/api/v1/manage/attendance/?meeting=%00",
        r"^/api/v1/manage/attendance/\?(.*&)?meeting=[^&]*%00",
        True,
        _NUL_QUERY.format(param="meeting") + ": meetings/api.py:449",
    ),
    KnownBug(
        "admin",
        "/api/v1/officer-requests/?collectivity=%00",
        r"^/api/v1/officer-requests/\?(.*&)?collectivity=[^&]*%00",
        True,
        _NUL_QUERY.format(param="collectivity") + ": access_info/api.py:529-533",
    ),
    KnownBug(
        "anonymous",
        "/api/v1/disclosure-items/%C2%B2/",
        r"^/api/v1/disclosure-items/%C2%B2/",
        False,
        "ValueError: '²'.isdigit() is True but int('²') fails: access_info/api_public.py:645-647",
    ),
    *(
        KnownBug(
            "anonymous",
            f"/api/v1/{prefix}/%00/",
            rf"^/api/v1/{prefix}/[^/?]*%00",
            True,
            f"{_NUL_LOOKUP}: {where}",
        )
        for prefix, where in (
            ("network", "api/views.py:253-257 (no lookup_value_regex)"),
            ("charter", "api/views.py:318-333 (lookup_value_regex [^/]+)"),
            ("commitments", "plans/api.py:673-674 (lookup_value_regex [^/]+)"),
            ("documents", "library/api.py:222 (no lookup_value_regex)"),
            ("good-practices", "library/api.py:311 (no lookup_value_regex)"),
        )
    ),
)


#: Bugs found and not fixed yet (each with a strict xfail).
KNOWN_BUGS: tuple[KnownBug, ...] = ()


def is_known_bug(url: str) -> bool:
    return any(bug.matches(url) for bug in KNOWN_BUGS)


#: Query strings every list gets, whatever its filters.
PAGE_PROBES = (
    "page=abc",
    "page=-1",
    "page=0",
    "page=999999",
    "page=99999999999999999999999",
    "page=1.5",
    "q=" + "x" * 10_000,
    "q=%00",
    "q=abc%00def",
    "q=" + "%E2%80%AE" + "gnp.exe",  # U+202E
    "q=%FF%FE",  # not UTF-8
    "q=%25",
    "q=*",
    "q=\"'",
    "page=1&page=2",
    "format=zz",
    "ordering=zz",
    "sort=zz",
    "year=zz",
    "year=99999999",
    "year=-5",
    "limit=-1",
    "limit=99999999999999999999",
    "offset=zz",
    "page_size=100000",
)


@pytest.fixture(autouse=True)
def _quiet_request_log() -> Iterator[None]:
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def get_forms(client: Client, path: str) -> list[Form]:
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    return forms_of(response.content.decode())


def filter_names(client: Client, path: str) -> list[str]:
    """The names of the GET forms' fields on ``path`` (its filters)."""
    names: list[str] = []
    for form in get_forms(client, path):
        if form.method == "get":
            names += [n for n in form.names() if n not in names]
    return names


def junk_queries(names: list[str]) -> list[str]:
    queries = list(PAGE_PROBES)
    for name in names:
        queries += [urlencode({name: value}) for value in JUNK_VALUES]
        queries.append(f"{name}=%00")
        queries.append(urlencode([(name, "a"), (name, "b")]))
    return queries


def server_errors(client: Client, path: str, queries: list[str]) -> list[str]:
    errors = []
    for query in queries:
        url = f"{path}?{query}"
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if response.status_code >= 500:
            errors.append(f"  {response.status_code} {url[:160]}")
    return errors


def public_lists(world: SmokeWorld) -> list[str]:
    collectivity = world.commune.slug
    return [
        "/fr/",
        "/fr/members/",
        "/fr/territories/",
        "/fr/plans/",
        f"/fr/plans/collectivity/{collectivity}/",
        "/fr/meetings/",
        "/ar/meetings/calendar.ics",
        f"/fr/meetings/calendar/{collectivity}.ics",
        "/fr/proposals/",
        f"/fr/proposals/plan/{world.plan.slug}/",
        "/fr/information/register/",
        "/fr/information/register/export/",
        "/fr/information/statistics/",
        "/fr/information/statistics/export/",
        f"/fr/information/statistics/{collectivity}/",
        f"/fr/information/statistics/{collectivity}/export/",
        "/fr/information/disclosure/",
        f"/fr/information/disclosure/{collectivity}/",
        "/ar/library/",
        f"/en/territories/{collectivity}/",
        f"/fr/proposals/{world.proposal.slug}/",
        f"/fr/meetings/{world.meeting.slug}/",
        f"/fr/plans/{world.plan.slug}/",
    ]


#: Lists of signed-in people: (persona, path).
PRIVATE_LISTS = (
    ("citizen", "/fr/meetings/my-registrations/"),
    ("citizen", "/fr/information/my/"),
    ("admin", "/fr/information/officer/"),
    ("admin", "/fr/meetings/manage/"),
    ("admin", "/fr/comments/moderation/"),
    ("coordinator", "/fr/information/holidays/"),
)


def test_public_lists_survive_junk_queries(smoke_world: SmokeWorld) -> None:
    client = Client(raise_request_exception=False)
    errors: list[str] = []
    for path in public_lists(smoke_world):
        names = filter_names(client, path) if not path.endswith((".ics", "/export/")) else []
        errors += server_errors(client, path, junk_queries(names))
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(errors)


@pytest.mark.parametrize(("persona", "path"), PRIVATE_LISTS)
def test_private_lists_survive_junk_queries(
    smoke_world: SmokeWorld, persona: str, path: str
) -> None:
    client = client_for(smoke_world, persona)
    errors = server_errors(client, path, junk_queries(filter_names(client, path)))
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(errors)


# --- API -------------------------------------------------------------------------------


def api_query_names(client: Client) -> dict[str, list[str]]:
    """Query parameter names of every GET list path, from the OpenAPI schema."""
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    names: dict[str, list[str]] = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path.replace("{version}", ""):
            continue
        params = [p["name"] for p in get.get("parameters", []) if p.get("in") == "query"]
        names[path.replace("{version}", "v1")] = params
    return names


def api_problems(client: Client, path: str, queries: list[str]) -> list[str]:
    problems = []
    for query in queries:
        url = f"{path}?{query}"
        if is_known_bug(url):
            continue
        response = client.get(url, HTTP_ACCEPT="application/json")
        status = response.status_code
        if status >= 500:
            problems.append(f"  {status} {url[:160]}")
        elif 400 <= status < 500:
            try:
                error = json.loads(response.content)["error"]
                assert error["status"] == status and error["code"] and error["detail"]
            except (ValueError, KeyError, TypeError, AssertionError):
                problems.append(
                    f"  {status} {url[:160]} without the error body: {response.content[:120]!r}"
                )
    return problems


@pytest.mark.parametrize("persona", ["anonymous", "admin"])
def test_api_lists_survive_junk_queries(smoke_world: SmokeWorld, persona: str) -> None:
    client = client_for(smoke_world, persona)
    names = api_query_names(client)
    problems: list[str] = []
    for path in api_list_paths():
        problems += api_problems(client, path, junk_queries(names.get(path, [])))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


# --- POST forms --------------------------------------------------------------------------


def count(model: type[Model]) -> int:
    return model._default_manager.count()


#: A junk body sent to a form: (label, body, must_refuse). Bodies that may be valid
#: (e.g. "zz-unknown" as a title) are sent for the server-error check only.
Variant = tuple[str, dict[str, Any], bool]


def post_form_variants(form: Form, *, with_known_bugs: bool = False) -> list[Variant]:
    """Bodies a careless or hostile client sends to ``form`` (without the variants that
    are known bugs on this database, unless ``with_known_bugs``)."""
    defaults = form.defaults()
    skipped = ("hidden", "submit", "checkbox", "radio", "file", "button", "select", "image")
    text_names = [f.name for f in form.fields if f.name and f.kind not in skipped]
    multiple_choices = list(dict.fromkeys(f.name for f in form.fields if f.name and f.multiple))
    single_choices = list(
        dict.fromkeys(
            f.name
            for f in form.fields
            if f.name and f.kind in ("select", "radio") and f.name not in multiple_choices
        )
    )
    huge = "99999999999999999999999"

    def every(value: str, names: list[str] = text_names) -> dict[str, Any]:
        return {**defaults, **{name: value for name in names}}

    variants: list[Variant] = [
        ("no fields", {}, True),
        ("only a token", {"csrfmiddlewaretoken": "x"}, True),
        ("blank fields", every(""), True),
        ("blanks only", every("   \t\n "), True),
        ("200,000 characters", every("x" * 200_000), True),
        ("bidi override only", every(RLO), True),
        ("NUL only", every("\x00"), True),
        ("NUL inside", every("a\x00b"), False),
        ("unknown choice", every("zz-unknown"), False),
        ("huge number", every(huge), False),
    ]
    if single_choices:
        variants.append(("huge choices", every(huge, single_choices), True))
        variants.append(("junk choices", every("zz", single_choices), True))
        variants.append(("NUL choices", every("a\x00b", single_choices), True))
    if multiple_choices:
        variants.append(("junk multiple choices", every("zz", multiple_choices), True))
        variants.append(("NUL multiple choices", every("a\x00b", multiple_choices), True))
        if with_known_bugs or not ON_SQLITE:  # a server error on SQLite: KNOWN_FORM_BUGS
            variants.append(("huge multiple choices", every(huge, multiple_choices), True))
    for f in form.fields:
        if f.kind == "hidden" and f.name != "csrfmiddlewaretoken":
            for junk in ("", "zz", "-1", huge, "a\x00b"):
                variants.append((f"{f.name}={junk!r}", {**defaults, f.name: junk}, True))
    return variants


def post_problems(
    client: Client, action: str, variants: list[Variant], models: list[type[Model]]
) -> list[str]:
    """Server errors, and rows written by the bodies that must be refused."""
    problems = []
    for label, body, must_refuse in variants:
        before = [count(model) for model in models]
        response = client.post(action, body)
        if response.status_code >= 500:
            problems.append(f"  {response.status_code} POST {action} ({label})")
        after = [count(model) for model in models]
        if must_refuse and after != before:
            problems.append(
                f"  POST {action} ({label}) was refused but wrote rows: {before} -> {after}"
            )
    return problems


def the_form(forms: list[Form], action_part: str, page: str) -> Form:
    """The POST form of ``page`` whose action contains ``action_part`` (an empty action
    posts to the page itself)."""
    for form in forms:
        form.action = form.action or page
    found = [f for f in forms if f.method == "post" and action_part in f.action]
    assert found, f"no POST form with {action_part!r} in its action"
    return found[0]


def test_proposal_form_refuses_junk(smoke_world: SmokeWorld) -> None:
    client = client_for(smoke_world, "citizen")
    path = f"/fr/proposals/plan/{smoke_world.plan.slug}/new/"
    form = the_form(get_forms(client, path), "/new/", path)
    problems = post_problems(client, form.action, post_form_variants(form), [Proposal])
    assert not problems, "\n".join(problems)


def test_comment_form_refuses_junk(smoke_world: SmokeWorld) -> None:
    client = client_for(smoke_world, "citizen")
    page = f"/fr/proposals/{smoke_world.proposal.slug}/"
    form = the_form(get_forms(client, page), "/comments/new/", page)
    variants = post_form_variants(form)
    # A reply to a comment of another item, to a missing one, or deep junk ids.
    defaults = form.defaults()
    junk_fields: list[dict[str, str]] = [
        {"parent": "999999"},
        {"target_type": "accounts.user", "target_id": "1"},
        {"target_type": "access_info.informationrequest", "target_id": "1"},
        {"target_type": "zz", "target_id": "zz"},
        {"target_id": "99999999999999999999999"},
        {"parent": "99999999999999999999999"},
        {"organisation": "99999999999999999999999"},
        {"organisation": "zz"},
    ]
    variants += [(str(junk), {**defaults, "body": "ok", **junk}, True) for junk in junk_fields]
    problems = post_problems(client, form.action, variants, [Comment])
    assert not problems, "\n".join(problems)


def test_information_request_form_refuses_junk(smoke_world: SmokeWorld) -> None:
    client = client_for(smoke_world, "citizen")
    path = "/fr/information/new/"
    form = the_form(get_forms(client, path), path, path)
    problems = post_problems(client, form.action, post_form_variants(form), [InformationRequest])
    assert not problems, "\n".join(problems)


def test_meeting_registration_refuses_junk(smoke_world: SmokeWorld) -> None:
    """The citizen is already registered: a second POST, junk or not, adds nothing."""
    client = client_for(smoke_world, "citizen")
    path = f"/fr/meetings/{smoke_world.meeting.slug}/register/"
    variants: list[Variant] = [
        ("again", {}, True),
        ("organisation zz", {"organisation": "zz"}, True),
        ("huge organisation", {"organisation": "99999999999999999999999"}, True),
        ("NUL organisation", {"organisation": "a\x00b"}, True),
        ("two organisations", {"organisation": ["1", "2"]}, True),
    ]
    problems = post_problems(client, path, variants, [Registration])
    # A past meeting, a missing one; anonymous.
    for slug in ("beni-mellal-2023-07-11-co-creation-workshop-2", "no-such-meeting"):
        problems += post_problems(
            client, f"/fr/meetings/{slug}/register/", [(slug, {}, True)], [Registration]
        )
    anonymous = Client(raise_request_exception=False)
    problems += post_problems(anonymous, path, [("anonymous", {}, True)], [Registration])
    assert not problems, "\n".join(problems)


def test_library_upload_refuses_junk(smoke_world: SmokeWorld) -> None:
    client = client_for(smoke_world, "admin")
    path = "/fr/library/upload/"
    form = the_form(get_forms(client, path), path, path)
    variants = post_form_variants(form)
    defaults = form.defaults()
    file_names = [f.name for f in form.fields if f.kind == "file"]
    for name in file_names:
        files = {
            "not a PDF": ("x.pdf", b"not a pdf at all"),
            "a program": ("x.exe", b"MZ\x90\x00" + b"\x00" * 100),
            "empty file": ("empty.pdf", b""),
            "NUL in name": ("a\x00b.pdf", b"%PDF-1.4\n%%EOF"),
            "long name": ("x" * 300 + ".pdf", b"%PDF-1.4\n%%EOF"),
            "HTML as PDF": ("page.pdf", b"<html><script>alert(1)</script></html>"),
        }
        variants += [
            (label, {**defaults, name: SimpleUploadedFile(filename, content)}, True)
            for label, (filename, content) in files.items()
        ]
    problems = post_problems(client, form.action, variants, [Document])
    assert not problems, "\n".join(problems)


# --- Junk in the address itself -------------------------------------------------------------

#: Values put where an address expects a slug, a reference, a code or a number.
PATH_JUNK = (
    "%00",
    "a%00b",
    "99999999999999999999999",
    "-1",
    "%E2%80%AE",
    "x" * 300,
    "%FF",
    "..%2F..%2Fetc",
    "%20",
    "%C2%B2",  # a superscript two: a digit to str.isdigit(), not to int()
)
#: Site addresses with one variable part (``{}``), in French.
PATH_TEMPLATES = (
    "/fr/information/register/{}/",
    "/fr/information/register/{}/export/",
    "/fr/information/register/{}/documents/1/",
    "/fr/information/statistics/{}/",
    "/fr/information/statistics/{}/export/",
    "/fr/information/disclosure/{}/",
    "/fr/information/disclosure/{}/add/",
    "/fr/information/my/{}/",
    "/fr/information/my/{}/receipt/",
    "/fr/information/officer/requests/{}/",
    "/fr/information/officer/requests/{}/start/",
    "/fr/meetings/calendar/{}.ics",
    "/fr/network/charter/{}/",
    "/fr/territories/{}/",
    "/fr/plans/{}/",
    "/fr/meetings/{}/",
    "/fr/proposals/{}/",
    "/fr/library/{}/",
    "/fr/library/{}/download/",
    "/fr/publications/{}/agenda/fr/",
)


@pytest.mark.parametrize("persona", ["anonymous", "admin"])
def test_junk_in_addresses(smoke_world: SmokeWorld, persona: str) -> None:
    client = client_for(smoke_world, persona)
    templates = [*PATH_TEMPLATES, *(f"{path}{{}}/" for path in api_list_paths())]
    problems = []
    for template in templates:
        for junk in PATH_JUNK:
            url = template.format(junk)
            if is_known_bug(url):
                continue
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.status_code >= 500:
                problems.append(f"  {response.status_code} {url[:160]}")
    assert not problems, f"{len(problems)} server errors:\n" + "\n".join(problems)


@pytest.mark.parametrize("bug", FIXED_BUGS, ids=[bug.url for bug in FIXED_BUGS])
def test_known_bug(smoke_world: SmokeWorld, bug: KnownBug) -> None:
    """Each bug found and fixed, on its own: a 4xx (the API's error body), never a 5xx."""
    response = client_for(smoke_world, bug.persona).get(bug.url)
    assert response.status_code < 500
    if bug.url.startswith("/api/") and response.status_code >= 400:
        assert json.loads(response.content)["error"]["status"] == response.status_code


# --- Every POST form the crawl meets ----------------------------------------------------------


@dataclass(frozen=True)
class KnownFormBug:
    """A form that answers "huge multiple choices" with a server error on SQLite."""

    persona: str
    page: str  # showing the form; {plan}, {document}, {reference}: the seeded objects
    action_part: str  # in the form's action
    reason: str


_HUGE_PK = (
    "OverflowError on SQLite: a 23-digit id in a ModelMultipleChoiceField reaches the "
    "`pk__in` query of Django's _check_values"
)
KNOWN_FORM_BUGS = (
    KnownFormBug("citizen", "/fr/proposals/plan/{plan}/new/", "/new/", "principles"),
    KnownFormBug("admin", "/fr/proposals/plan/{plan}/enter/", "/enter/", "principles"),
    KnownFormBug("admin", "/fr/library/upload/", "/upload/", "principles, library/forms.py:54"),
    KnownFormBug(
        "admin", "/fr/library/{document}/edit/", "/edit/", "principles, library/forms.py:54"
    ),
    KnownFormBug(
        "admin",
        "/fr/information/officer/requests/{reference}/",
        "/publish/",
        "public_documents, access_info/forms.py:350",
    ),
    KnownFormBug(
        "admin",
        "/fr/meetings/new/",
        "/new/",
        "participating_organisations, meetings/forms.py:199",
    ),
    KnownFormBug(
        "admin",
        "/fr/meetings/smoke-upcoming-workshop/edit/",
        "/edit/",
        "participating_organisations, meetings/forms.py:199",
    ),
    KnownFormBug(
        "admin",
        "/fr/plans/{plan}/commitments/new/",
        "/commitments/new/",
        "cso_partners and proposals, plans/commitment_forms.py",
    ),
)


def _view_name(url: str) -> str:
    from django.urls import resolve
    from django.urls.exceptions import Resolver404

    try:
        return resolve(url.partition("?")[0]).view_name
    except Resolver404:
        return ""


class _Rollback(Exception):
    """Undo what one junk POST wrote, so the next starts from the same data."""


@pytest.fixture(scope="module")
def crawls() -> CrawlCache:
    return {}


@pytest.mark.parametrize("persona", ["citizen", "admin", "coordinator"])
def test_every_form_met_survives_junk(
    smoke_world: SmokeWorld, crawls: CrawlCache, persona: str
) -> None:
    """Each POST form met while crawling (one per view), with junk bodies: no 500."""
    from django.db import transaction

    forms: dict[str, Form] = {}
    for visit in crawl_as(smoke_world, crawls, "fr", persona).visits:
        if visit.status != 200 or not visit.content_type.startswith("text/html"):
            continue
        for form in forms_of(visit.body):
            form.action = form.action or visit.url
            view = _view_name(form.action)
            if form.method == "post" and view and "logout" not in view:
                forms.setdefault(view, form)
    assert len(forms) > (10 if persona == "citizen" else 30)
    client = client_for(smoke_world, persona)
    problems = []
    for view, form in sorted(forms.items()):
        for label, body, _must_refuse in post_form_variants(form):
            if label in ("only a token", "NUL inside", "blanks only"):
                continue
            try:
                with transaction.atomic():
                    status = client.post(form.action, body).status_code
                    raise _Rollback
            except _Rollback:
                pass
            if status >= 500:
                problems.append(f"  {status} POST {form.action} ({view}, {label})")
    assert not problems, f"{len(problems)} server errors:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "bug",
    [
        pytest.param(
            bug,
            id=bug.page.removeprefix("/fr/"),
            marks=pytest.mark.xfail(
                condition=ON_SQLITE, strict=True, reason=f"BUG: {_HUGE_PK}: {bug.reason}"
            ),
        )
        for bug in KNOWN_FORM_BUGS
    ],
)
def test_known_form_bug(smoke_world: SmokeWorld, bug: KnownFormBug) -> None:
    """A 23-digit id in a multiple choice is refused like any unknown id (on PostgreSQL
    it is today; on SQLite it is a server error)."""
    client = client_for(smoke_world, bug.persona)
    page = bug.page.format(
        plan=smoke_world.plan.slug,
        document=smoke_world.document.slug,
        reference=smoke_world.information_request.reference,
    )
    form = the_form(get_forms(client, page), bug.action_part, page)
    variants = post_form_variants(form, with_known_bugs=True)
    body = next(body for label, body, _ in variants if label == "huge multiple choices")
    assert client.post(form.action, body).status_code < 500


@pytest.mark.parametrize(
    "url", ["/api/v1/no-such-endpoint/", "/api/v1/proposals/not%20a%20key/", "/api/v2/"]
)
def test_unknown_api_address_answers_the_error_body(smoke_world: SmokeWorld, url: str) -> None:
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 404
    assert json.loads(response.content)["error"]["code"] == "not_found"
