"""CSV and XLSX exports of the register and of the statistics: they parse back, safely."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from infitah.access_info import views_public
from infitah.access_info.exports import REGISTER_EXPORT_COLUMNS, csv_safe
from infitah.access_info.models import InformationRequest
from infitah.territories.models import Collectivity
from tests import factories
from tests.access_info.factories_public import InformationRequestFactory, decided, local

pytestmark = pytest.mark.django_db

EXPORT = "/en/information/register/export/"


def _body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _csv_rows(response: Any) -> list[dict[str, str]]:
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets then read Arabic as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _xlsx_rows(response: Any) -> list[tuple[Any, ...]]:
    workbook = openpyxl.load_workbook(io.BytesIO(_body(response)))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


@pytest.fixture
def requests_ab(commune_a: Collectivity) -> tuple[InformationRequest, InformationRequest]:
    answered = decided(
        collectivity=commune_a,
        subject="الميزانية 2025",
        released_text="الجواب المنشور",
        released_published_at=local(2026, 3, 18),
        working_days_taken=12,
    )
    open_request = InformationRequestFactory(
        collectivity=factories.CommuneFactory(),
        subject='=HYPERLINK("http://evil.example","x")',
        is_urgent=True,
        received_at=local(2026, 4, 1),
    )
    return answered, open_request


def test_csv_safe() -> None:
    assert csv_safe("=1+1") == "'=1+1"
    assert csv_safe("+212 600") == "'+212 600"
    assert csv_safe("-2") == "'-2"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("\tx") == "'\tx"
    assert csv_safe("budget") == "budget"
    assert csv_safe(12) == 12
    assert csv_safe(None) == ""
    assert csv_safe(True) == "true"


def test_register_csv_parses_back(
    requests_ab: tuple[InformationRequest, InformationRequest],
) -> None:
    answered, open_request = requests_ab
    response = Client().get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert list(rows[0]) == list(REGISTER_EXPORT_COLUMNS)
    by_reference = {row["reference"]: row for row in rows}
    first = by_reference[answered.reference]
    assert first["subject"] == "الميزانية 2025"
    assert first["status"] == "answered"
    assert first["working_days_taken"] == "12"
    assert first["received_on"] == "2026-03-02"
    assert first["decided_on"] == "2026-03-16"
    assert first["released_text"] == "الجواب المنشور"
    assert first["url"] == f"http://testserver/en/information/register/{answered.reference}/"
    second = by_reference[open_request.reference]
    assert second["subject"] == '\'=HYPERLINK("http://evil.example","x")'  # not a formula
    assert second["is_urgent"] == "true"
    assert second["decided_on"] == ""
    assert second["released_text"] == ""


def test_register_xlsx_parses_back_with_text_cells(
    requests_ab: tuple[InformationRequest, InformationRequest],
) -> None:
    _answered, open_request = requests_ab
    response = Client().get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(_body(response)))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == list(REGISTER_EXPORT_COLUMNS)
    subject_column = header.index("subject") + 1
    cells = {
        sheet.cell(row=row, column=1).value: sheet.cell(row=row, column=subject_column)
        for row in range(2, sheet.max_row + 1)
    }
    formula_like = cells[open_request.reference]
    assert formula_like.value == '=HYPERLINK("http://evil.example","x")'
    assert formula_like.data_type == "s"  # stored as text, never as a formula


def test_register_export_applies_the_filters(
    requests_ab: tuple[InformationRequest, InformationRequest],
) -> None:
    answered, _open = requests_ab
    rows = _csv_rows(Client().get(EXPORT, {"format": "csv", "status": "answered"}))
    assert [row["reference"] for row in rows] == [answered.reference]
    rows = _csv_rows(Client().get(EXPORT, {"q": "الميزانيه"}))  # CSV by default
    assert [row["reference"] for row in rows] == [answered.reference]
    assert _xlsx_rows(Client().get(EXPORT, {"format": "xlsx", "year": "1999"})) == [
        REGISTER_EXPORT_COLUMNS
    ]


def test_too_large_xlsx_export_sends_back_to_the_register(
    requests_ab: tuple[InformationRequest, InformationRequest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_public, "REGISTER_XLSX_MAX_ROWS", 1)
    response = Client().get(EXPORT, {"format": "xlsx", "status": "received"})
    assert response.status_code == 200  # one row: allowed
    response = Client().get(EXPORT, {"format": "xlsx", "urgency": "urgent", "page": "2"})
    assert response.status_code == 200
    response = Client().get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 302
    assert response["Location"] == "/en/information/register/"


def test_unknown_format_falls_back_to_csv(
    requests_ab: tuple[InformationRequest, InformationRequest],
) -> None:
    response = Client().get(EXPORT, {"format": "pdf"})
    assert response["Content-Type"].startswith("text/csv")


def test_statistics_csv_and_xlsx(commune_a: Collectivity) -> None:
    for days in (2, 4, 9):
        decided(collectivity=commune_a, working_days_taken=days, answered_on_time=days < 5)
    decided(
        collectivity=commune_a,
        status=InformationRequest.Status.REFUSED,
        refusal_ground=InformationRequest.RefusalGround.ABUSIVE,
        working_days_taken=20,
        answered_on_time=True,
    )
    client = Client()
    url = f"/en/information/statistics/{commune_a.slug}/export/"
    rows = _csv_rows(client.get(url, {"format": "csv"}))
    table = {(row["section"], row["code"]): row for row in rows}
    assert table[("summary", "requests")]["value"] == "4"
    assert table[("summary", "median_working_days")]["value"] == "6.5"
    assert table[("summary", "p90_working_days")]["value"] == "16.7"
    assert table[("summary", "on_time_percent")]["value"] == "75.0"
    assert table[("status", "answered")]["value"] == "3"
    assert table[("status", "answered")]["share_percent"] == "75.0"
    assert table[("refusal_ground", "abusive")]["value"] == "1"
    assert table[("month", "2026-03")]["value"] == "4"
    assert table[("complaint", "head/pending")]["value"] == "0"

    xlsx = _xlsx_rows(client.get(url, {"format": "xlsx"}))
    assert xlsx[0] == ("section", "code", "label", "value", "share_percent")
    values = {(row[0], row[1]): row[3] for row in xlsx[1:]}
    assert values[("summary", "requests")] == 4
    assert values[("summary", "median_working_days")] == 6.5
    assert values[("status", "refused")] == 1

    network = _csv_rows(client.get("/en/information/statistics/export/", {"year": "2025"}))
    assert {(r["section"], r["code"]): r["value"] for r in network}[("summary", "requests")] == "0"
    assert client.get("/en/information/statistics/nowhere/export/").status_code == 404
