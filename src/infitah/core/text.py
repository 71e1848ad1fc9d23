"""Arabic-aware text normalisation for search and matching.

One function, :func:`normalize_for_search`, is applied identically when text is
indexed and when a query is typed, so that the many ways the same Arabic or French
word is written (and damaged by PDF extraction) compare equal. Stored text is never
altered by it: callers keep the original and store the normalised form beside it.

Rules (each has a unit test in ``tests/core/test_text.py``):

1. Unicode NFKC compatibility folding: Arabic presentation forms (U+FB50–U+FDFF,
   U+FE70–U+FEFF, produced by PDF extractors) become the base letters.
2. Removal of invisible and damaged characters: tatweel/kashida (U+0640), the
   replacement character U+FFFD left where a kashida was lost, zero-width and bidi
   controls (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069, U+FEFF), soft hyphen and
   private-use code points (bullets such as U+F0A7, U+F0B7).
3. Removal of Arabic diacritics (harakat U+064B–U+065F, superscript alef U+0670,
   Quranic marks U+06D6–U+06ED).
4. Persian and Urdu letter forms mapped to Arabic: Farsi yeh ی (U+06CC) and
   yeh barree ے → ي, heh doachashmee ھ (U+06BE), heh goal ہ (U+06C1) and ە → ه,
   keheh ک (U+06A9) → ك, and Persian/Arabic-Indic digits → ASCII digits.
5. Alef forms أ إ آ ٱ → ا; hamza on waw ؤ → و; hamza on yeh ئ → ي; lone hamza kept.
6. Alef maqsura ى → ي (so بنى and بني match) and ta marbuta ة → ه.
7. Latin text: case folding and removal of accents (é → e), so "Béni Mellal",
   "beni mellal" and "BENI MELLAL" match.
8. Every run of punctuation, symbols and whitespace becomes one space; the result is
   stripped.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_for_search", "search_tokens", "strip_bidi_controls", "BIDI_CONTROLS"]

# U+202A–U+202E (embeddings/overrides) and U+2066–U+2069 (isolates), plus marks.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)

_REMOVE = {
    0x0640: None,  # tatweel
    0xFFFD: None,  # replacement character (lost kashida in PDF extraction)
    0x00AD: None,  # soft hyphen
    0x200B: None,
    0x200C: None,
    0x200D: None,
    0x200E: None,
    0x200F: None,
    0x061C: None,  # Arabic letter mark
    0xFEFF: None,
}
for _c in list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A)):
    _REMOVE[_c] = None
for _c in list(range(0x064B, 0x0660)) + [0x0670] + list(range(0x06D6, 0x06EE)):
    _REMOVE[_c] = None

_LETTERS = str.maketrans(
    {
        "\u06cc": "\u064a",  # Farsi yeh -> yeh
        "\u06d2": "\u064a",  # yeh barree -> yeh
        "\u06d0": "\u064a",  # e -> yeh
        "\u0649": "\u064a",  # alef maqsura -> yeh
        "\u0626": "\u064a",  # yeh with hamza -> yeh
        "\u06be": "\u0647",  # heh doachashmee -> heh
        "\u06c1": "\u0647",  # heh goal -> heh
        "\u06d5": "\u0647",  # ae -> heh
        "\u0629": "\u0647",  # ta marbuta -> heh
        "\u06c0": "\u0647",  # heh with yeh above -> heh
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u06aa": "\u0643",  # swash kaf -> kaf
        "\u0623": "\u0627",  # alef with hamza above
        "\u0625": "\u0627",  # alef with hamza below
        "\u0622": "\u0627",  # alef with madda
        "\u0671": "\u0627",  # alef wasla
        "\u0672": "\u0627",
        "\u0673": "\u0627",
        "\u0624": "\u0648",  # waw with hamza -> waw
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
    }
)

_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)


def _is_private_use(char: str) -> bool:
    return unicodedata.category(char) == "Co"


def normalize_for_search(text: str | None) -> str:
    """Return ``text`` folded for search and matching (never for display).

    Args:
        text: any Arabic, French or English text, possibly extracted from a PDF;
            ``None`` is treated as the empty string.

    Returns:
        A lower-case string of words separated by single spaces, with the rules of the
        module docstring applied. Equal results mean "the same word(s) for search".
        The function is idempotent: ``f(f(x)) == f(x)``.
    """
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text)
    folded = folded.translate(_REMOVE)
    if any(_is_private_use(ch) for ch in folded):
        folded = "".join(" " if _is_private_use(ch) else ch for ch in folded)
    # Latin accents: decompose, drop combining marks (Arabic ones are already gone).
    decomposed = unicodedata.normalize("NFD", folded.casefold())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Letters are mapped after decomposition: some letters (ۂ U+06C2, ۓ U+06D3) only
    # decompose into a mapped letter (ہ, ے) plus a hamza mark, and mapping them first
    # left the function not idempotent.
    folded = unicodedata.normalize("NFC", folded).translate(_LETTERS)
    return _SEPARATORS.sub(" ", folded).strip()


def search_tokens(text: str | None) -> list[str]:
    """Split ``text`` into normalised search tokens (see :func:`normalize_for_search`).

    Returns:
        The list of non-empty tokens, in order, possibly with repeats.
    """
    normalised = normalize_for_search(text)
    return normalised.split(" ") if normalised else []


def strip_bidi_controls(text: str) -> str:
    """Return ``text`` without explicit bidi embedding, override and isolate controls.

    Used when storing names typed by users, so that U+202A–U+202E and U+2066–U+2069
    cannot reorder the page around them. Display also isolates user text with
    ``dir="auto"`` (``<bdi>``), which is the defence for text already stored.
    """
    return "".join(ch for ch in text if ch not in BIDI_CONTROLS)
