"""Unit tests of infitah.core.text: one test (or more) per rule of its docstring."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from infitah.core.text import (
    BIDI_CONTROLS,
    normalize_for_search,
    search_tokens,
    strip_bidi_controls,
)

SEED = Path("/work/shared/seeds/000_1be1e406fd7417e2.txt")

CLEAN_NETWORK_NAME = "الشبكة المغربية للجماعات الترابية المنفتحة"


# Rule 1: NFKC folds Arabic presentation forms (what PDF extractors produce).
def test_presentation_forms_become_base_letters() -> None:
    # ﺑﻨﻲ ﻣﻼﻝ: initial/medial/final forms (U+FE70–U+FEFF) and the lam-alef ligature.
    assert normalize_for_search("\ufe91\ufee8\ufef2 \ufee3\ufefc\ufedd") == "بني ملال"


def test_presentation_form_ligatures_fb50_block() -> None:
    # U+FDF2 is the ligature of "Allah"; U+FEFB is lam-alef isolated.
    assert normalize_for_search("\ufdf2") == "الله"
    assert normalize_for_search("\ufefb") == "لا"


# Rule 2: invisible and damaged characters are removed.
def test_tatweel_is_removed() -> None:
    assert normalize_for_search("الجمـــاعة") == normalize_for_search("الجماعة")


def test_replacement_character_is_removed() -> None:
    # PDF extraction leaves U+FFFD where a kashida was lost: لثلاث�اء.
    assert normalize_for_search("الثلاث\ufffdاء") == normalize_for_search("الثلاثاء")


def test_zero_width_characters_and_soft_hyphen_are_removed() -> None:
    assert normalize_for_search("ben\u200bi mel\u00adlal\u200d") == "beni mellal"
    assert normalize_for_search("\ufeffRabat") == "rabat"


@pytest.mark.parametrize("control", sorted(BIDI_CONTROLS))
def test_bidi_controls_are_removed(control: str) -> None:
    assert normalize_for_search(f"بني{control} ملال") == "بني ملال"
    assert normalize_for_search(f"{control}Beni Mellal") == "beni mellal"


@pytest.mark.parametrize("bullet", ["\uf0a7", "\uf0b7", "\uf02d"])
def test_private_use_bullets_become_separators(bullet: str) -> None:
    assert normalize_for_search(f"{bullet}الشفافية{bullet}المساءلة") == "الشفافيه المساءله"


# Rule 3: Arabic diacritics are removed.
def test_harakat_are_removed() -> None:
    assert normalize_for_search("مَدِينَةٌ") == normalize_for_search("مدينة")
    assert normalize_for_search("الشَّفَافِيَّة") == normalize_for_search("الشفافية")


def test_superscript_alef_and_quranic_marks_are_removed() -> None:
    assert normalize_for_search("هٰذا") == "هذا"
    assert normalize_for_search("قلۖ") == "قل"


# Rule 4: Persian/Urdu letter forms and digits.
def test_farsi_yeh_becomes_arabic_yeh() -> None:
    assert normalize_for_search("المغرب\u06cc\u0629") == normalize_for_search("المغربية")
    assert normalize_for_search("بن\u06cc ملال") == "بني ملال"


def test_heh_doachashmee_becomes_heh() -> None:
    # U+06BE in "ھیئة" (هيئة) as printed by the seed's extractor.
    assert normalize_for_search("\u06be\u06cc\u0626\u0629") == normalize_for_search("هيئة")


def test_heh_goal_keheh_and_yeh_barree() -> None:
    assert normalize_for_search("\u06c1") == "ه"
    assert normalize_for_search("\u06a9تاب") == "كتاب"
    assert normalize_for_search("\u06d2") == "ي"


def test_letters_that_decompose_to_mapped_letters() -> None:
    # ۂ (heh goal + hamza) and ۓ (yeh barree + hamza): found in a whole-block sweep.
    assert normalize_for_search("\u06c2") == "ه"
    assert normalize_for_search("\u06d3") == "ي"


def test_arabic_indic_and_persian_digits_become_ascii() -> None:
    assert normalize_for_search("٢٠٢٣") == "2023"
    assert normalize_for_search("۲۰۲۴") == "2024"


# Rule 5: alef and hamza forms.
@pytest.mark.parametrize("alef", ["أ", "إ", "آ", "ٱ"])
def test_alef_forms_become_bare_alef(alef: str) -> None:
    assert normalize_for_search(f"{alef}مل") == "امل"


def test_hamza_on_waw_and_yeh() -> None:
    assert normalize_for_search("مؤسسة") == normalize_for_search("موسسة")
    assert normalize_for_search("هيئة") == normalize_for_search("هيية")


def test_lone_hamza_is_kept() -> None:
    assert "ء" in normalize_for_search("المساءلة")


# Rule 6: alef maqsura and ta marbuta.
def test_alef_maqsura_matches_yeh() -> None:
    assert normalize_for_search("بنى ملال") == normalize_for_search("بني ملال")


def test_ta_marbuta_matches_heh() -> None:
    assert normalize_for_search("جماعة") == normalize_for_search("جماعه")


# Rule 7: Latin case and accents.
@pytest.mark.parametrize("text", ["Béni Mellal", "beni mellal", "BENI MELLAL", "Béni  Mellal"])
def test_french_accents_and_case(text: str) -> None:
    assert normalize_for_search(text) == "beni mellal"


def test_other_latin_letters() -> None:
    assert normalize_for_search("Fès-Meknès") == "fes meknes"
    assert normalize_for_search("Laâyoune") == "laayoune"
    assert normalize_for_search("Ç") == "c"


# Rule 8: punctuation, symbols and whitespace.
def test_punctuation_and_whitespace_collapse() -> None:
    assert normalize_for_search("  Tanger-Tétouan-Al Hoceima ") == "tanger tetouan al hoceima"
    assert normalize_for_search("طنجة-تطوان،الحسيمة؛") == "طنجه تطوان الحسيمه"
    assert normalize_for_search("a_b\n\tc") == "a b c"


def test_empty_and_none() -> None:
    assert normalize_for_search(None) == ""
    assert normalize_for_search("") == ""
    assert normalize_for_search(" - ، ") == ""


# Idempotence over whole blocks (this sweep found the ۂ/ۓ bug).
def test_idempotent_on_every_arabic_and_latin_character() -> None:
    ranges = [
        (0x0020, 0x0250),
        (0x0600, 0x0800),
        (0x08A0, 0x0900),
        (0xFB50, 0xFE00),
        (0xFE70, 0xFF00),
        (0x2000, 0x2070),
    ]
    failures = []
    for start, end in ranges:
        for code in range(start, end):
            once = normalize_for_search(chr(code))
            if normalize_for_search(once) != once:
                failures.append(f"U+{code:04X}")
    assert failures == []


def test_idempotent_on_mixed_text() -> None:
    text = "ﺍﻟﺸﺒﻜﺔ  المغربیة\ufffd للجماعات — Béni-Mellal ٢٠٢٣ \u202eابتكار"
    once = normalize_for_search(text)
    assert normalize_for_search(once) == once


def test_output_has_no_controls_marks_or_uppercase() -> None:
    out = normalize_for_search("ÉCOLE\u202e الجمَاعة\u0640 \ufffd\uf0b7 ﻻ")
    assert out == out.casefold()
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Co", "Mn"} for ch in out)
    assert "  " not in out


def test_search_tokens() -> None:
    assert search_tokens("Béni-Mellal, بنى ملال") == ["beni", "mellal", "بني", "ملال"]
    assert search_tokens("  ") == []
    assert search_tokens(None) == []


def test_strip_bidi_controls_keeps_everything_else() -> None:
    assert strip_bidi_controls("a\u202eb\u2066c\u2069d\u200fé") == "abcdé"
    assert strip_bidi_controls("بني ملال") == "بني ملال"


def test_stored_text_is_not_altered() -> None:
    original = "بنى مَلال"
    normalize_for_search(original)
    assert original == "بنى مَلال"


# Real damaged text: the seed document (Arabic extracted from a PDF by a poor extractor).
@pytest.fixture
def seed_lines() -> list[str]:
    if not SEED.exists():
        pytest.skip(f"seed document not found at {SEED} (only on the project's machine)")
    return SEED.read_text(encoding="utf-8").splitlines()


def test_seed_damaged_network_name_matches_clean_spelling(seed_lines: list[str]) -> None:
    damaged = [line for line in seed_lines if "\ufffd" in line and "الشبكة" in line]
    assert damaged, "expected lines with U+FFFD around the network's name"
    clean = normalize_for_search(CLEAN_NETWORK_NAME)
    # e.g. "الشبكة المغربیة للجماع�ات الترابی�ة المنفتح�ة" (U+06CC and U+FFFD inside).
    matching = [line for line in damaged if clean in normalize_for_search(line)]
    assert matching, damaged[:3]
    assert any("\u06cc" in line for line in matching)


def test_seed_persian_yeh_lines_match_arabic_spelling(seed_lines: list[str]) -> None:
    lines = [line for line in seed_lines if "الشبكة المغربیة" in line]
    assert lines
    for line in lines:
        assert "الشبكه المغربيه" in normalize_for_search(line)


def test_seed_heh_doachashmee_and_bullets(seed_lines: list[str]) -> None:
    text = "\n".join(seed_lines)
    assert "\u06be" in text and ("\uf0a7" in text or "\uf0b7" in text)
    folded = normalize_for_search(text)
    for damaged in ("\u06be", "\u06cc", "\ufffd", "\uf0a7", "\uf0b7", "\uf02d"):
        assert damaged not in folded
    # "ھیئة المساواة" (the equality body) is found with the clean spelling.
    assert normalize_for_search("هيئة المساواة") in folded


def test_seed_beni_mellal_found_in_any_spelling(seed_lines: list[str]) -> None:
    folded = normalize_for_search("\n".join(seed_lines))
    for query in ("بنى ملال", "بني ملال", "بنـي مـلال"):
        assert normalize_for_search(query) in folded


def test_seed_is_idempotent(seed_lines: list[str]) -> None:
    for line in seed_lines:
        once = normalize_for_search(line)
        assert normalize_for_search(once) == once
        assert not re.search(r"\s{2,}", once)
