"""``manage.py library_import``: files and folders, metadata CSV, report, duplicates."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from infitah.library import indexing, search
from infitah.library.models import Document
from infitah.network.models import Network
from infitah.territories.models import Collectivity
from tests.library import samples

pytestmark = pytest.mark.django_db

HEADER = "filename,title_ar,title_fr,kind,language,date,licence,collectivity_code,principles\n"


def run(*args: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("library_import", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        err.write(str(exc))
        code = exc.returncode
    return out.getvalue(), err.getvalue(), code


def test_the_seed_is_imported_and_found(seed_path: Path) -> None:
    out, err, code = run(str(seed_path))

    assert code == 0, err
    assert "1 imported, 0 skipped" in out
    assert "1/1" in err  # progress lines on a non-terminal
    document = Document.objects.get()
    assert document.language == "ar"
    assert document.extraction_status == "done"
    assert document.collectivity is None
    assert document.original_filename == "seed_extract.txt"
    for query in (
        "برنامج عمل الانفتاح",
        "بني ملال",
        "هيئة المساواة وتكافؤ الفرص ومقاربة النوع",
        "ميثاق الشبكة",
        "الإعداد المشترك",
    ):
        hits = search.search_hits(query, object_types=[indexing.DOCUMENT_TYPE])
        assert [h.object_id for h in hits] == [document.pk], query


def test_folder_with_metadata(
    tmp_path: Path,
    seed_path: Path,
    network: Network,
    commune_a: Collectivity,
    commune_b: Collectivity,
) -> None:
    network.principles.create(code="transparency", name_fr="Transparence")
    network.principles.create(code="participation", name_fr="Participation")
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(seed_path, folder / "beni-mellal.txt")
    (folder / "sub" / "guide.pdf").write_bytes(samples.pdf_bytes("Guide de la transparence"))
    (folder / "budget.xlsx").write_bytes(
        samples.xlsx_bytes([["Projet", "Coût"], ["Éclairage", 100]])
    )
    (folder / ".hidden.pdf").write_bytes(samples.pdf_bytes("caché"))
    metadata = tmp_path / "meta.csv"
    metadata.write_text(
        HEADER
        + "beni-mellal.txt,بلاغ صحفي,Communiqué,report,ar,2023-07-11,CC-BY-4.0,"
        + f"{commune_a.code},transparency;participation\n"
        + "guide.pdf,,Guide de la transparence,guide,fr,2024-01-15,public-domain,,\n",
        encoding="utf-8",
    )

    out, err, code = run(str(folder), "--metadata", str(metadata), "--collectivity", commune_b.code)

    assert code == 0, err
    assert "3 imported, 0 skipped" in out
    seed = Document.objects.get(original_filename="beni-mellal.txt")
    assert (seed.title_ar, seed.title_fr, seed.kind, seed.language) == (
        "بلاغ صحفي",
        "Communiqué",
        "report",
        "ar",
    )
    assert seed.collectivity == commune_a
    assert seed.licence == "CC-BY-4.0"
    assert sorted(seed.principles.values_list("code", flat=True)) == [
        "participation",
        "transparency",
    ]
    guide = Document.objects.get(original_filename="guide.pdf")
    assert guide.collectivity == commune_b  # --collectivity for rows without one
    assert guide.extraction_status == "done"
    budget = Document.objects.get(original_filename="budget.xlsx")
    assert budget.title_fr == "budget" and budget.kind == "other"
    assert not Document.objects.filter(original_filename=".hidden.pdf").exists()


def test_duplicates_are_skipped(tmp_path: Path, seed_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    shutil.copy(seed_path, copy)

    run(str(seed_path))
    out, err, code = run(str(seed_path), str(copy))

    assert code == 0, err
    assert "0 imported, 2 skipped" in out
    assert "skipped: " in out and "already in the library" in out
    assert Document.objects.count() == 1


def test_bad_lines_are_reported_with_line_and_column(
    tmp_path: Path, commune_a: Collectivity
) -> None:
    for name in ("a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf"):
        (tmp_path / name).write_bytes(samples.pdf_bytes(f"Document {name}"))
    (tmp_path / "fake.pdf").write_bytes(b"<html>not a pdf</html>")
    metadata = tmp_path / "meta.csv"
    metadata.write_text(
        HEADER
        + "a.pdf,,A,novel,fr,,,,\n"  # line 2: unknown kind
        + "b.pdf,,B,guide,fr,2024-13-01,,,\n"  # line 3: bad date
        + "c.pdf,,C,guide,fr,,,99.999,\n"  # line 4: unknown collectivity
        + "d.pdf,,D,guide,fr,,,,nope\n"  # line 5: unknown principle
        + "missing.pdf,,M,guide,fr,,,,\n"  # line 6: no such file
        + "e.pdf,,E,guide\n",  # line 7: too few values
        encoding="utf-8",
    )

    out, err, code = run(str(tmp_path), "--metadata", str(metadata))

    assert code == 1
    assert "a.pdf (metadata line 2, kind): unknown value 'novel'" in err
    assert "b.pdf (metadata line 3, date)" in err
    assert "c.pdf (metadata line 4, collectivity_code)" in err
    assert "d.pdf (metadata line 5, principles): unknown principle 'nope'" in err
    assert "missing.pdf (metadata line 6, filename)" in err
    assert "metadata (metadata line 7): 4 values for 9 columns" in err
    assert "fake.pdf: This kind of file is not accepted" in err
    # Each file on its own: e.pdf (its row was unusable) is imported with defaults.
    assert list(Document.objects.values_list("original_filename", flat=True)) == ["e.pdf"]


def test_dry_run_writes_nothing(tmp_path: Path, seed_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    shutil.copy(seed_path, copy)

    out, err, code = run(str(seed_path), str(copy), "--dry-run")

    assert code == 0, err
    assert "Dry run, nothing written. 1 would import, 1 skipped" in out
    assert not Document.objects.exists()


def test_unknown_paths_and_options(tmp_path: Path) -> None:
    assert run(str(tmp_path / "nope"))[2] == 1
    assert "no such file" in run(str(tmp_path / "nope"))[1]
    assert run(str(tmp_path), "--collectivity", "nope")[2] == 1
    assert run(str(tmp_path), "--metadata", str(tmp_path / "nope.csv"))[2] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("title\nx\n", encoding="utf-8")
    assert "no 'filename' column" in run(str(tmp_path), "--metadata", str(bad))[1]
