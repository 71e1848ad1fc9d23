"""Safe repairs of text extracted from PDF and office files, Arabic above all.

Moroccan collectivities publish PDFs whose text layer was made with fonts that map
Arabic letters to their Persian look-alikes, lose the kashida (tatweel) as U+FFFD,
encode bullets in the private-use area and keep presentation forms. The extracted
text is *stored* for preview and search, so it is repaired here, but only where the
repair cannot change what the text says. Search does more (it folds hamza forms, ta
marbuta, alef maqsura, diacritics...) on its own copy
(:func:`infitah.core.text.normalize_for_search`).

Rules (one function each, each with tests in ``tests/library/test_arabic_repair.py``):

1. :func:`remove_control_characters` — NUL and other C0/C1 control characters except
   tab and newline are removed (PostgreSQL refuses NUL in text); ``\\r\\n`` and ``\\r``
   become ``\\n``.
2. :func:`strip_bidi` — explicit bidi embeddings, overrides, isolates and marks
   (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) are removed: the page
   isolates the text itself (``dir="auto"``).
3. :func:`fold_presentation_forms` — Arabic presentation forms (U+FB50–U+FDFF,
   U+FE70–U+FEFE) and Latin ligatures (U+FB00–U+FB4F) become the base letters (NFKC,
   applied to those characters only: the rest of the text is left as it is).
4. :func:`remove_lost_kashida` — U+FFFD (one or more) *between two Arabic letters*
   stands for a lost tatweel, which carries no meaning: it is removed. Elsewhere the
   replacement character is kept (what it replaced is unknown).
5. :func:`map_persian_letters` — Farsi yeh ی (U+06CC) becomes Arabic yeh ي, heh
   doachashmee ھ (U+06BE) becomes heh ه, keheh ک (U+06A9) becomes kaf ك. These
   fonts use U+06CC for both ي and ى; it is mapped to ي (the reading of the letter in
   the middle of a word and the usual one at the end), except in a short list of
   function words that are only written with alef maqsura (إلى، حتى، لدى; not على,
   which cannot be told from the name علي).
   Search folds ى and ي anyway.
6. :func:`replace_private_use_bullets` — the Symbol/Wingdings bullets U+F0A7 and U+F0B7
   become "• ", and the Symbol-font hyphen U+F02D becomes "-". Other private-use
   characters are kept (their meaning depends on the font).
7. :func:`collapse_whitespace` — runs of spaces and tabs become one space, spaces at
   the ends of lines are removed, three or more line breaks become two (one empty line
   between paragraphs), and the text is stripped.

What is *not* repaired: lines extracted in visual (reversed) order and repeated
fragments; deciding which is right needs a person (or a better extractor).
"""

from __future__ import annotations

import re
import unicodedata

from infitah.core.text import BIDI_CONTROLS

__all__ = [
    "collapse_whitespace",
    "fold_presentation_forms",
    "map_persian_letters",
    "remove_control_characters",
    "remove_lost_kashida",
    "repair_arabic_text",
    "replace_private_use_bullets",
    "strip_bidi",
]

# Arabic letters, including the Persian forms that rule 5 maps afterwards.
_ARABIC_LETTER = "\u0620-\u064a\u066e-\u066f\u0671-\u06d3\u06d5\u06fa-\u06ff"
_LOST_KASHIDA = re.compile(f"(?<=[{_ARABIC_LETTER}])\ufffd+(?=[{_ARABIC_LETTER}])")

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PRESENTATION = re.compile("[\ufb00-\ufdff\ufe70-\ufefe]")
_HORIZONTAL_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_SPACE_BEFORE_NEWLINE = re.compile(r"[ \t]+\n")
_SPACE_AFTER_NEWLINE = re.compile(r"\n[ \t]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")

_PERSIAN_LETTERS = str.maketrans(
    {
        "\u06cc": "\u064a",  # ی Farsi yeh -> ي yeh
        "\u06be": "\u0647",  # ھ heh doachashmee -> ه heh
        "\u06a9": "\u0643",  # ک keheh -> ك kaf
    }
)
# Function words only ever written with a final alef maqsura (after rule 5 made them ي).
# (Not على: علي is also the given name Ali.)
_ALEF_MAQSURA_WORDS = {
    "إلي": "إلى",
    "حتي": "حتى",
    "لدي": "لدى",
}
_ALEF_MAQSURA_PATTERN = re.compile(
    r"(?<![\w\u064b-\u065f])(" + "|".join(_ALEF_MAQSURA_WORDS) + r")(?![\w\u064b-\u065f])"
)

_BULLETS = str.maketrans({"\uf0a7": "• ", "\uf0b7": "• ", "\uf02d": "-"})


def remove_control_characters(text: str) -> str:
    """Rule 1: drop control characters (NUL...) but tab and newline; unify line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def strip_bidi(text: str) -> str:
    """Rule 2: remove explicit bidi controls and marks (the page isolates the text)."""
    if not any(ch in BIDI_CONTROLS for ch in text):
        return text
    return "".join(ch for ch in text if ch not in BIDI_CONTROLS)


def fold_presentation_forms(text: str) -> str:
    """Rule 3: Arabic presentation forms and Latin ligatures -> base letters (NFKC)."""
    return _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


def remove_lost_kashida(text: str) -> str:
    """Rule 4: remove U+FFFD runs standing between two Arabic letters (a lost tatweel)."""
    return _LOST_KASHIDA.sub("", text)


def map_persian_letters(text: str) -> str:
    """Rule 5: ی -> ي (ى in إلى، حتى، لدى), ھ -> ه, ک -> ك."""
    if not any(ch in text for ch in "\u06cc\u06be\u06a9"):
        return text
    had_farsi_yeh = "\u06cc" in text
    text = text.translate(_PERSIAN_LETTERS)
    if had_farsi_yeh:
        # Only words that came out of a Farsi yeh are touched, but they are
        # indistinguishable now; the listed words never end with a real yeh.
        text = _ALEF_MAQSURA_PATTERN.sub(lambda m: _ALEF_MAQSURA_WORDS[m.group(1)], text)
    return text


def replace_private_use_bullets(text: str) -> str:
    """Rule 6: private-use bullets U+F0A7/U+F0B7 -> "• ", Symbol hyphen U+F02D -> "-"."""
    return text.translate(_BULLETS)


def collapse_whitespace(text: str) -> str:
    """Rule 7: one space for runs of spaces, no trailing spaces, at most one empty line."""
    text = _HORIZONTAL_SPACE.sub(" ", text)
    text = _SPACE_BEFORE_NEWLINE.sub("\n", text)
    text = _SPACE_AFTER_NEWLINE.sub("\n", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def repair_arabic_text(text: str | None) -> str:
    """Return ``text`` with the safe repairs of the module docstring applied, in order.

    Args:
        text: text as an extractor gave it (any language; ``None`` is empty).

    Returns:
        The repaired text, for storage and display. Idempotent: repairing twice gives
        the same text as repairing once.
    """
    if not text:
        return ""
    text = remove_control_characters(text)
    text = strip_bidi(text)
    text = fold_presentation_forms(text)
    text = remove_lost_kashida(text)
    text = map_persian_letters(text)
    text = replace_private_use_bullets(text)
    return collapse_whitespace(text)
