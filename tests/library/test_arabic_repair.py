"""Safe repairs of extracted text (one test class per rule, then the seed as a whole)."""

from __future__ import annotations

import pytest

from infitah.library import arabic_repair as repair


class TestControlCharacters:
    def test_nul_and_controls_are_removed_tab_and_newline_kept(self) -> None:
        assert repair.remove_control_characters("a\x00b\x07c\td\ne") == "abc\td\ne"

    def test_windows_and_old_mac_line_ends_become_newlines(self) -> None:
        assert repair.remove_control_characters("a\r\nb\rc") == "a\nb\nc"


class TestBidi:
    def test_embeddings_overrides_isolates_and_marks_are_removed(self) -> None:
        text = "\u202bجماعة\u202c \u2067بني\u2069 \u200fملال\u200e \u061c"
        assert repair.strip_bidi(text) == "جماعة بني ملال "


class TestPresentationForms:
    def test_arabic_presentation_forms_become_base_letters(self) -> None:
        # ﺑﺮﻧﺎﻣﺞ (presentation forms, as some PDF extractors give them) -> برنامج
        assert repair.fold_presentation_forms("\ufe91\ufeae\ufee7\ufe8e\ufee3\ufe9e") == "برنامج"

    def test_lam_alef_ligature_and_latin_ligatures(self) -> None:
        assert repair.fold_presentation_forms("\ufefb \ufb01n") == "لا fin"

    def test_other_text_is_left_alone(self) -> None:
        # Full-width digits and superscripts would change under a full NFKC: not here.
        assert repair.fold_presentation_forms("٢٠٢٣ x² Ｂ") == "٢٠٢٣ x² Ｂ"


class TestLostKashida:
    @pytest.mark.parametrize(
        ("damaged", "expected"),
        [
            ("الت�ي", "التي"),
            ("خ��لال", "خلال"),
            ("الش�بكة", "الشبكة"),
            ("ی��ة", "یة"),  # Persian forms count as Arabic letters
        ],
    )
    def test_replacement_characters_between_arabic_letters_are_removed(
        self, damaged: str, expected: str
    ) -> None:
        assert repair.remove_lost_kashida(damaged) == expected

    @pytest.mark.parametrize("kept", ["a�b", "� جماعة", "جماعة �", "11�لثلاثاء", "x�ب"])
    def test_replacement_characters_elsewhere_are_kept(self, kept: str) -> None:
        assert repair.remove_lost_kashida(kept) == kept


class TestPersianLetters:
    def test_farsi_yeh_heh_doachashmee_and_keheh_become_arabic_letters(self) -> None:
        assert repair.map_persian_letters("الترابیة ھیئة کتاب") == "الترابية هيئة كتاب"

    def test_farsi_yeh_at_the_end_of_a_word_is_yeh(self) -> None:
        assert repair.map_persian_letters("المغربی حی") == "المغربي حي"

    def test_function_words_written_with_alef_maqsura(self) -> None:
        assert repair.map_persian_letters("إلی الجماعة حتی لدی") == "إلى الجماعة حتى لدى"

    def test_ali_is_not_guessed(self) -> None:
        # على and the name علي cannot be told apart: left as علي (search folds both).
        assert repair.map_persian_letters("علی") == "علي"

    def test_text_without_persian_letters_is_unchanged(self) -> None:
        assert repair.map_persian_letters("علي إلي") == "علي إلي"


class TestBullets:
    def test_private_use_bullets_become_bullets(self) -> None:
        assert repair.replace_private_use_bullets("\uf0a7الشفافية\uf0b7المساءلة") == (
            "• الشفافية• المساءلة"
        )

    def test_symbol_font_hyphen(self) -> None:
        assert repair.replace_private_use_bullets("\uf02d item") == "- item"

    def test_other_private_use_characters_are_kept(self) -> None:
        assert repair.replace_private_use_bullets("\ue000") == "\ue000"


class TestWhitespace:
    def test_runs_of_spaces_collapse_and_lines_are_trimmed(self) -> None:
        assert repair.collapse_whitespace("  a  \t b \u00a0 c  \n   d  ") == "a b c\nd"

    def test_at_most_one_empty_line_between_paragraphs(self) -> None:
        assert repair.collapse_whitespace("a\n\n\n\n b\n\nc") == "a\n\nb\n\nc"


class TestRepair:
    def test_empty(self) -> None:
        assert repair.repair_arabic_text(None) == ""
        assert repair.repair_arabic_text("") == ""

    def test_rules_apply_together(self) -> None:
        damaged = "\u202bورش�ة\u202c   ھیئة\x00 \uf0a7 الت�ی"
        assert repair.repair_arabic_text(damaged) == "ورشة هيئة • التي"

    def test_the_seed_is_repaired(self, seed_text: str) -> None:
        repaired = repair.repair_arabic_text(seed_text)

        for damaged in ("\u06cc", "\u06be", "\ufffd", "\uf0a7", "\uf0b7"):
            assert damaged not in repaired
        assert "برنامج عمل الانفتاح" in repaired
        assert "هيئة المساواة و تكافؤ الفرص و مقاربة النوع" in repaired
        assert "الشبكة المغربية للجماعات الترابية المنفتحة" in repaired
        assert "  " not in repaired

    def test_repair_is_idempotent(self, seed_text: str) -> None:
        once = repair.repair_arabic_text(seed_text)
        assert repair.repair_arabic_text(once) == once
