"""Search quality: a fixed corpus of Arabic, French and English texts (the seed among them),
queries typed in the ways people type them, and the expected top results.

The same expectations hold on SQLite (FTS5, bm25) and PostgreSQL (tsvector, ts_rank):
the suite runs on both.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from infitah.library import importing, indexing, search
from infitah.library.models import Document
from tests.library.samples import create_document

pytestmark = pytest.mark.django_db

# Key -> (language, title, text). Texts are written for this test (facts of the
# network's programme are free to use; the seed's sentences are not copied).
CORPUS: dict[str, tuple[str, str, str]] = {
    "access": (
        "ar",
        "دليل الولوج إلى المعلومات",
        "يشرح هذا الدليل حق المواطنات والمواطنين في الحصول على المعلومات التي توجد في حوزة "
        "الإدارة طبقا للقانون رقم 31.13، وكيفية تقديم الطلب وآجال الرد على الطلبات.",
    ),
    "budget": (
        "ar",
        "الميزانية التشاركية بجماعة أكادير",
        "أطلقت الجماعة سنة ٢٠٢٤ تجربة الميزانية التشاركية: يقترح السكان مشاريع صغيرة "
        "ويصوتون عليها، وتخصص الجماعة جزءا من ميزانية التجهيز لتنفيذ المشاريع المختارة.",
    ),
    "digital": (
        "ar",
        "تقرير حول رقمنة الخدمات الجماعية",
        "يعرض التقرير مراحل الرَّقْمَنَة في الجماعات: الخـــدمات عن بعد، الشباك الإلكتروني، "
        "وتتبع الطلبات عبر الهاتف، مع مؤشرات الاستعمال خلال ثلاث سنوات.",
    ),
    "petitions": (
        "ar",
        "مقرر المجلس بشأن مسطرة تقديم العرائض",
        "صادق المجلس على مسطرة تلقي العرائض من الجمعيات والمواطنين ودراستها على مستوى "
        "مكتب المجلس، ويحدد المقرر الوثائق المطلوبة لدى مصلحة الضبط.",
    ),
    "complaints": (
        "ar",
        "منصة إلكترونية لتتبع الشكايات",
        "ممارسة جيدة: وضعت الجماعة منصة يتتبع فيها المرتفقون مآل شكاياتهم، ويتوصلون "
        "بإشعار عند كل مرحلة من مراحل المعالجة.",
    ),
    "participation": (
        "fr",
        "Guide de la participation citoyenne",
        "Ce guide explique comment les citoyennes et les citoyens participent aux travaux "
        "des conseils communaux : instances consultatives, consultations publiques, ateliers.",
    ),
    "transparency": (
        "fr",
        "Rapport sur la transparence budgétaire des collectivités territoriales",
        "Les collectivités publient leurs budgets, leurs comptes administratifs et les "
        "marchés publics ; le rapport compare les pratiques de douze régions.",
    ),
    "information": (
        "fr",
        "Délibération relative à l'accès à l'information",
        "Le conseil régional désigne les personnes chargées de l'information et fixe la "
        "procédure de traitement des demandes d'accès à l'information.",
    ),
    "register": (
        "fr",
        "Bonne pratique : registre public des demandes à Chefchaouen",
        "La commune tient un registre public et anonymisé des demandes reçues et des "
        "réponses données, consultable en ligne.",
    ),
    "handbook": (
        "en",
        "Open Government Partnership local handbook",
        "The handbook explains how local governments co-create action plans with civil "
        "society, implement commitments and assess them together.",
    ),
}


@pytest.fixture
def corpus(seed_path: Path) -> dict[str, int]:
    """The corpus in the library: ``{key: document id}``; the seed through the importer."""
    ids: dict[str, int] = {}
    for number, (key, (language, title, text)) in enumerate(CORPUS.items()):
        document = create_document(
            title_ar=title if language == "ar" else "",
            title_fr=title if language == "fr" else "",
            title_en=title if language == "en" else "",
            text=text,
            language=language,
            issued_on=datetime.date(2023, 1, 1) + datetime.timedelta(days=number),
        )
        ids[key] = document.pk
    report = importing.import_files([seed_path])
    assert not report.failed, report.failed
    ids["seed"] = Document.objects.get(slug=report.imported[0][1]).pk
    return ids


def top(query: str, n: int = 1) -> list[int]:
    hits = search.search_hits(query, object_types=[indexing.DOCUMENT_TYPE], limit=n)
    return [hit.object_id for hit in hits]


def found(query: str) -> set[int]:
    hits = search.search_hits(query, object_types=[indexing.DOCUMENT_TYPE], limit=50)
    return {hit.object_id for hit in hits}


# (query, expected first result): spelling variants of the same words must agree.
TOP_RESULTS = [
    # The seed, found by ordinary queries about its subjects, in standard spelling.
    ("برنامج عمل الانفتاح", "seed"),
    ("بني ملال", "seed"),
    ("هيئة المساواة وتكافؤ الفرص ومقاربة النوع", "seed"),
    ("ميثاق الشبكة", "seed"),
    ("الإعداد المشترك", "seed"),
    ("الاعداد المشترك", "seed"),  # hamza left out
    ("الشبكة المغربية للجماعات الترابية المنفتحة", "seed"),
    ("التتبع المشترك والتقييم المشترك", "seed"),
    ("الورشة الثانية", "seed"),
    # أ/إ/ا and ى/ي
    ("الولوج إلى المعلومات", "access"),
    ("الولوج الى المعلومات", "access"),
    ("الحصول على المعلومة", "access"),  # singular of المعلومات
    ("القانون 31.13", "access"),
    ("أكادير", "budget"),
    ("اكادير", "budget"),
    # ة/ه, and Arabic-Indic digits in the text typed as Western digits
    ("الميزانية التشاركية", "budget"),
    ("ميزانيه تشاركيه", "budget"),
    ("2024 الميزانية", "budget"),
    # diacritics and tatweel in the text
    ("رقمنة الخدمات", "digital"),
    ("الرقمنة", "digital"),
    ("الخدمات عن بعد", "digital"),
    # alef maqsura typed as yeh, plural/singular
    ("مستوي مكتب المجلس", "petitions"),
    ("العرائض", "petitions"),
    ("شكاية", "complaints"),
    ("الشكايات", "complaints"),
    # French: accents, case, plural and word forms
    ("participation citoyenne", "participation"),
    ("PARTICIPATION des citoyens", "participation"),
    ("conseil communal", "participation"),
    ("transparence budgetaire", "transparency"),
    ("collectivités territoriales", "transparency"),
    ("acces a l'information", "information"),
    ("accès à l’information", "information"),
    ("demandes d'accès", "information"),
    ("registre public", "register"),
    ("Chefchaouen", "register"),
    # English
    ("handbook", "handbook"),
    ("local governments", "handbook"),
    ("commitment", "handbook"),
]


def test_expected_first_results(corpus: dict[str, int]) -> None:
    """Every query of :data:`TOP_RESULTS` ranks its expected document first.

    One test for the whole table (the corpus is built once); a failure lists every
    query that went wrong.
    """
    names = {pk: key for key, pk in corpus.items()}
    wrong = []
    for query, expected in TOP_RESULTS:
        got = top(query)
        if got != [corpus[expected]]:
            wrong.append((query, expected, [names.get(pk, pk) for pk in got]))
    assert wrong == []


def test_title_matches_rank_first(corpus: dict[str, int]) -> None:
    """الميزانية is in the budget guide's title and text; elsewhere at most in the text."""
    hits = top("الميزانية", 3)
    assert hits[0] == corpus["budget"]


def test_every_word_must_match(corpus: dict[str, int]) -> None:
    assert found("بني ملال الرقمنة") == set()
    assert found("participation handbook") == set()


def test_words_found_in_several_documents(corpus: dict[str, int]) -> None:
    assert {corpus["access"], corpus["petitions"], corpus["complaints"]} <= found(
        "المواطنين"
    ) | found("المرتفقون") | found("المواطنات")
    assert found("demandes") == {corpus["information"], corpus["register"]}


def test_unknown_and_empty_queries(corpus: dict[str, int]) -> None:
    assert found("كلمةغيرموجودة") == set()
    assert found("") == set()
    assert found("  ؟!  ") == set()
    # Only stop-words: looked for as they are (the seed has all three).
    assert found("و في من") == {corpus["seed"]}


def test_query_with_stop_words_still_finds(corpus: dict[str, int]) -> None:
    assert top("برنامج عمل الانفتاح في جماعة بني ملال") == [corpus["seed"]]
    assert top("le guide de la participation") == [corpus["participation"]]


def test_unpublished_documents_are_not_found(corpus: dict[str, int]) -> None:
    from infitah.library import services

    document = Document.objects.get(pk=corpus["handbook"])
    services.document_set_published(user=None, document=document, is_published=False)

    assert found("handbook") == set()
    assert (
        search.search_hits("handbook", object_types=[indexing.DOCUMENT_TYPE], public_only=False)[
            0
        ].object_id
        == document.pk
    )


def test_snippet_is_escaped_highlighted_and_around_the_match(corpus: dict[str, int]) -> None:
    document = Document.objects.get(pk=corpus["seed"])
    html = str(search.snippet([document.extracted_text], "هيئة المساواة"))

    assert "<mark>هيئة</mark>" in html
    assert "<mark>المساواة</mark>" in html
    assert "<script" not in html


def test_snippet_escapes_the_text() -> None:
    html = str(search.snippet(["<b>budget</b> & <script>alert(1)</script>"], "budget"))

    assert (
        html == "&lt;b&gt;<mark>budget</mark>&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"
    )
