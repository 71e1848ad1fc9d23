"""The words of generated documents: dates, times, names, plain-text bodies."""

from __future__ import annotations

import datetime

import pytest

from infitah.publications import wording
from infitah.publications.wording import Block


@pytest.mark.parametrize(
    ("day", "language", "expected"),
    [
        (datetime.date(2023, 7, 11), "ar", "الثلاثاء 11 يوليوز 2023"),
        (datetime.date(2023, 7, 11), "fr", "mardi 11 juillet 2023"),
        (datetime.date(2023, 8, 1), "ar", "الثلاثاء 1 غشت 2023"),
        (datetime.date(2023, 8, 1), "fr", "mardi 1er août 2023"),
        (datetime.date(2023, 9, 10), "ar", "الأحد 10 شتنبر 2023"),
        (datetime.date(2023, 11, 6), "ar", "الاثنين 6 نونبر 2023"),
        (datetime.date(2023, 12, 8), "ar", "الجمعة 8 دجنبر 2023"),
        (datetime.date(2024, 5, 4), "ar", "السبت 4 ماي 2024"),
    ],
)
def test_date_words(day: datetime.date, language: str, expected: str) -> None:
    assert wording.date_words(day, language) == expected  # type: ignore[arg-type]


def test_moroccan_month_names_in_order() -> None:
    assert wording.AR_MONTHS == (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "ماي",
        "يونيو",
        "يوليوز",
        "غشت",
        "شتنبر",
        "أكتوبر",
        "نونبر",
        "دجنبر",
    )


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        (datetime.time(10, 0), "العاشرة صباحا"),
        (datetime.time(9, 30), "التاسعة والنصف صباحا"),
        (datetime.time(10, 45), "الحادية عشرة إلا ربعا صباحا"),
        (datetime.time(12, 0), "الثانية عشرة زوالا"),
        (datetime.time(15, 15), "الثالثة والربع بعد الزوال"),
        (datetime.time(18, 20), "السادسة والثلث مساء"),
        (datetime.time(10, 55), "العاشرة و55 دقيقة صباحا"),
    ],
)
def test_arabic_time_words(time: datetime.time, expected: str) -> None:
    assert wording.time_words(time, "ar") == expected


def test_french_times_and_slots() -> None:
    assert wording.time_words(datetime.time(10, 0), "fr") == "10 h 00"
    assert wording.time_range(datetime.time(9, 30), datetime.time(10, 0), "fr") == (
        "9 h 30 – 10 h 00"
    )
    assert wording.time_range(datetime.time(9, 30), datetime.time(10, 0), "ar") == (
        "من 09:30 إلى 10:00"
    )


def test_sessions_and_periods() -> None:
    october = datetime.date(2023, 10, 1)
    assert wording.session_words(october, "ar") == "دورة أكتوبر 2023"
    assert wording.session_words(october, "fr") == "session d'octobre 2023"
    assert wording.session_words(datetime.date(2024, 2, 1), "fr") == "session de février 2024"
    assert (
        wording.period_words(datetime.date(2023, 7, 12), datetime.date(2023, 9, 30), "ar")
        == "من يوليوز إلى شتنبر 2023"
    )
    assert (
        wording.period_words(datetime.date(2023, 12, 1), datetime.date(2024, 1, 31), "fr")
        == "de décembre 2023 à janvier 2024"
    )
    assert wording.period_words(datetime.date(2023, 8, 2), None, "fr") == "août 2023"


def test_unit_names_and_councils() -> None:
    assert wording.unit_name("commune", "بني ملال", "ar") == "جماعة بني ملال"
    assert wording.unit_name("commune", "جماعة بني ملال", "ar") == "جماعة بني ملال"
    assert wording.unit_name("commune", "Béni Mellal", "fr") == "la commune de Béni Mellal"
    assert wording.unit_name("commune", "Agadir", "fr") == "la commune d'Agadir"
    assert wording.unit_name("region", "Commune X", "fr") == "la région de Commune X"
    assert wording.council_name("region", "ar") == "مجلس الجهة"
    assert wording.of_article_fr("le conseil communal") == "du conseil communal"
    assert wording.of_article_fr("Réseau marocain") == "du Réseau marocain"


def test_counts_and_lists() -> None:
    counts = wording.FOUNDING_COUNTS["ar"]
    assert wording.count_words(12, counts["regions"], "ar") == "12 جهة"
    assert wording.count_words(4, counts["councils"], "ar") == "4 مجالس إقليمية"
    assert wording.count_words(2, counts["communes"], "ar") == "جماعتان"
    assert wording.count_words(50, counts["communes"], "ar") == "50 جماعة"
    assert wording.join_words(["أ", "ب", "ج"], "ar") == "أ وب وج"
    assert wording.join_words(["a", "b", "c"], "fr") == "a, b et c"
    assert wording.join_words([], "fr") == ""


def test_in_place_ar() -> None:
    assert wording.in_place_ar("المركز الاجتماعي") == "بالمركز الاجتماعي"
    assert wording.in_place_ar("Hotel Atlas") == "في Hotel Atlas"
    assert wording.in_place_ar("«مغيلة»") == "في «مغيلة»"


def test_tidy_text_joins_list_items_and_paragraphs() -> None:
    text = "  Title  \n\n\n\nFirst   line\n\n- a\n\n- b\n\n\nEnd\n"
    assert wording.tidy_text(text) == "Title\n\nFirst   line\n\n- a\n- b\n\nEnd"


def test_body_blocks() -> None:
    body = "Intro line\nsecond line\n\n- one\n- two\nafter\n\n<b>not html</b>"
    assert wording.body_blocks(body) == [
        Block("paragraph", ("Intro line", "second line")),
        Block("list", ("one", "two")),
        Block("paragraph", ("after",)),
        Block("paragraph", ("<b>not html</b>",)),
    ]
    assert wording.body_blocks("") == []
