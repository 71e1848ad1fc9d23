"""Bulk import of files into the library (``manage.py library_import``).

Files are given as paths (folders are walked recursively; hidden files and the
metadata file itself are left out). Their descriptions come from an optional CSV file
with a header row and these columns (UTF-8, comma-separated)::

    filename,title_ar,title_fr,kind,language,date,licence,collectivity_code,principles

``filename`` is the file's name (without folders); ``kind`` a
:class:`~infitah.library.models.Document.Kind` value (``guide``, ``report``...);
``language`` ``ar``/``fr``/``en``/``other``; ``date`` ``YYYY-MM-DD``; ``licence`` a
:class:`~infitah.library.models.Document.Licence` value (``CC-BY-4.0``...);
``collectivity_code`` an official code (empty: ``--collectivity``, else the network);
``principles`` principle codes separated by ``;``. Optional columns: ``title_en``,
``summary_ar``, ``summary_fr``, ``summary_en``. Only ``filename`` is required in a row.

A file without a row gets its name as title, kind "other", and the language read from
its text (mostly Arabic letters: Arabic; mostly Latin: French). Each file is imported
in its own transaction; a file identical to one already in the library (same SHA-256)
is skipped; a bad row fails its file only, reported with the CSV line and column.
Besides the library's types, plain UTF-8 ``.txt`` files are accepted.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from infitah.library import filetypes, services
from infitah.library.extraction import Extraction, extract_text
from infitah.library.models import Document
from infitah.network.models import Principle
from infitah.network.selectors import current_network
from infitah.territories.models import Collectivity

__all__ = [
    "METADATA_COLUMNS",
    "ImportReport",
    "collect_files",
    "guess_language",
    "import_files",
    "read_metadata",
]

METADATA_COLUMNS = (
    "filename",
    "title_ar",
    "title_fr",
    "kind",
    "language",
    "date",
    "licence",
    "collectivity_code",
    "principles",
)
OPTIONAL_COLUMNS = ("title_en", "summary_ar", "summary_fr", "summary_en")
_MAX_CELL = 10_000


@dataclass(frozen=True)
class MetadataRow:
    """One row of the metadata CSV (``line`` is its line number in the file)."""

    line: int
    values: dict[str, str]


@dataclass
class Problem:
    """Why a file was not imported: the file, and the CSV line and column when known."""

    path: str
    message: str
    line: int | None = None
    column: str = ""

    def __str__(self) -> str:
        where = ""
        if self.line is not None:
            where = (
                f" (metadata line {self.line}" + (f", {self.column}" if self.column else "") + ")"
            )
        return f"{self.path}{where}: {self.message}"


@dataclass
class ImportReport:
    """What an import did: imported ``(path, slug)``, skipped ``(path, reason)``, failed."""

    dry_run: bool = False
    imported: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def read_metadata(text: str) -> tuple[dict[str, MetadataRow], list[Problem]]:
    """Parse the metadata CSV.

    Returns:
        ``({filename: row}, problems)``: rows without a file name, repeated file names
        and unknown columns are problems (with their line); the other rows are kept.

    Raises:
        ValueError: no header row, or no ``filename`` column.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise ValueError("the metadata file is empty") from None
    except csv.Error as exc:
        raise ValueError(f"the metadata file is not valid CSV: {exc}") from exc
    if "filename" not in header:
        raise ValueError("the metadata file has no 'filename' column in its first line")
    problems: list[Problem] = []
    known = set(METADATA_COLUMNS) | set(OPTIONAL_COLUMNS)
    unknown = [name for name in header if name not in known]
    if unknown:
        problems.append(Problem("metadata", f"unknown column(s): {', '.join(unknown)}", line=1))
    rows: dict[str, MetadataRow] = {}
    try:
        for values in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in values):
                continue
            if len(values) != len(header):
                problems.append(
                    Problem(
                        "metadata",
                        f"{len(values)} values for {len(header)} columns",
                        line=line,
                    )
                )
                continue
            row = {
                name: value.strip()[:_MAX_CELL]
                for name, value in zip(header, values, strict=True)
                if name in known
            }
            name = Path(row.get("filename", "")).name
            if not name:
                problems.append(Problem("metadata", "no file name", line=line, column="filename"))
            elif name in rows:
                problems.append(
                    Problem(
                        name,
                        f"described twice (also on line {rows[name].line})",
                        line=line,
                        column="filename",
                    )
                )
            else:
                rows[name] = MetadataRow(line, row)
    except csv.Error as exc:
        problems.append(Problem("metadata", f"not valid CSV: {exc}", line=reader.line_num))
    return rows, problems


def collect_files(paths: Iterable[Path], *, exclude: Iterable[Path] = ()) -> list[Path]:
    """Return the files of ``paths`` (folders walked recursively), sorted, without hidden ones.

    Raises:
        FileNotFoundError: a path does not exist.
    """
    excluded = {p.resolve() for p in exclude}
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(str(path))
        candidates: Iterator[Path] = iter([path]) if path.is_file() else path.rglob("*")
        for candidate in candidates:
            relative = candidate.relative_to(path) if path.is_dir() else Path(candidate.name)
            if (
                candidate.is_file()
                and not any(part.startswith(".") for part in relative.parts)
                and candidate.resolve() not in excluded
            ):
                found.append(candidate)
    return sorted(dict.fromkeys(found))


def guess_language(text: str) -> str:
    """Return ``ar`` when most letters of ``text`` are Arabic, ``fr`` when Latin, else ``other``."""
    arabic = latin = 0
    for char in text[:50_000]:
        if "\u0600" <= char <= "\u06ff":
            arabic += 1
        elif char.isascii() and char.isalpha() or "\u00c0" <= char <= "\u024f":
            latin += 1
    if not arabic and not latin:
        return Document.Language.OTHER
    return Document.Language.ARABIC if arabic >= latin else Document.Language.FRENCH


class _RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _choice(value: str, choices: type[Document.Kind] | type[Document.Language], column: str) -> str:
    folded = value.strip().lower()
    for option in choices:
        if folded in (option.value.lower(), str(option.label).lower()):
            return option.value
    raise _RowError(column, f"unknown value {value!r} (one of: {', '.join(choices.values)})")


def _licence(value: str) -> str:
    folded = value.strip().lower()
    for option in Document.Licence:
        if folded == option.value.lower():
            return option.value
    raise _RowError(
        "licence", f"unknown licence {value!r} (one of: {', '.join(Document.Licence.values)})"
    )


def _metadata(
    path: Path,
    row: MetadataRow | None,
    *,
    default_collectivity: Collectivity | None,
    text_language: str,
    principles_by_code: dict[str, Principle],
) -> services.DocumentMetadata:
    values = row.values if row else {}
    titles = {code: values.get(f"title_{code}", "") for code in ("ar", "fr", "en")}
    if not any(titles.values()):
        titles["fr"] = path.stem.replace("_", " ").strip() or path.name
    language = (
        _choice(values["language"], Document.Language, "language")
        if values.get("language")
        else text_language
    )
    kind = _choice(values["kind"], Document.Kind, "kind") if values.get("kind") else "other"
    issued_on = None
    if values.get("date"):
        try:
            issued_on = datetime.date.fromisoformat(values["date"])
        except ValueError:
            raise _RowError("date", f"not a date {values['date']!r} (use YYYY-MM-DD)") from None
    licence = (
        _licence(values["licence"])
        if values.get("licence")
        else Document.Licence.ALL_RIGHTS_RESERVED
    )
    collectivity = default_collectivity
    if values.get("collectivity_code"):
        code = values["collectivity_code"]
        collectivity = Collectivity.objects.filter(code=code).first()
        if collectivity is None:
            raise _RowError("collectivity_code", f"no collectivity has the code {code!r}")
    principles = []
    for code in filter(
        None, (c.strip() for c in values.get("principles", "").replace("|", ";").split(";"))
    ):
        principle = principles_by_code.get(code)
        if principle is None:
            raise _RowError("principles", f"unknown principle {code!r}")
        principles.append(principle)
    return services.DocumentMetadata(
        titles=titles,
        summaries={code: values.get(f"summary_{code}", "") for code in ("ar", "fr", "en")},
        kind=kind,
        language=language,
        collectivity=collectivity,
        principles=principles,
        issued_on=issued_on,
        licence=licence,
    )


def _validation_message(error: ValidationError) -> tuple[str, str]:
    """``(column, message)`` of a service's ValidationError."""
    if hasattr(error, "error_dict"):
        column, errors = next(iter(error.error_dict.items()))
        return column, "; ".join(str(m) for e in errors for m in e.messages)
    return "", "; ".join(error.messages)


def _is_duplicate(error: ValidationError) -> bool:
    if not hasattr(error, "error_dict"):
        return False
    return any(e.code == "duplicate" for e in error.error_dict.get("file", []))


def import_files(
    files: Iterable[Path],
    *,
    metadata: dict[str, MetadataRow] | None = None,
    default_collectivity: Collectivity | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int, Path], None] | None = None,
) -> ImportReport:
    """Import ``files`` into the library, one transaction per file.

    Args:
        files: the files (see :func:`collect_files`).
        metadata: rows of the metadata CSV by file name (see :func:`read_metadata`).
        default_collectivity: owner of files whose row gives no collectivity
            (``None``: the network).
        dry_run: check everything, write nothing.
        progress: called as ``progress(done, total, path)`` before each file.

    Returns:
        An :class:`ImportReport`. The text of each imported file is extracted at once
        (not in the background), so the documents are searchable when this returns.
    """
    rows = metadata or {}
    files = list(files)
    report = ImportReport(dry_run=dry_run)
    network = current_network()
    principles_by_code = (
        {p.code: p for p in Principle.objects.filter(network=network)} if network else {}
    )
    seen_digests: dict[str, str] = {}
    used_rows: set[str] = set()
    for number, path in enumerate(files, start=1):
        if progress:
            progress(number - 1, len(files), path)
        row = rows.get(path.name)
        if row:
            used_rows.add(path.name)
        line = row.line if row else None
        try:
            with path.open("rb") as file:
                file_type = filetypes.detect_file_type(file, filename=path.name, allow_text=True)
                extraction = (
                    extract_text(file, file_type)
                    if file_type.has_text
                    else Extraction("not_applicable")
                )
                meta = _metadata(
                    path,
                    row,
                    default_collectivity=default_collectivity,
                    text_language=guess_language(extraction.text),
                    principles_by_code=principles_by_code,
                )
                size = path.stat().st_size
                if dry_run:
                    digest = services.document_check(
                        user=None,
                        metadata=meta,
                        file=file,
                        filename=path.name,
                        size=size,
                        allow_text=True,
                    )
                    if digest in seen_digests:
                        report.skipped.append((str(path), f"same file as {seen_digests[digest]}"))
                        continue
                    seen_digests[digest] = str(path)
                    report.imported.append((str(path), ""))
                    continue
                with transaction.atomic():
                    document = services.document_create(
                        user=None,
                        metadata=meta,
                        file=file,
                        filename=path.name,
                        size=size,
                        allow_text=True,
                        extraction=extraction,
                    )
                report.imported.append((str(path), document.slug))
        except _RowError as exc:
            report.failed.append(Problem(str(path), exc.message, line=line, column=exc.column))
        except ValidationError as exc:
            if _is_duplicate(exc):
                report.skipped.append((str(path), _validation_message(exc)[1]))
            else:
                column, message = _validation_message(exc)
                report.failed.append(Problem(str(path), message, line=line, column=column))
        except OSError as exc:
            report.failed.append(
                Problem(str(path), f"cannot read the file ({exc.strerror or exc})")
            )
    if progress:
        progress(len(files), len(files), Path())
    for name, row in rows.items():
        if name not in used_rows:
            report.failed.append(
                Problem(
                    name,
                    "described in the metadata but not among the files",
                    line=row.line,
                    column="filename",
                )
            )
    return report
