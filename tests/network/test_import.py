"""CSV import of memberships: all rows valid or nothing imported."""

from __future__ import annotations

import datetime
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from infitah.network.models import Membership, Network
from infitah.network.services import ImportReport, decode_csv_upload, memberships_import_csv
from infitah.territories.models import Collectivity
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(network: Network) -> list[Collectivity]:
    province = factories.ProvinceFactory(code="05.091")
    return [
        factories.CommuneFactory(parent=province, code=code, name_fr=name)
        for code, name in (
            ("05.091.01.01", "Béni Mellal"),
            ("05.091.03.05", "Foum Oudi"),
            ("05.091.03.07", "Oulad Gnaou"),
        )
    ]


def run(network: Network, text: str, dry_run: bool = False, language: str = "en") -> ImportReport:
    """Import ``text``; the report's messages are in ``language`` (English by default)."""
    with translation.override(language):
        return memberships_import_csv(network=network, file=io.StringIO(text), dry_run=dry_run)


GOOD = (
    "code,status,joined_on,cohort,focal_point_name,focal_point_title,"
    "focal_point_email,focal_point_phone\n"
    "05.091.01.01,active,2023-01-12,2023,Amina Alaoui,Chargée de l'ouverture,"
    "ouverture@example.org,+212 523 00 00 00\n"
    "05.091.03.05,,,2024,,,,\n"
)


def test_good_file_creates_then_updates_then_changes_nothing(
    network: Network, communes: list[Collectivity]
) -> None:
    report = run(network, GOOD)
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    beni_mellal = Membership.objects.get(collectivity__code="05.091.01.01")
    assert beni_mellal.joined_on == datetime.date(2023, 1, 12)
    assert beni_mellal.focal_point_email == "ouverture@example.org"
    assert beni_mellal.focal_point_title == "Chargée de l'ouverture"
    assert beni_mellal.history.latest().history_change_reason == "CSV import"  # type: ignore[attr-defined]
    foum_oudi = Membership.objects.get(collectivity__code="05.091.03.05")
    assert foum_oudi.status == Membership.Status.ACTIVE and foum_oudi.joined_on is None

    again = run(network, GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

    # Only the columns present change; empty cells keep the stored value.
    update = run(network, "code,status\n05.091.01.01,suspended\n")
    assert (update.created, update.updated) == (0, 1)
    beni_mellal.refresh_from_db()
    assert beni_mellal.status == Membership.Status.SUSPENDED
    assert beni_mellal.focal_point_name == "Amina Alaoui"


def test_dry_run_writes_nothing(network: Network, communes: list[Collectivity]) -> None:
    report = run(network, GOOD, dry_run=True)
    assert report.ok and report.dry_run and report.created == 2
    assert not Membership.objects.exists()


def test_semicolons_bom_and_bidi_controls(network: Network, communes: list[Collectivity]) -> None:
    text = "\ufeffCode;Focal_Point_Name\n05.091.01.01;\u202eAmina\u202c\n"
    report = run(network, text)
    assert report.ok, report.errors
    membership = Membership.objects.get()
    assert membership.focal_point_name == "Amina"


def test_every_bad_row_is_reported_and_nothing_imported(
    network: Network, communes: list[Collectivity]
) -> None:
    text = (
        "code,status,joined_on,cohort,focal_point_email,focal_point_phone,focal_point_name\n"
        "05.091.01.01,active,2023-01-12,2023,ok@example.org,0523000000,Good row\n"  # 2
        "99.999.99.99,,,,,,\n"  # 3 unknown code
        "05.091.03.05,,12/01/2023,,,,\n"  # 4 bad date format
        "05.091.03.07,,2023-02-30,,,,\n"  # 5 impossible date
        ",,,,,,\n"  # 6 blank row: skipped
        "05.091.01.01,,,,,,\n"  # 7 duplicate code
        "05.091.03.07,paused,,,not-an-email,call me,\n"  # 8 status, e-mail, phone (+dup)
        f"05.091.03.05,,,{'x' * 41},,,{'n' * 201}\n"  # 9 oversized (+dup)
        ",active,,,,,\n"  # 10 missing code
    )
    report = run(network, text)
    assert not Membership.objects.exists()
    assert (report.created, report.updated) == (0, 0)
    found = {(line, field) for line, field, _message in report.errors}
    assert found >= {
        (3, "code"),
        (4, "joined_on"),
        (5, "joined_on"),
        (7, "code"),
        (8, "status"),
        (8, "focal_point_email"),
        (8, "focal_point_phone"),
        (9, "cohort"),
        (9, "focal_point_name"),
        (10, "code"),
    }
    assert all(line != 2 and line != 6 for line, _f, _m in report.errors)
    messages = {(line, field): message for line, field, message in report.errors}
    assert "99.999.99.99" in messages[(3, "code")]
    assert "line 2" in messages[(7, "code")]
    assert "YYYY-MM-DD" in messages[(4, "joined_on")]
    assert [e[0] for e in report.errors] == sorted(e[0] for e in report.errors)


def test_header_problems(network: Network, communes: list[Collectivity]) -> None:
    report = run(network, "code,colour,status,status\n05.091.01.01,red,,\n")
    assert (1, "colour") in {(line, field) for line, field, _m in report.errors}
    assert (1, "status") in {(line, field) for line, field, _m in report.errors}
    assert not Membership.objects.exists()

    report = run(network, "name,status\nBéni Mellal,active\n")
    assert (1, "code") in {(line, field) for line, field, _m in report.errors}

    report = run(network, "code,status\n05.091.01.01,active,extra\n")
    assert report.errors == [(2, "", "This row has 3 cells. The header has 2 columns.")]
    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This row has 3 cells. The header has 2 columns."),
        ("fr", "Cette ligne compte 3 cellules. L'en-tête compte 2 colonnes."),
        ("ar", "يتضمن هذا السطر 3 خانات. يتضمن سطر العناوين عمودين."),  # 3-10 form; dual
    ],
)
def test_cell_count_message_uses_plural_forms(
    network: Network, communes: list[Collectivity], language: str, message: str
) -> None:
    report = run(network, "code,status\n05.091.01.01,active,extra\n", language=language)
    assert report.errors == [(2, "", message)]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "At most 40 characters are allowed. This text has 41 characters."),
        ("fr", "40 caractères au maximum sont autorisés. Ce texte compte 41 caractères."),
        ("ar", "الحد الأقصى المسموح به 40 حرفا. يتضمن هذا النص 41 حرفا."),  # 11-99 form
    ],
)
def test_length_message_uses_plural_forms(
    network: Network, communes: list[Collectivity], language: str, message: str
) -> None:
    report = run(network, f"code,cohort\n05.091.01.01,{'x' * 41}\n", language=language)
    assert report.errors == [(2, "cohort", message)]


@pytest.mark.parametrize("text", ["", "   \n\n", "code,status\n"])
def test_empty_files(network: Network, text: str) -> None:
    report = run(network, text)
    assert len(report.errors) == 1 and not report.ok
    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    "cell",
    [
        '"=HYPERLINK(""http://evil.example"",""Click"")"',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)",
    ],
)
def test_formula_cells_are_refused(
    network: Network, communes: list[Collectivity], cell: str
) -> None:
    """CSV injection: a name a spreadsheet would run as a formula when the data is exported."""
    report = run(network, f"code,focal_point_name,cohort\n05.091.01.01,{cell},2024\n")
    assert [(line, field) for line, field, _m in report.errors] == [(2, "focal_point_name")]
    assert "formula" in report.errors[0][2]
    assert not Membership.objects.exists()
    # A telephone number starts with + (and may not hold anything else); a lone "-" is text.
    report = run(
        network, "code,focal_point_phone,focal_point_title\n05.091.01.01,+212 523 00 00 00,-\n"
    )
    assert report.ok, report.errors


def test_unclosed_quote_is_named_as_such(network: Network, communes: list[Collectivity]) -> None:
    text = (
        "code,focal_point_name,cohort\n"
        '05.091.01.01,"Amina Alaoui,2024\n'
        "05.091.03.05,Foum Oudi,2024\n"
    )
    report = run(network, text)
    assert [(line, field) for line, field, _m in report.errors] == [(2, "focal_point_name")]
    assert "quotation mark" in report.errors[0][2]
    assert not Membership.objects.exists()


def test_too_many_rows_is_the_only_error(
    network: Network, communes: list[Collectivity], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A huge file gets one clear message, not thousands of row errors before it."""
    monkeypatch.setattr("infitah.network.services.MAX_IMPORT_ROWS", 3)
    text = "code\n" + "99.999.99.99\n" * 10
    report = run(network, text)
    assert report.errors == [(5, "", "Too many rows: at most 3 rows can be imported at once.")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("code\n05.091.01.01\n".encode("utf-16"), "UTF-16"),
        (b"code,focal_point_name\n05.091.01.01,Amina\n05.091.03.05,Charg\xe9e\n", "line 3"),
        (b"PK\x03\x04\x14\x00\x06\x00binary", "binary"),
    ],
)
def test_unreadable_bytes_are_named(data: bytes, message: str) -> None:
    with translation.override("en"), pytest.raises(ValueError, match=message):
        decode_csv_upload(data)
    assert decode_csv_upload(b"\xef\xbb\xbfcode\n") == "code\n"  # the BOM is dropped


def test_bad_byte_line_is_named_far_into_the_file(network: Network) -> None:
    """The line is counted in the whole file, not in the block being decoded."""
    data = b"code,focal_point_name\n" + b"05.091.01.01,Amina\n" * 2000 + b"x,Charg\xe9e\n"
    with translation.override("en"), pytest.raises(ValueError, match="line 2002"):
        memberships_import_csv(
            network=network, file=io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig")
        )


def test_wrong_encoding_raises_value_error(network: Network) -> None:
    raw = io.BytesIO("code,focal_point_name\n05.091.01.01,Chargée\n".encode("latin-1"))
    with translation.override("en"), pytest.raises(ValueError, match="not UTF-8 text"):
        memberships_import_csv(network=network, file=io.TextIOWrapper(raw, encoding="utf-8-sig"))
    with pytest.raises(ValueError, match="binary"):
        run(network, "PK\x03\x04\x00\x00")


def test_model_rules_apply(network: Network, communes: list[Collectivity]) -> None:
    factories.MembershipFactory(
        network=network,
        collectivity=communes[0],
        joined_on=datetime.date(2023, 1, 1),
        left_on=datetime.date(2023, 6, 1),
    )
    report = run(network, "code,joined_on\n05.091.01.01,2024-01-01\n")
    assert [(line, field) for line, field, _m in report.errors] == [(2, "joined_on")]
    assert Membership.objects.get().joined_on == datetime.date(2023, 1, 1)


def test_command(tmp_path: Path, network: Network, communes: list[Collectivity]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("code,joined_on\n05.091.01.01,tomorrow\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_members", str(bad), stdout=StringIO(), stderr=err)
    assert "bad.csv, line 2, column joined_on:" in err.getvalue()

    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8-sig")
    out = StringIO()
    call_command("import_members", str(good), dry_run=True, stdout=out)
    assert "2 to create" in out.getvalue() and not Membership.objects.exists()
    call_command("import_members", str(good), stdout=out)
    assert Membership.objects.count() == 2

    latin = tmp_path / "latin.csv"
    latin.write_bytes("code,focal_point_name\n05.091.01.01,Chargée\n".encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_members", str(latin), stdout=StringIO())
    with pytest.raises(CommandError, match="not found"):
        call_command("import_members", str(tmp_path / "none.csv"), stdout=StringIO())
    with pytest.raises(CommandError, match="directory"):
        call_command("import_members", str(tmp_path), stdout=StringIO())


def test_command_speaks_english_whatever_the_site_language(
    tmp_path: Path, network: Network, communes: list[Collectivity]
) -> None:
    """Not Arabic messages (the site's default language) inside English lines."""
    bad = tmp_path / "bad.csv"
    bad.write_text("code,joined_on\n05.091.01.01,2023-02-30\n", encoding="utf-8")
    err = StringIO()
    with translation.override("ar"), pytest.raises(CommandError):
        call_command("import_members", str(bad), stdout=StringIO(), stderr=err)
    assert "is not a date in the form YYYY-MM-DD" in err.getvalue()
