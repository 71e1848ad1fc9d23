"""CSV and XLSX exports of the public register and of the statistics.

No personal data: the register export is built from
:func:`infitah.access_info.selectors.register_entries` (the public columns only), the
statistics from :class:`~infitah.access_info.selectors.RequestStatistics` (counts).

Spreadsheet safety (CSV/formula injection): a text cell that a spreadsheet would read
as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
written with a leading apostrophe in CSV (OWASP's advice), and as an explicit text
cell in XLSX (openpyxl would otherwise store ``=...`` as a formula). Control characters
XLSX cannot hold are removed.

CSV files are UTF-8 with a byte-order mark (so spreadsheets read Arabic correctly),
comma-separated, one header row of stable English column names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from infitah.access_info.models import InformationRequest
from infitah.access_info.selectors import RequestStatistics, public_entry, register_entries

__all__ = [
    "CSV_CONTENT_TYPE",
    "FORMULA_PREFIXES",
    "REGISTER_EXPORT_COLUMNS",
    "XLSX_CONTENT_TYPE",
    "csv_safe",
    "register_csv_lines",
    "register_table",
    "register_xlsx",
    "statistics_csv",
    "statistics_table",
    "statistics_xlsx",
]

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Columns of the register export, in order (no personal data).
REGISTER_EXPORT_COLUMNS = (
    "reference",
    "collectivity_code",
    "collectivity",
    "region_code",
    "region",
    "channel",
    "subject",
    "status",
    "is_urgent",
    "is_late",
    "received_on",
    "due_on",
    "is_extended",
    "decided_on",
    "working_days_taken",
    "answered_on_time",
    "refusal_ground",
    "transferred_to",
    "answer_published_on",
    "released_text",
    "url",
)

#: Rows read from the database at a time when exporting the register.
EXPORT_CHUNK_SIZE = 2000


def csv_safe(value: Any) -> Any:
    """Return ``value`` fit for a CSV cell: formula-like text gets a leading apostrophe.

    Numbers, booleans and ``None`` are returned as they are (``None`` as ``""``).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _xlsx_row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    """Cells for a write-only sheet; text always as text (never a formula)."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells


class _Echo:
    """A file-like object whose ``write`` returns what it is given (for streaming CSV)."""

    def write(self, value: str) -> str:
        return value


# ======================================================================= register
def register_table(
    queryset: QuerySet[InformationRequest], *, absolute_url: Callable[[str], str]
) -> Iterator[list[Any]]:
    """Yield the register export's rows (without header) for ``queryset``, in order.

    Args:
        queryset: the filtered register (:func:`selectors.register_requests`).
        absolute_url: turns a page path into an absolute address
            (``request.build_absolute_uri``).

    Read in chunks of :data:`EXPORT_CHUNK_SIZE` (one query, server-side cursor on
    PostgreSQL). Values are plain: text, ISO dates, numbers, booleans, ``None``.
    """
    for row, released_text in register_entries(
        queryset, with_released_text=True, chunk_size=EXPORT_CHUNK_SIZE
    ):
        entry = public_entry(row)
        region = entry["region"] or {"code": "", "name": ""}
        yield [
            entry["reference"],
            entry["collectivity"]["code"],
            entry["collectivity"]["name"],
            region["code"],
            region["name"],
            entry["channel"],
            entry["subject"],
            entry["status"],
            entry["is_urgent"],
            entry["is_late"],
            entry["received_on"],
            entry["due_on"],
            entry["is_extended"],
            entry["decided_on"],
            entry["working_days_taken"],
            entry["answered_on_time"],
            entry["refusal_ground"],
            entry["transferred_to"],
            entry["answer_published_on"],
            released_text,
            absolute_url(row.url),
        ]


def register_csv_lines(
    queryset: QuerySet[InformationRequest], *, absolute_url: Callable[[str], str]
) -> Iterator[str]:
    """Yield the register export as CSV text, line by line (BOM and header first)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(REGISTER_EXPORT_COLUMNS)
    for values in register_table(queryset, absolute_url=absolute_url):
        yield writer.writerow([csv_safe(value) for value in values])


def register_xlsx(
    queryset: QuerySet[InformationRequest], *, absolute_url: Callable[[str], str]
) -> bytes:
    """Return the register export as an XLSX workbook (one sheet, header row)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("register")
    sheet.append(_xlsx_row(sheet, REGISTER_EXPORT_COLUMNS))
    for values in register_table(queryset, absolute_url=absolute_url):
        sheet.append(_xlsx_row(sheet, values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ===================================================================== statistics
STATISTICS_COLUMNS = ("section", "code", "label", "value", "share_percent")


def statistics_table(stats: RequestStatistics) -> list[list[Any]]:
    """Return the statistics as rows of :data:`STATISTICS_COLUMNS` (labels translated).

    Sections: ``summary`` (totals, working days, timeliness), ``month``, ``status``,
    ``urgency``, ``channel``, ``refusal_ground``, ``working_days`` (buckets),
    ``complaint_stage`` and ``complaint`` (``stage/outcome`` codes).
    """
    summary = [
        ("requests", _("requests received"), stats.total),
        ("decided_with_days", _("decided, with the working days taken"), stats.timed),
        ("median_working_days", _("median working days to answer"), stats.median_days),
        ("p90_working_days", _("90th percentile of working days to answer"), stats.p90_days),
        ("answered_on_time", _("answered on time"), stats.on_time),
        ("timeliness_known", _("decided, timeliness known"), stats.on_time_known),
        ("on_time_percent", _("share answered on time (percent)"), stats.on_time_percent),
        ("refused", _("refused"), stats.refused_total),
        ("complaints", _("complaints and appeals"), stats.complaint_total),
    ]
    rows: list[list[Any]] = [
        ["summary", code, label, value, None] for code, label, value in summary
    ]
    sections = (
        ("month", stats.months),
        ("status", stats.by_status),
        ("urgency", stats.by_urgency),
        ("channel", stats.by_channel),
        ("refusal_ground", stats.refusals),
        ("working_days", stats.days),
        ("complaint_stage", stats.complaints_by_stage),
    )
    for section, bars in sections:
        rows.extend([section, bar.code, bar.label, bar.count, bar.share] for bar in bars)
    stage_codes = [bar.code for bar in stats.complaints_by_stage]
    for stage_code, (stage_label, counts, _total) in zip(
        stage_codes, stats.complaint_matrix, strict=False
    ):
        for outcome, outcome_label, count in zip(
            stats.complaint_outcomes, stats.complaint_outcome_labels, counts, strict=True
        ):
            rows.append(
                [
                    "complaint",
                    f"{stage_code}/{outcome}",
                    f"{stage_label}: {outcome_label}",
                    count,
                    None,
                ]
            )
    return rows


def statistics_csv(stats: RequestStatistics) -> str:
    """Return the statistics as CSV text (BOM, header, :func:`statistics_table` rows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(STATISTICS_COLUMNS)
    for row in statistics_table(stats):
        writer.writerow([csv_safe(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def statistics_xlsx(stats: RequestStatistics) -> bytes:
    """Return the statistics as an XLSX workbook: one sheet with :data:`STATISTICS_COLUMNS`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("statistics")
    sheet.append(_xlsx_row(sheet, STATISTICS_COLUMNS))
    for row in statistics_table(stats):
        sheet.append(_xlsx_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
