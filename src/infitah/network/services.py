"""Writes to the network: the seed (identity, principles, partners, charter, known members)
and the CSV import of memberships.

Both are transactional. See docs/data.md for the seed's sources and the CSV format.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from infitah.core.cache import bump_content_version
from infitah.core.text import strip_bidi_controls
from infitah.network.models import (
    CharterSection,
    CharterVersion,
    Membership,
    Network,
    Partner,
    Principle,
)
from infitah.territories.models import Collectivity

__all__ = [
    "MEMBERSHIP_IMPORT_COLUMNS",
    "decode_csv_upload",
    "NETWORK_SEED_PATH",
    "ImportReport",
    "SeedError",
    "SeedReport",
    "memberships_import_csv",
    "network_load_seed",
]

NETWORK_SEED_PATH = Path(__file__).resolve().parent / "data" / "network.json"
SEED_CHANGE_REASON = "load_network seed"
IMPORT_CHANGE_REASON = "CSV import"
LANGUAGES = ("ar", "fr", "en")

ProgressFunc = Callable[[str], None]


# --- Seed ----------------------------------------------------------------------


class SeedError(ValueError):
    """The seed cannot be loaded (for example the territories are not loaded yet)."""


@dataclass
class SeedReport:
    """What :func:`network_load_seed` did.

    ``created`` names every row created (e.g. ``"principle transparency"``);
    ``kept_deleted`` names seed rows not recreated because a coordinator deleted them.
    """

    network: Network
    created: list[str] = field(default_factory=list)
    kept_deleted: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created)


def _translated(prefix: str, values: dict[str, str]) -> dict[str, str]:
    """``{"ar": x, ...}`` → ``{"name_ar": x, ...}`` for the three languages."""
    return {f"{prefix}_{lang}": values.get(lang, "") for lang in LANGUAGES}


def _was_deleted(model: type[models.Model], **lookup: Any) -> bool:
    """True when history records that a coordinator deleted this row."""
    history = model.history  # type: ignore[attr-defined]
    return bool(history.filter(history_type="-", **lookup).exists())


def _create(obj: models.Model) -> None:
    obj.full_clean()
    obj._change_reason = SEED_CHANGE_REASON  # type: ignore[attr-defined]
    obj.save()


def _load_seed_file(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data: dict[str, Any] = json.load(handle)
    except (OSError, ValueError) as exc:
        raise SeedError(f"{path}: cannot read the network seed ({exc}).") from exc
    return data


@transaction.atomic
def network_load_seed(
    *, seed_path: Path | None = None, progress: ProgressFunc | None = None
) -> SeedReport:
    """Create whatever is missing of the network seed; never change an existing row.

    The seed (``network/data/network.json``) holds the network's identity, the five
    principles, the partners, charter version 1.0 with its sections and the members
    known from public sources (the 12 founding regions; the commune of Béni Mellal,
    whose date of joining is not documented and stays empty).

    Policy (docs/data.md): rows are matched by natural key (network slug, principle and
    partner code, charter version, member collectivity) and only **created** when
    missing; existing rows are never updated, so edits made in the admin win. A row
    that a coordinator deleted (recorded by django-simple-history) is not recreated.
    Charter sections are created only together with their charter version. The
    content version is bumped when anything was created.

    Args:
        seed_path: the seed file (default :data:`NETWORK_SEED_PATH`).
        progress: called with one line of text per created row.

    Returns:
        A :class:`SeedReport`.

    Raises:
        SeedError: the seed file is unreadable or malformed (a missing key, a bad date,
            a value a model refuses), or a member's collectivity code is not in the
            database (run ``load_territories`` first). Nothing is written then.
    """
    path = seed_path or NETWORK_SEED_PATH
    seed = _load_seed_file(path)
    try:
        return _load_seed(seed, progress)
    except SeedError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        # A missing key, a wrong type or a malformed date in a hand-edited seed file.
        raise SeedError(f"{path}: malformed network seed ({type(exc).__name__}: {exc}).") from exc
    except ValidationError as exc:
        raise SeedError(f"{path}: a seed row breaks a model rule ({exc}).") from exc


def _load_seed(seed: dict[str, Any], progress: ProgressFunc | None) -> SeedReport:
    """Create what is missing of ``seed`` (see :func:`network_load_seed`)."""

    def created(label: str) -> None:
        report.created.append(label)
        if progress is not None:
            progress(f"Created {label}.")

    info = seed["network"]
    network = Network.objects.filter(slug=info["slug"]).first()
    report = SeedReport(network=network or Network(slug=info["slug"]))
    if network is None:
        network = Network(
            slug=info["slug"],
            country_code=info["country_code"],
            founded_on=datetime.date.fromisoformat(info["founded_on"]),
            founding_regions=info["founding_regions"],
            founding_provincial_councils=info["founding_provincial_councils"],
            founding_communes=info["founding_communes"],
            is_member_list_complete=info["is_member_list_complete"],
            **_translated("name", info["name"]),
            **_translated("description", info["description"]),
        )
        _create(network)
        report.network = network
        created(f"network {network.slug}")

    existing_principles = set(network.principles.values_list("code", flat=True))
    for order, item in enumerate(seed["principles"], start=1):
        label = f"principle {item['code']}"
        if item["code"] in existing_principles:
            continue
        if _was_deleted(Principle, network_id=network.pk, code=item["code"]):
            report.kept_deleted.append(label)
            continue
        _create(
            Principle(
                network=network,
                code=item["code"],
                order=order,
                **_translated("name", item["name"]),
                **_translated("description", item["description"]),
            )
        )
        created(label)

    existing_partners = set(network.partners.values_list("code", flat=True))
    for order, item in enumerate(seed["partners"], start=1):
        label = f"partner {item['code']}"
        if item["code"] in existing_partners:
            continue
        if _was_deleted(Partner, network_id=network.pk, code=item["code"]):
            report.kept_deleted.append(label)
            continue
        _create(
            Partner(
                network=network,
                code=item["code"],
                acronym=item["acronym"],
                kind=item["kind"],
                order=order,
                **_translated("name", item["name"]),
                **_translated("role", item["role"]),
            )
        )
        created(label)

    existing_versions = set(network.charters.values_list("version", flat=True))
    for item in seed["charters"]:
        label = f"charter version {item['version']}"
        if item["version"] in existing_versions:
            continue
        if _was_deleted(CharterVersion, network_id=network.pk, version=item["version"]):
            report.kept_deleted.append(label)
            continue
        charter = CharterVersion(
            network=network,
            version=item["version"],
            effective_on=datetime.date.fromisoformat(item["effective_on"]),
            **_translated("summary", item["summary"]),
            **_translated("change_note", item["change_note"]),
        )
        _create(charter)
        for order, section in enumerate(item["sections"], start=1):
            _create(
                CharterSection(
                    charter=charter,
                    kind=section["kind"],
                    order=order,
                    **_translated("title", section["title"]),
                    **_translated("body", section["body"]),
                )
            )
        created(f"{label} ({len(item['sections'])} sections)")

    codes = [code for group in seed["memberships"] for code in group["codes"]]
    collectivities = {c.code: c for c in Collectivity.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in collectivities]
    if missing:
        raise SeedError(
            "Unknown collectivity codes in the network seed: "
            f"{', '.join(missing)}. Run `manage.py load_territories` first."
        )
    members = set(network.memberships.values_list("collectivity__code", flat=True))
    for group in seed["memberships"]:
        joined_on = group["joined_on"]
        for code in group["codes"]:
            label = f"membership of {code} {collectivities[code].name_fr}"  # type: ignore[attr-defined]
            if code in members:
                continue
            collectivity = collectivities[code]
            if _was_deleted(Membership, network_id=network.pk, collectivity_id=collectivity.pk):
                report.kept_deleted.append(label)
                continue
            _create(
                Membership(
                    network=network,
                    collectivity=collectivity,
                    status=group["status"],
                    cohort=group["cohort"],
                    is_founding_member=group["is_founding_member"],
                    joined_on=datetime.date.fromisoformat(joined_on) if joined_on else None,
                    source=group["source"],
                )
            )
            created(label)

    if report.changed:
        bump_content_version()
    return report


# --- CSV import of memberships ------------------------------------------------

MEMBERSHIP_IMPORT_COLUMNS = (
    "code",
    "status",
    "joined_on",
    "cohort",
    "focal_point_name",
    "focal_point_title",
    "focal_point_email",
    "focal_point_phone",
    "source",
)
MAX_IMPORT_ROWS = 5000
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PHONE = re.compile(r"[0-9+()./\s-]*")
# Text columns copied to the membership as typed (after trimming); code, status and
# joined_on are parsed separately.
_TEXT_COLUMNS = (
    "cohort",
    "focal_point_name",
    "focal_point_title",
    "focal_point_email",
    "focal_point_phone",
    "source",
)


@dataclass
class ImportReport:
    """The outcome of :func:`memberships_import_csv`.

    ``created``/``updated``/``unchanged`` count memberships (what would happen, for a
    dry run). ``errors`` holds ``(line, field, message)`` tuples: ``line`` is 1-based
    (the header is line 1), ``field`` a column name or ``""`` for the whole row or
    file. When ``errors`` is not empty nothing was imported and the counts are 0.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    values: dict[str, str]


_BINARY_MESSAGE = _lazy(
    "The file looks like a binary file (a spreadsheet?), not CSV text. "
    "Save it as “CSV UTF-8” and try again."
)


def decode_csv_upload(data: bytes) -> str:
    """Return the text of a CSV file's bytes (UTF-8, with or without a byte-order mark).

    Raises:
        ValueError: with a message fit for the person who sent the file: a UTF-16 file,
            a binary file (a spreadsheet, NUL bytes), or bytes that are not UTF-8
            (naming the line of the first one).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError(
            _("The file is in UTF-16, not UTF-8. Save it as “CSV UTF-8” and try again.")
        )
    if b"\x00" in data:
        raise ValueError(str(_BINARY_MESSAGE))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(
            _(
                "The file is not UTF-8 text (invalid byte on line %(line)d). "
                "Save it as “CSV UTF-8” and try again."
            )
            % {"line": line}
        ) from exc


def _read_text(file: TextIO) -> str:
    """Read the whole upload, or raise ValueError when it is not readable text."""
    raw = getattr(file, "buffer", None)
    try:
        at_start = raw is not None and file.tell() == 0
    except (OSError, ValueError):
        at_start = False
    if raw is not None and at_start:
        # A file opened as text: decode its bytes here, to name the line of a bad byte.
        try:
            data = raw.read()
        except OSError as exc:
            raise ValueError(_("The file could not be read: %(error)s") % {"error": exc}) from exc
        return decode_csv_upload(data)
    try:
        text = file.read()
    except UnicodeDecodeError as exc:
        raise ValueError(
            _(
                "The file is not UTF-8 text (invalid byte at position %(position)s). "
                "Save it as “CSV UTF-8” and try again."
            )
            % {"position": exc.start}
        ) from exc
    except OSError as exc:
        raise ValueError(_("The file could not be read: %(error)s") % {"error": exc}) from exc
    if not isinstance(text, str):
        raise ValueError(_("The file must be opened as text, not bytes."))
    if "\x00" in text:
        raise ValueError(str(_BINARY_MESSAGE))
    return text.removeprefix("\ufeff")


def _parse_rows(text: str, errors: list[tuple[int, str, str]]) -> tuple[list[str], list[_Row]]:
    """Split CSV text into the header and rows with their starting line numbers."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[_Row] = []
    header: list[str] = []
    line = 0
    try:
        header = [cell.strip().lower() for cell in next(reader)]
        line = reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_IMPORT_ROWS:
                # One row too many is enough to know: the caller reports only that.
                rows.append(_Row(start, {}))
                break
            # Cells beyond the header, or under a column without a name, are lost data.
            extra = cells[len(header) :] + [
                cell for name, cell in zip(header, cells, strict=False) if not name
            ]
            if any(cell.strip() for cell in extra):
                errors.append(
                    (
                        start,
                        "",
                        _too_many_cells(len(cells), len(header)),
                    )
                )
                continue
            values = {name: cell for name, cell in zip(header, cells, strict=False) if name}
            rows.append(_Row(start, values))
    except StopIteration:
        pass
    except csv.Error as exc:
        errors.append((reader.line_num or 1, "", _("Malformed CSV: %(error)s") % {"error": exc}))
    return header, rows


def _too_many_rows() -> str:
    return ngettext(
        "Too many rows: at most %(count)d row can be imported at once.",
        "Too many rows: at most %(count)d rows can be imported at once.",
        MAX_IMPORT_ROWS,
    ) % {"count": MAX_IMPORT_ROWS}


def _too_many_cells(cells: int, columns: int) -> str:
    """Return the message for a row with more cells than the header has columns.

    Two whole sentences, each with its own plural forms (one number per sentence).
    """
    row = ngettext(
        # Translators: first sentence of an import error; the next says how many
        # columns the header has.
        "This row has %(count)d cell.",
        "This row has %(count)d cells.",
        cells,
    ) % {"count": cells}
    header = ngettext(
        # Translators: second sentence of an import error, after "This row has 5 cells."
        "The header has %(count)d column.",
        "The header has %(count)d columns.",
        columns,
    ) % {"count": columns}
    return f"{row} {header}"


def _too_long(length: int, maximum: int) -> str:
    """Return the message for a text of ``length`` characters over ``maximum``."""
    allowed = ngettext(
        # Translators: first sentence of an import error about a cell's text; the next
        # says how long the text is.
        "At most %(count)d character is allowed.",
        "At most %(count)d characters are allowed.",
        maximum,
    ) % {"count": maximum}
    found = ngettext(
        # Translators: second sentence of an import error, after "At most 40 characters
        # are allowed."
        "This text has %(count)d character.",
        "This text has %(count)d characters.",
        length,
    ) % {"count": length}
    return f"{allowed} {found}"


def _check_header(header: list[str], errors: list[tuple[int, str, str]]) -> bool:
    """Report unknown, duplicate and missing columns; False if ``code`` is missing."""
    expected = ", ".join(MEMBERSHIP_IMPORT_COLUMNS)
    seen: set[str] = set()
    for name in header:
        if not name:
            continue
        if name not in MEMBERSHIP_IMPORT_COLUMNS:
            errors.append(
                (
                    1,
                    name,
                    _("Unknown column “%(name)s”; the columns are: %(expected)s.")
                    % {"name": name, "expected": expected},
                )
            )
        elif name in seen:
            errors.append((1, name, _("This column appears twice.")))
        seen.add(name)
    if "code" not in seen:
        errors.append((1, "code", _("The required column “code” is missing.")))
        return False
    return True


def _clean_text(value: str | None) -> tuple[str, bool]:
    """Trim, drop bidi controls; return (text, has other control characters)."""
    text = strip_bidi_controls((value or "").strip())
    bad = any(unicodedata.category(ch) == "Cc" and ch not in "\t" for ch in text)
    return text, bad


#: First characters that make spreadsheets read a cell as a formula (CSV injection:
#: ``=HYPERLINK(...)`` in a name would run when someone opens an export of it).
FORMULA_PREFIXES = ("=", "+", "-", "@")


def _text_problem(name: str, value: str) -> str | None:
    """Return why a text cell is refused (control characters, formula), or None."""
    if "\n" in value or "\r" in value:
        # What an unclosed quotation mark produces: the cell swallows the next lines.
        return _(
            'The text runs over several lines. Is a quotation mark (") left open on this line?'
        )
    if any(unicodedata.category(ch) == "Cc" and ch != "\t" for ch in value):
        return _("The text contains control characters.")
    # A lone "-" (often typed for "none") is not a formula.
    if name != "focal_point_phone" and len(value) > 1 and value.startswith(FORMULA_PREFIXES):
        return _(
            "The text may not start with “%(character)s”: spreadsheets would read it as a formula."
        ) % {"character": value[0]}
    return None


def _validate_row(
    row: _Row,
    collectivity_ids: dict[str, int],
    first_seen: dict[str, int],
    errors: list[tuple[int, str, str]],
) -> dict[str, Any] | None:
    """Check one row; return its cleaned values, or None after recording errors."""
    before = len(errors)
    cleaned: dict[str, Any] = {}

    code, _bad = _clean_text(row.values.get("code"))
    if not code:
        errors.append((row.line, "code", _("The code is required.")))
    elif code not in collectivity_ids:
        errors.append(
            (row.line, "code", _("No collectivity has the code “%(code)s”.") % {"code": code})
        )
    elif code in first_seen:
        errors.append(
            (
                row.line,
                "code",
                _("The code “%(code)s” already appears on line %(line)d.")
                % {"code": code, "line": first_seen[code]},
            )
        )
    else:
        first_seen[code] = row.line
    cleaned["code"] = code

    status, _bad = _clean_text(row.values.get("status"))
    status = status.lower()
    if status and status not in Membership.Status.values:
        errors.append(
            (
                row.line,
                "status",
                _("“%(value)s” is not a status; use one of: %(choices)s.")
                % {"value": status, "choices": ", ".join(Membership.Status.values)},
            )
        )
    cleaned["status"] = status

    joined, _bad = _clean_text(row.values.get("joined_on"))
    cleaned["joined_on"] = None
    if joined:
        try:
            if not _DATE.fullmatch(joined):
                raise ValueError(joined)
            cleaned["joined_on"] = datetime.date.fromisoformat(joined)
        except ValueError:
            errors.append(
                (
                    row.line,
                    "joined_on",
                    _("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": joined},
                )
            )

    for name in _TEXT_COLUMNS:
        value, _has_control = _clean_text(row.values.get(name))
        max_length = getattr(Membership._meta.get_field(name), "max_length", None) or 0
        problem = _text_problem(name, value)
        if problem:
            errors.append((row.line, name, problem))
        elif max_length and len(value) > max_length:
            errors.append(
                (
                    row.line,
                    name,
                    _too_long(len(value), max_length),
                )
            )
        elif name == "focal_point_email" and value:
            try:
                validate_email(value)
            except ValidationError:
                errors.append(
                    (row.line, name, _("“%(value)s” is not an e-mail address.") % {"value": value})
                )
        elif name == "focal_point_phone" and not _PHONE.fullmatch(value):
            errors.append(
                (
                    row.line,
                    name,
                    _("A telephone number may contain only digits, spaces and + ( ) . / -"),
                )
            )
        cleaned[name] = value
    return cleaned if len(errors) == before else None


def _model_errors(line: int, exc: ValidationError) -> list[tuple[int, str, str]]:
    found: list[tuple[int, str, str]] = []
    for name, messages in exc.message_dict.items():
        column = "joined_on" if name == NON_FIELD_ERRORS else name
        found.extend((line, column, message) for message in messages)
    return found


_COMPARED = ("status", "joined_on", *_TEXT_COLUMNS)


@transaction.atomic
def memberships_import_csv(
    *, network: Network, file: TextIO, dry_run: bool = False
) -> ImportReport:
    """Create or update memberships of ``network`` from a CSV file, all or nothing.

    Columns (header row required, any order, comma or semicolon separated, UTF-8):
    ``code`` (required: an official collectivity code, e.g. ``05.091.01.01``),
    ``status`` (active, suspended, withdrawn), ``joined_on`` (YYYY-MM-DD), ``cohort``,
    ``focal_point_name``, ``focal_point_title``, ``focal_point_email``,
    ``focal_point_phone``, ``source``. Only ``code`` is required. For an existing
    membership an empty cell leaves the stored value unchanged; a new membership is
    ``active`` unless ``status`` says otherwise.

    Every row is checked (unknown or repeated code, bad date, e-mail or status,
    oversized or control-character text, unknown columns, cells beyond the header, an
    empty file, more than 5,000 rows) and every model rule is applied
    (``full_clean``). If any row is wrong, nothing is written and all problems are
    returned; otherwise all rows are written in one transaction (history reason
    "CSV import").

    Args:
        network: the network the memberships belong to.
        file: the uploaded file opened as text (``encoding="utf-8-sig"`` recommended;
            a leading byte-order mark is ignored either way).
        dry_run: validate and count, but write nothing.

    Returns:
        An :class:`ImportReport`; its ``errors`` list row problems as
        ``(line, field, message)``. Row problems are never raised.

    Raises:
        ValueError: the file cannot be read as text (wrong encoding, binary content,
            I/O error), with a message fit to show to the person who uploaded it.
    """
    report = ImportReport(dry_run=dry_run)
    text = _read_text(file)
    if not text.strip():
        report.errors.append((1, "", _("The file is empty.")))
        return report

    header, rows = _parse_rows(text, report.errors)
    if len(rows) > MAX_IMPORT_ROWS:
        # Only this problem: listing thousands of row errors would hide it.
        report.errors[:] = [(rows[-1].line, "", _too_many_rows())]
        return report
    if not _check_header(header, report.errors):
        return report
    if not rows and not report.errors:
        report.errors.append((2, "", _("The file has a header but no rows.")))
        return report

    codes = {strip_bidi_controls((row.values.get("code") or "").strip()) for row in rows}
    collectivity_ids = dict(Collectivity.objects.filter(code__in=codes).values_list("code", "pk"))
    existing = {
        m.collectivity.code: m
        for m in Membership.objects.filter(
            network=network, collectivity__code__in=codes
        ).select_related("collectivity")
    }

    first_seen: dict[str, int] = {}
    pending: list[tuple[Membership, bool]] = []
    for row in rows:
        cleaned = _validate_row(row, collectivity_ids, first_seen, report.errors)
        if cleaned is None:
            continue
        membership = existing.get(cleaned["code"])
        is_new = membership is None
        if membership is None:
            membership = Membership(
                network=network, collectivity_id=collectivity_ids[cleaned["code"]]
            )
        before = [getattr(membership, name) for name in _COMPARED]
        for name in _COMPARED:
            value = cleaned[name]
            if value not in ("", None):
                setattr(membership, name, value)
        try:
            membership.full_clean(exclude=["network", "collectivity", "focal_point_user"])
        except ValidationError as exc:
            report.errors.extend(_model_errors(row.line, exc))
            continue
        if is_new:
            pending.append((membership, True))
        elif [getattr(membership, name) for name in _COMPARED] != before:
            pending.append((membership, False))
        else:
            report.unchanged += 1

    if report.errors:
        report.errors.sort(key=lambda error: error[0])
        report.unchanged = 0
        return report

    report.created = sum(1 for _m, is_new in pending if is_new)
    report.updated = len(pending) - report.created
    if dry_run or not pending:
        return report
    for membership, _is_new in pending:
        membership._change_reason = IMPORT_CHANGE_REASON  # type: ignore[attr-defined]
        membership.save()
    bump_content_version()
    return report


# --- Demo content ----------------------------------------------------------------

DEMO_SOURCE = "DEMO — sample data"
DEMO_COHORT = "demo"
# Sample members for trying the directory's filters: two provinces and four communes in
# five regions, one of them suspended. Not real memberships.
DEMO_MEMBERSHIPS: tuple[tuple[str, str, str], ...] = (
    ("01.151", Membership.Status.ACTIVE, "2024-03-04"),
    ("08.401", Membership.Status.ACTIVE, "2024-03-04"),
    ("03.271.01.03", Membership.Status.ACTIVE, "2024-06-17"),
    ("07.211.01.05", Membership.Status.ACTIVE, "2024-06-17"),
    ("09.581.01.07", Membership.Status.ACTIVE, ""),
    ("03.451.01.01", Membership.Status.SUSPENDED, "2024-06-17"),
)


@dataclass
class DemoReport:
    """Memberships created or deleted by the demo commands, and codes skipped."""

    created: int = 0
    deleted: int = 0
    skipped: list[str] = field(default_factory=list)


def _demo_memberships(network: Network) -> models.QuerySet[Membership]:
    return Membership.objects.filter(network=network, cohort=DEMO_COHORT, source=DEMO_SOURCE)


@transaction.atomic
def demo_content_load(*, network: Network) -> DemoReport:
    """Add a few sample memberships, labelled ``cohort="demo"`` and ``source=DEMO_SOURCE``.

    Collectivities that already have a membership (real or demo) are skipped, so a real
    membership is never touched. Undo with :func:`demo_content_remove`.

    Raises:
        SeedError: a demo collectivity code is not in the database.
    """
    report = DemoReport()
    codes = [code for code, _status, _joined in DEMO_MEMBERSHIPS]
    collectivities = {c.code: c for c in Collectivity.objects.filter(code__in=codes)}
    if len(collectivities) != len(codes):
        raise SeedError("Load the territories first (`manage.py load_territories`).")
    members = set(
        Membership.objects.filter(network=network, collectivity__code__in=codes).values_list(
            "collectivity__code", flat=True
        )
    )
    for code, status, joined in DEMO_MEMBERSHIPS:
        if code in members:
            report.skipped.append(code)
            continue
        membership = Membership(
            network=network,
            collectivity=collectivities[code],
            status=status,
            joined_on=datetime.date.fromisoformat(joined) if joined else None,
            cohort=DEMO_COHORT,
            focal_point_name="Sample focal point (DEMO)",
            focal_point_title="Demo data — not a real person",
            focal_point_email="focal-point@example.org",
            source=DEMO_SOURCE,
        )
        membership.full_clean()
        membership._change_reason = "load_demo_content"  # type: ignore[attr-defined]
        membership.save()
        report.created += 1
    return report


@transaction.atomic
def demo_content_remove(*, network: Network) -> DemoReport:
    """Delete exactly the demo memberships (``cohort="demo"`` and ``source=DEMO_SOURCE``)."""
    report = DemoReport()
    for membership in _demo_memberships(network):
        membership._change_reason = "load_demo_content --remove"  # type: ignore[attr-defined]
        membership.delete()
        report.deleted += 1
    return report
