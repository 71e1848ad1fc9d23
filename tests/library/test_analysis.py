"""Index terms and query groups: the same forms for the same words however typed."""

from __future__ import annotations

import pytest

from infitah.library import analysis


def forms(word: str) -> set[str]:
    return {form for token in analysis.tokens(word) for form in analysis.token_forms(token)}


@pytest.mark.parametrize(
    "variants",
    [
        ["الجماعة", "الجماعات", "جماعة", "جماعات", "للجماعات", "والجماعات", "بالجماعة"],
        ["المشاركة", "مشاركة", "بمشاركة", "والمشاركة", "المشاركات"],
        ["برنامج", "البرنامج", "لبرنامج", "ببرنامج"],
        ["الإعداد", "الاعداد", "إعداد", "للإعداد"],
        ["تكافؤ", "وتكافؤ", "تكافو"],
        ["المساءلة", "والمساءلة", "مساءلة"],
        ["الوزارة", "وزارة", "لوزارة"],
        ["مستوى", "مستوي"],
        ["الرَّقْمَنَة", "الرقمنـــة", "رقمنة", "رقمنه"],
        ["participation", "participations", "PARTICIPATION", "participatif"],
        ["collectivités", "collectivites", "collectivité", "Collectivite"],
        ["٢٠٢٤", "2024", "۲۰۲۴"],
    ],
)
def test_variants_share_a_form(variants: list[str]) -> None:
    first = forms(variants[0])
    for variant in variants[1:]:
        assert forms(variant) & first, variant


def test_scripts_are_split() -> None:
    assert analysis.tokens("11لثلاثاء covid19") == ["11", "لثلاثاء", "covid", "19"]


def test_wali_is_not_the_preposition_ila() -> None:
    # والي (governor) must not be read as و + الي (إلى, "to").
    assert not forms("والي") & forms("إلى")


def test_index_terms_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    terms = analysis.index_terms(["budget " * 100])
    assert terms.split().count("budget") == analysis.MAX_TERM_REPEATS
    monkeypatch.setattr(analysis, "MAX_TERMS_CHARS", 20)
    assert len(analysis.index_terms(["alpha beta gamma delta epsilon zeta"])) <= 20


def test_latin_stemmer_follows_the_document_language() -> None:
    assert analysis.token_forms("governments", language="en") == ("govern",)
    assert set(analysis.token_forms("governments")) == {"government", "govern"}


def test_query_groups_drop_stop_words_unless_alone() -> None:
    assert len(analysis.query_groups("برنامج عمل الانفتاح في جماعة بني ملال")) == 6
    assert analysis.query_groups("في من") == [("في",), ("من",)]
    assert analysis.query_groups("budget budget") == [("budget",)]
    assert analysis.query_groups("") == []
