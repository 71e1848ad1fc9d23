"""Proactive disclosure (article 10): catalogue loader, items, overdue flags, coverage,
pages, uploads and the permission matrix of the staff views."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from infitah.access_info.disclosure import (
    add_months,
    check_upload,
    coverage_percent,
    is_overdue,
    next_update_due_on,
)
from infitah.access_info.models import DisclosureCategory, DisclosureItem
from infitah.access_info.selectors import disclosure_catalogue, disclosure_coverage
from infitah.access_info.services_public import (
    CATEGORIES_PATH,
    disclosure_categories_load,
    disclosure_item_create,
    disclosure_item_retire,
)
from infitah.accounts.models import CollectivityRole, OrganisationRepresentative, User
from infitah.network.models import Network
from infitah.territories.models import Collectivity
from tests import factories
from tests.access_info.factories_public import (
    DisclosureCategoryFactory,
    DisclosureItemFactory,
    local,
    media_root,  # noqa: F401 - fixture
    uncached,  # noqa: F401 - fixture
)
from tests.sample_map import count_queries

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# ===================================================================== pure rules
@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 11, 15), 3, datetime.date(2027, 2, 15)),
        (datetime.date(2026, 3, 1), 12, datetime.date(2027, 3, 1)),
        (datetime.date(2026, 3, 1), 0, datetime.date(2026, 3, 1)),
    ],
)
def test_add_months(day: datetime.date, months: int, expected: datetime.date) -> None:
    assert add_months(day, months) == expected


def test_next_update_and_overdue() -> None:
    published = datetime.date(2026, 1, 15)
    assert next_update_due_on(published, 3) == datetime.date(2026, 4, 15)
    assert next_update_due_on(published, 0) is None
    due = datetime.date(2026, 4, 15)
    assert not is_overdue(is_current=True, next_update_due_on=due, today=due)
    assert is_overdue(is_current=True, next_update_due_on=due, today=datetime.date(2026, 4, 16))
    assert not is_overdue(is_current=False, next_update_due_on=due, today=datetime.date(2027, 1, 1))
    assert not is_overdue(is_current=True, next_update_due_on=None, today=datetime.date(2099, 1, 1))
    assert coverage_percent(1, 3) == 33
    assert coverage_percent(2, 3) == 67
    assert coverage_percent(0, 0) is None


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("budget.pdf", PDF, None),
        ("photo.png", PNG, None),
        ("figures.csv", "année;montant\n2026;12\n".encode(), None),
        ("budget.PDF", PDF, None),
        ("fake.pdf", b"<html><script>alert(1)</script></html>", "content"),
        ("program.pdf", b"MZ\x90\x00" + b"\x00" * 300, "content"),
        ("image.pdf", PNG, "content"),
        ("figures.csv", PDF, "content"),
        ("figures.csv", b"a,b\n\x00\x01", "content"),
        ("latin1.csv", "montant é".encode("latin-1"), "content"),
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 300, "extension"),
        ("noextension", PDF, "extension"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_check_upload(name: str, data: bytes, error: str | None) -> None:
    if error is None:
        assert check_upload(_upload(name, data)).extension == name.rsplit(".", 1)[1].lower()
    else:
        with pytest.raises(ValidationError) as raised:
            check_upload(_upload(name, data))
        assert raised.value.code == error


def test_check_upload_size_limit(settings: Any) -> None:
    settings.ACCESS_INFO_DISCLOSURE_MAX_UPLOAD_BYTES = 100
    check_upload(_upload("small.pdf", PDF))
    with pytest.raises(ValidationError) as raised:
        check_upload(_upload("large.pdf", PDF + b"0" * 200))
    assert raised.value.code == "too_large"


# ======================================================================== loader
def test_loader_creates_the_catalogue_then_changes_nothing() -> None:
    report = disclosure_categories_load()
    assert report.ok
    assert len(report.created) >= 12
    codes = set(DisclosureCategory.objects.values_list("code", flat=True))
    assert {
        "budget",
        "organisation",
        "procedures-forms",
        "tenders",
        "recruitment",
        "council-deliberations",
        "grants-associations",
        "information-officer",
        "services",
        "statistics",
        "agreements",
        "reports",
    } <= codes
    budget = DisclosureCategory.objects.get(code="budget")
    assert budget.name_ar == "الميزانية"
    assert budget.name_fr == "Budget"
    assert budget.legal_basis == "Law 31-13, art. 10"
    assert DisclosureCategory.objects.get(code="tenders").update_every_months == 3
    again = disclosure_categories_load()
    assert again.ok and not again.created and not again.updated
    assert len(again.unchanged) == len(report.created)


HEADER = "code,name_ar,name_fr,name_en,update_every_months,order\n"


def test_loader_updates_its_own_rows_but_keeps_coordinators_edits() -> None:
    disclosure_categories_load(text=HEADER + "budget,الميزانية,Budget,Budget,12,1\n")
    disclosure_categories_load(
        text=HEADER + "budget,الميزانية,Budget annuel,Annual budget,12,1\n"
        "tenders,الصفقات,Marchés,Tenders,3,2\n"
    )
    budget = DisclosureCategory.objects.get(code="budget")
    assert budget.name_fr == "Budget annuel"
    # A coordinator edits the category in the admin (a history row without the loader's reason).
    budget.name_fr = "Budget (édité)"
    budget.save()
    report = disclosure_categories_load(
        text=HEADER
        + "budget,الميزانية,Budget v3,Budget,12,1\ntenders,الصفقات,Marchés,Tenders,6,2\n"
    )
    assert report.kept == ["budget"]
    assert report.updated == ["tenders"]
    assert DisclosureCategory.objects.get(code="budget").name_fr == "Budget (édité)"
    assert DisclosureCategory.objects.get(code="tenders").update_every_months == 6
    # A category a coordinator deleted is not recreated.
    DisclosureCategory.objects.get(code="tenders").delete()
    report = disclosure_categories_load(text=HEADER + "tenders,الصفقات,Marchés,Tenders,6,2\n")
    assert report.kept_deleted == ["tenders"]
    assert not DisclosureCategory.objects.filter(code="tenders").exists()


def test_loader_reports_errors_by_line_and_writes_nothing() -> None:
    text = (
        HEADER
        + "budget,الميزانية,Budget,Budget,12,1\n"
        + "bad code!,اسم,Nom,Name,12,2\n"
        + "tenders,,Marchés,Tenders,abc,3\n"
        + "budget,الميزانية,Budget,Budget,500,4\n"
        + "\n"
        + "extra,اسم,Nom,Name,12,5,surplus\n"
    )
    with translation.override("en"):
        report = disclosure_categories_load(text=text)
    assert not report.ok
    found = {(line, column) for line, column, _message in report.errors}
    assert found == {
        (3, "code"),
        (4, "name_ar"),
        (4, "update_every_months"),
        (5, "code"),  # repeated
        (5, "update_every_months"),  # over 120
        (7, ""),  # more cells than the header
    }
    messages = {(line, column): message for line, column, message in report.errors}
    assert "line 2" in messages[(5, "code")]
    assert not DisclosureCategory.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (1, "")),
        ("code,name_fr\nbudget,Budget\n", (1, "name_ar")),
        ("code,name_ar,name_fr,colour\nbudget,م,Budget,red\n", (1, "colour")),
        (HEADER, (2, "")),
    ],
)
def test_loader_rejects_bad_files(text: str, expected: tuple[int, str]) -> None:
    report = disclosure_categories_load(text=text)
    assert expected in {(line, column) for line, column, _m in report.errors}


def test_management_command(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("load_disclosure_categories", stdout=out)
    assert "created" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "budget,,Budget,Budget,12,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2, name_ar"):
        call_command("load_disclosure_categories", file=bad, stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command(
            "load_disclosure_categories", file=tmp_path / "missing.csv", stdout=io.StringIO()
        )
    assert CATEGORIES_PATH.exists()


# ======================================================== coverage and overdue
@pytest.fixture
def catalogue() -> dict[str, DisclosureCategory]:
    return {
        "budget": DisclosureCategoryFactory(code="budget", update_every_months=12, order=1),
        "tenders": DisclosureCategoryFactory(code="tenders", update_every_months=1, order=2),
        "organisation": DisclosureCategoryFactory(
            code="organisation", update_every_months=0, order=3
        ),
        "old": DisclosureCategoryFactory(code="old", is_active=False, order=4),
    }


def test_coverage_and_overdue_flags_over_time(
    commune_a: Collectivity, catalogue: dict[str, DisclosureCategory]
) -> None:
    DisclosureItemFactory(
        collectivity=commune_a, category=catalogue["budget"], published_on=datetime.date(2026, 1, 5)
    )
    tenders = DisclosureItemFactory(
        collectivity=commune_a,
        category=catalogue["tenders"],
        published_on=datetime.date(2026, 1, 31),
    )
    assert tenders.next_update_due_on == datetime.date(2026, 2, 28)
    DisclosureItemFactory(collectivity=commune_a, category=catalogue["old"])
    DisclosureItemFactory(
        collectivity=commune_a,
        category=catalogue["organisation"],
        is_current=False,
        published_on=datetime.date(2026, 1, 2),
    )

    with time_machine.travel(local(2026, 2, 28, 23, 0), tick=False):
        coverage = disclosure_coverage([commune_a.pk])[commune_a.pk]
        assert (coverage.covered, coverage.active, coverage.overdue) == (2, 3, 0)
        assert coverage.percent == 67
        entries, page_coverage = disclosure_catalogue(commune_a.pk)
        assert [entry.state for entry in entries] == ["covered", "covered", "missing"]
        assert page_coverage == coverage
    with time_machine.travel(local(2026, 3, 1, 0, 30), tick=False):
        coverage = disclosure_coverage([commune_a.pk])[commune_a.pk]
        assert (coverage.covered, coverage.overdue, coverage.percent) == (1, 1, 33)
        entries, _coverage = disclosure_catalogue(commune_a.pk)
        assert [entry.state for entry in entries] == ["covered", "overdue", "missing"]
        assert entries[1].items[0].is_overdue
    with time_machine.travel(local(2027, 1, 6), tick=False):
        coverage = disclosure_coverage([commune_a.pk])[commune_a.pk]
        assert (coverage.covered, coverage.overdue, coverage.percent) == (0, 2, 0)


def test_a_new_version_replaces_the_current_items(
    commune_a: Collectivity, catalogue: dict[str, DisclosureCategory], coordinator: User
) -> None:
    old = DisclosureItemFactory(
        collectivity=commune_a,
        category=catalogue["tenders"],
        published_on=datetime.date(2026, 1, 1),
    )
    with time_machine.travel(local(2026, 3, 10), tick=False):
        coverage = disclosure_coverage([commune_a.pk])[commune_a.pk]
        assert coverage.overdue == 1
        new = disclosure_item_create(
            actor=coordinator,
            collectivity=commune_a,
            category=catalogue["tenders"],
            title="Appels d'offres de mars",
            published_on=datetime.date(2026, 3, 10),
            url="https://commune.example/tenders",
            replaces_current=True,
        )
        assert new.next_update_due_on == datetime.date(2026, 4, 10)
        old.refresh_from_db()
        assert not old.is_current
        coverage = disclosure_coverage([commune_a.pk])[commune_a.pk]
        assert (coverage.covered, coverage.overdue) == (1, 0)


def test_service_rules(
    commune_a: Collectivity,
    catalogue: dict[str, DisclosureCategory],
    coordinator: User,
    staff_a: User,
    media_root: Any,  # noqa: F811
) -> None:
    other = factories.CommuneFactory()
    common = {"category": catalogue["budget"], "title": "Budget 2026"}
    with time_machine.travel(local(2026, 5, 1), tick=False):
        with pytest.raises(PermissionDenied):
            disclosure_item_create(
                actor=staff_a,
                collectivity=other,
                published_on=datetime.date(2026, 5, 1),
                url="https://x.example",
                **common,
            )
        with pytest.raises(ValidationError) as raised:
            disclosure_item_create(
                actor=staff_a,
                collectivity=commune_a,
                published_on=datetime.date(2026, 5, 2),
                **common,
            )
        assert "published_on" in raised.value.message_dict
        with pytest.raises(ValidationError):
            disclosure_item_create(
                actor=staff_a,
                collectivity=commune_a,
                published_on=datetime.date(2026, 5, 1),
                **common,
            )
        with pytest.raises(ValidationError) as raised:
            disclosure_item_create(
                actor=staff_a,
                collectivity=commune_a,
                published_on=datetime.date(2026, 5, 1),
                url="javascript:alert(1)",
                **common,
            )
        assert "url" in raised.value.message_dict
        with pytest.raises(ValidationError) as raised:
            disclosure_item_create(
                actor=staff_a,
                collectivity=commune_a,
                category=catalogue["old"],
                title="x",
                published_on=datetime.date(2026, 5, 1),
                url="https://x.example",
            )
        assert "category" in raised.value.message_dict
        item = disclosure_item_create(
            actor=staff_a,
            collectivity=commune_a,
            published_on=datetime.date(2026, 5, 1),
            file=_upload("Budget de Mohamed Alami.pdf", PDF),
            **common,
        )
    assert item.file.name.startswith("disclosure/2026/budget-2026-05-01")  # neutral name
    assert item.next_update_due_on == datetime.date(2027, 5, 1)
    assert item.search_text == "budget 2026"
    with pytest.raises(PermissionDenied):
        disclosure_item_retire(actor=factories.UserFactory(), item=item)
    disclosure_item_retire(actor=staff_a, item=item)
    item.refresh_from_db()
    assert not item.is_current


# ========================================================================= pages
def test_overview_lists_members_with_their_coverage(
    network: Network,
    commune_a: Collectivity,
    commune_b: Collectivity,
    catalogue: dict[str, DisclosureCategory],
) -> None:
    factories.MembershipFactory(network=network, collectivity=commune_a)
    factories.MembershipFactory(network=network, collectivity=commune_b)
    DisclosureItemFactory(collectivity=commune_a, category=catalogue["budget"])
    with time_machine.travel(local(2026, 2, 1), tick=False):
        html = Client().get("/en/information/disclosure/").content.decode()
    assert "Commune A" in html and "Commune B" in html
    assert "33% (1/3)" in html
    assert "0% (0/3)" in html
    assert '<rect width="33.0" height="10">' in html
    assert catalogue["budget"].name_en in html  # the catalogue
    assert catalogue["old"].name_en not in html  # inactive
    assert " style=" not in html and "<script" not in html
    region = Client().get(f"/en/information/disclosure/?region={commune_b.region.code}")
    assert "Commune A" not in region.content.decode()


def test_overview_query_count_does_not_grow(
    network: Network,
    catalogue: dict[str, DisclosureCategory],
    uncached: None,  # noqa: F811
) -> None:
    communes = [factories.CommuneFactory() for _ in range(2)]
    for commune in communes:
        factories.MembershipFactory(network=network, collectivity=commune)
        DisclosureItemFactory(collectivity=commune, category=catalogue["budget"])
    client = Client()
    few = count_queries(client, "/en/information/disclosure/")
    for _ in range(28):
        commune = factories.CommuneFactory()
        factories.MembershipFactory(network=network, collectivity=commune)
        DisclosureItemFactory(collectivity=commune, category=catalogue["tenders"])
    assert count_queries(client, "/en/information/disclosure/") == few
    assert count_queries(client, "/en/information/disclosure/?page=2") == few


def test_catalogue_page(
    commune_a: Collectivity,
    catalogue: dict[str, DisclosureCategory],
    staff_a: User,
    media_root: Any,  # noqa: F811
    uncached: None,  # noqa: F811
) -> None:
    DisclosureItemFactory(
        collectivity=commune_a,
        category=catalogue["tenders"],
        title="Tenders of January",
        published_on=datetime.date(2026, 1, 2),
    )
    DisclosureItemFactory(
        collectivity=commune_a,
        category=catalogue["budget"],
        title="Budget 2025",
        is_current=False,
        published_on=datetime.date(2025, 1, 2),
    )
    with_file = DisclosureItemFactory(
        collectivity=commune_a,
        category=catalogue["budget"],
        title="Budget 2026",
        url="",
        file=SimpleUploadedFile("b.pdf", PDF),
    )
    url = f"/en/information/disclosure/{commune_a.slug}/"
    client = Client()
    with time_machine.travel(local(2026, 3, 1), tick=False):
        html = client.get(url).content.decode()
    assert "Tenders of January" in html
    assert "badge--warning" in html  # tenders overdue since 2 February
    assert "Coverage: 33% (1 of 3 categories up to date)" in html
    assert "Earlier versions" in html and "Budget 2025" in html
    assert f"/en/information/disclosure/items/{with_file.pk}/file/" in html
    assert "Publish an item" not in html  # anonymous
    response = client.get(f"/en/information/disclosure/items/{with_file.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"] == 'inline; filename="Budget 2026.pdf"'
    assert client.get("/en/information/disclosure/items/999999/file/").status_code == 404
    assert client.get("/en/information/disclosure/nowhere/").status_code == 404

    client.force_login(staff_a)
    html = client.get(url).content.decode()
    assert "Publish an item" in html
    assert f"/en/information/disclosure/items/{with_file.pk}/retire/" in html


# ============================================================= permission matrix
ROLES = [
    "anonymous",
    "citizen",
    "cso",
    "admin_a",
    "editor_a",
    "moderator_a",
    "officer_a",
    "admin_b",
    "coordinator",
]
ALLOWED = {"admin_a", "editor_a", "officer_a", "coordinator"}


@pytest.fixture
def persona(
    commune_a: Collectivity, commune_b: Collectivity, network: Network
) -> Callable[[str], User | None]:
    def make(name: str) -> User | None:
        role = CollectivityRole.Role
        if name == "anonymous":
            return None
        if name == "citizen":
            return factories.UserFactory(email="citizen@example.org")
        if name == "cso":
            organisation = factories.OrganisationFactory(collectivity=commune_a)
            user = factories.UserFactory(email="cso@example.org")
            OrganisationRepresentative.objects.create(
                organisation=organisation, user=user, is_approved=True
            )
            return user
        if name == "coordinator":
            return factories.NetworkRoleFactory(network=network).user
        collectivity = commune_b if name.endswith("_b") else commune_a
        kind = {
            "admin": role.ADMIN,
            "editor": role.EDITOR,
            "moderator": role.MODERATOR,
            "officer": role.INFORMATION_OFFICER,
        }[name.split("_")[0]]
        return factories.CollectivityRoleFactory(collectivity=collectivity, role=kind).user

    return make


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _expect(response: Any, name: str) -> None:
    if name == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif name in ALLOWED:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("name", ROLES)
def test_permission_matrix_add(
    name: str,
    persona: Callable[[str], User | None],
    commune_a: Collectivity,
    catalogue: dict[str, DisclosureCategory],
    media_root: Any,  # noqa: F811
) -> None:
    client = _client(persona(name))
    url = f"/en/information/disclosure/{commune_a.slug}/add/?category=budget"
    _expect(client.get(url), name)
    with time_machine.travel(local(2026, 5, 4), tick=False):
        response = client.post(
            url,
            {
                "category": catalogue["budget"].pk,
                "title": "Budget 2026",
                "published_on": "2026-05-04",
                "file": SimpleUploadedFile("budget.pdf", PDF),
            },
        )
    _expect(response, name)
    created = DisclosureItem.objects.filter(collectivity=commune_a, title="Budget 2026")
    assert created.exists() == (name in ALLOWED)
    if name in ALLOWED:
        assert response["Location"] == f"/en/information/disclosure/{commune_a.slug}/"
        item = created.get()
        assert item.next_update_due_on == datetime.date(2027, 5, 4)
        assert item.file.name.endswith(".pdf")


@pytest.mark.parametrize("name", ROLES)
def test_permission_matrix_edit(
    name: str,
    persona: Callable[[str], User | None],
    commune_a: Collectivity,
    catalogue: dict[str, DisclosureCategory],
) -> None:
    item = DisclosureItemFactory(
        collectivity=commune_a,
        category=catalogue["budget"],
        title="Budget",
        url="https://a.example",
    )
    client = _client(persona(name))
    url = f"/en/information/disclosure/items/{item.pk}/edit/"
    _expect(client.get(url), name)
    response = client.post(
        url,
        {
            "category": catalogue["tenders"].pk,
            "title": "Budget corrigé",
            "published_on": "2026-01-20",
            "url": "https://b.example",
        },
    )
    _expect(response, name)
    item.refresh_from_db()
    assert (item.title == "Budget corrigé") == (name in ALLOWED)
    if name in ALLOWED:
        assert item.category == catalogue["tenders"]
        assert item.next_update_due_on == datetime.date(2026, 2, 20)


@pytest.mark.parametrize("name", ROLES)
def test_permission_matrix_retire(
    name: str,
    persona: Callable[[str], User | None],
    commune_a: Collectivity,
    catalogue: dict[str, DisclosureCategory],
) -> None:
    item = DisclosureItemFactory(collectivity=commune_a, category=catalogue["budget"])
    client = _client(persona(name))
    url = f"/en/information/disclosure/items/{item.pk}/retire/"
    response = client.post(url)
    _expect(response, name)
    item.refresh_from_db()
    assert item.is_current == (name not in ALLOWED)
    if name in ALLOWED:
        assert client.get(url).status_code == 405


def test_add_form_shows_errors_without_saving(
    staff_a: User,
    commune_a: Collectivity,
    catalogue: dict[str, DisclosureCategory],
    media_root: Any,  # noqa: F811
) -> None:
    client = _client(staff_a)
    url = f"/en/information/disclosure/{commune_a.slug}/add/"
    cases = [
        {"title": "No document", "published_on": "2026-01-01"},
        {"title": "Fake", "published_on": "2026-01-01", "file": _upload("x.pdf", b"<html>")},
        {"title": "Future", "published_on": "2999-01-01", "url": "https://a.example"},
        {"title": "Bad date", "published_on": "yesterday", "url": "https://a.example"},
    ]
    for data in cases:
        response = client.post(url, {"category": catalogue["budget"].pk, **data})
        assert response.status_code == 200, data
        assert "form__errors" in response.content.decode(), data
    assert not DisclosureItem.objects.exists()
    assert (
        client.get(f"/en/information/disclosure/{commune_a.slug}/add/?category=%00").status_code
        == 200
    )
    assert client.get("/en/information/disclosure/items/999999/edit/").status_code == 404
