"""The admin's members CSV import page (network.import_memberships)."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from infitah.accounts.models import User
from infitah.network.models import Membership, Network
from infitah.territories.models import Collectivity
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/en/admin/network/membership/import/"


def upload(content: bytes, name: str = "members.csv") -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.fixture
def communes(db: None) -> list[Collectivity]:
    return [factories.CommuneFactory(code=f"C.IMP{n}") for n in range(3)]


@pytest.fixture
def coordinator_client(client: Client, coordinator: User) -> Client:
    client.force_login(coordinator)
    return client


def test_page_explains_the_format(coordinator_client: Client, network: Network) -> None:
    response = coordinator_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    for column in ("code", "status", "joined_on", "focal_point_email"):
        assert f"<code>{column}</code>" in html


def test_changelist_links_to_the_import_for_coordinators_only(
    client: Client, coordinator: User, staff_a: User, network: Network
) -> None:
    client.force_login(coordinator)
    assert URL in client.get("/en/admin/network/membership/").content.decode()
    client.force_login(staff_a)
    assert URL not in client.get("/en/admin/network/membership/").content.decode()


def test_a_correct_file_is_imported(
    coordinator_client: Client, network: Network, communes: list[Collectivity]
) -> None:
    content = (
        "\ufeffcode;status;joined_on;cohort;focal_point_name\n"
        "C.IMP0;active;2023-01-15;2023;Ahmed\n"
        "C.IMP1;suspended;;2024;بدر\n"
    ).encode()
    response = coordinator_client.post(URL, {"network": network.pk, "file": upload(content)})
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/network/membership/"
    memberships = Membership.objects.filter(network=network).order_by("collectivity__code")
    assert [(m.collectivity.code, m.status) for m in memberships] == [
        ("C.IMP0", "active"),
        ("C.IMP1", "suspended"),
    ]
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "2 memberships created" in page


def test_row_errors_are_all_shown_and_nothing_is_imported(
    coordinator_client: Client, network: Network, communes: list[Collectivity]
) -> None:
    content = (
        b"code,status,joined_on,focal_point_email\n"
        b"C.IMP0,active,2023-01-15,ok@example.org\n"
        b"NOPE,active,,\n"
        b"C.IMP1,sleeping,15/01/2023,not-an-address\n"
    )
    response = coordinator_client.post(URL, {"network": network.pk, "file": upload(content)})
    assert response.status_code == 200
    assert not Membership.objects.exists()
    errors = response.context["report"].errors
    assert {(line, field) for line, field, _message in errors} == {
        (3, "code"),
        (4, "status"),
        (4, "joined_on"),
        (4, "focal_point_email"),
    }
    html = response.content.decode()
    assert "Nothing was imported: 4 problems were found" in html
    assert html.count("<tr><td>") == 4


def test_dry_run_checks_without_importing(
    coordinator_client: Client, network: Network, communes: list[Collectivity]
) -> None:
    content = b"code\nC.IMP0\nC.IMP2\n"
    response = coordinator_client.post(
        URL, {"network": network.pk, "file": upload(content), "dry_run": "on"}
    )
    assert response.status_code == 200
    assert not Membership.objects.exists()
    assert "Importing it would give: 2 memberships created" in response.content.decode()


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04\x00\x00binary spreadsheet",  # binary (NUL bytes)
        "code\nC.IMP0\n".encode("utf-16"),  # not UTF-8
        b"",  # empty
    ],
)
def test_unreadable_files_get_a_clear_message(
    coordinator_client: Client, network: Network, communes: list[Collectivity], content: bytes
) -> None:
    response = coordinator_client.post(URL, {"network": network.pk, "file": upload(content)})
    assert response.status_code == 200
    assert not Membership.objects.exists()
    html = response.content.decode()
    assert "errorlist" in html or "Nothing was imported" in html


def test_missing_file_is_a_form_error(coordinator_client: Client, network: Network) -> None:
    response = coordinator_client.post(URL, {"network": network.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_oversized_file_is_refused(
    coordinator_client: Client, network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("infitah.network.admin.MAX_IMPORT_BYTES", 10)
    response = coordinator_client.post(
        URL, {"network": network.pk, "file": upload(b"code\nC.IMP0\nC.IMP1\n")}
    )
    assert response.status_code == 200
    assert "too large" in str(response.context["form"].errors["file"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code\nC.IMP0\nC.IMP1,Chargée\n".encode("latin-1"), "invalid byte on line 3"),
        ("code\nC.IMP0\n".encode("utf-16"), "UTF-16"),
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "binary file"),
    ],
)
def test_wrong_encodings_are_explained(
    coordinator_client: Client,
    network: Network,
    communes: list[Collectivity],
    content: bytes,
    message: str,
) -> None:
    response = coordinator_client.post(URL, {"network": network.pk, "file": upload(content)})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert not Membership.objects.exists()


def test_formula_in_a_name_is_refused_on_the_page(
    coordinator_client: Client, network: Network, communes: list[Collectivity]
) -> None:
    content = b'code,focal_point_name\nC.IMP0,"=HYPERLINK(""http://x.example"")"\n'
    response = coordinator_client.post(URL, {"network": network.pk, "file": upload(content)})
    assert response.status_code == 200
    assert [(line, field) for line, field, _m in response.context["report"].errors] == [
        (2, "focal_point_name")
    ]
    assert not Membership.objects.exists()


def test_oversized_file_size_uses_the_page_number_format(
    client: Client, coordinator: User, network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("infitah.network.admin.MAX_IMPORT_BYTES", 10)
    client.force_login(coordinator)
    content = b"code\n" + b"C.IMP0\n" * 300_000  # 2.1 MB
    response = client.post(
        "/fr/admin/network/membership/import/", {"network": network.pk, "file": upload(content)}
    )
    assert "(2,0 " in str(response.context["form"].errors["file"])
