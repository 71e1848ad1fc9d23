"""Text analysis for the search index: tokens, light stemming, query terms.

The same functions turn a document into index terms and a query into the terms it
looks for, so that the many ways a word is written compare equal:

1. :func:`tokens` folds the text with :func:`infitah.core.text.normalize_for_search`
   (hamza forms, ta marbuta/heh, alef maqsura/yeh, diacritics, tatweel, Persian
   letters, Arabic-Indic digits, French accents, case) and splits it into runs of one
   script: Arabic letters, Latin letters, digits (``11لثلاثاء`` from a PDF gives ``11``
   and ``لثلاثاء``).
2. Each token gets one or two *forms* (:func:`token_forms`), stems of a maintained
   stemmer (Snowball through PyStemmer):

   - Arabic: a leading conjunction و/ف before the article is dropped (``والمساءلة`` is
     ``المساءلة``); a final ه that folding made from ة is given back to the stemmer as
     ة; a word without article is stemmed as if it had one (Snowball treats bare and
     definite nouns differently: ``جماعات`` and ``الجماعات`` must meet). A word that may
     start with a one-letter proclitic (و ف ب ل ك: ``وتكافؤ``, ``لبرنامج``, ``بمشاركة``)
     also gets the form of the rest of the word: a real first letter (``برنامج``) or a
     real clitic cannot be told apart without a dictionary, so both are indexed and
     either may match.
   - Latin: French or English Snowball stems (of the accent-free token). Documents in
     French or English use their language's stemmer; other documents, and queries,
     use both.
   - Digits are kept as they are.

3. A document's terms (:func:`index_terms`) are all forms of all tokens, space
   separated; a term repeated more than :data:`MAX_TERM_REPEATS` times is not repeated
   further and the whole is cut at :data:`MAX_TERMS_CHARS` (PostgreSQL's ``tsvector``
   holds at most 1 MB, and ranking gains nothing from the hundredth repetition).
4. A query (:func:`query_groups`) is a list of groups, one per word of the query
   without stop-words; a document matches when it holds, for every group, one of the
   group's forms. Both search backends build their query from these groups.

Results are memoised per token; PyStemmer's stemmers are kept one per thread (they
are not thread-safe).
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence

import Stemmer

from infitah.core.text import normalize_for_search

__all__ = [
    "MAX_TERMS_CHARS",
    "MAX_TERM_REPEATS",
    "index_terms",
    "query_groups",
    "token_forms",
    "tokens",
]

#: Occurrences of one term kept in an index text (more add nothing to ranking).
MAX_TERM_REPEATS = 32
#: Characters of index terms kept per text (PostgreSQL's tsvector limit is 1 MB).
MAX_TERMS_CHARS = 400_000

_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff"
_RUNS = re.compile(f"[0-9]+|[{_ARABIC}]+|[^\\W\\d_{_ARABIC}]+")
_ARABIC_RUN = re.compile(f"[{_ARABIC}]")
_ARTICLES = ("ال", "لل", "بال", "كال", "فال", "وال")
_PROCLITICS = "وفبلك"

#: Latin stemmers by document language; queries and other languages use both.
LATIN_STEMMERS: dict[str, tuple[str, ...]] = {
    "fr": ("french",),
    "en": ("english",),
}
_BOTH = ("french", "english")

# Stop-words (already folded): dropped from queries that have other words.
_ARABIC_STOP_WORDS = (
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
    "في",
    "من",
    "الي",
    "علي",
    "عن",
    "مع",
    "او",
    "ام",
    "ما",
    "لا",
    "لم",
    "لن",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "التي",
    "الذي",
    "الذين",
    "ان",
    "كان",
    "قد",
    "ثم",
    "كل",
    "بين",
    "حول",
    "عند",
    "لدي",
    "حتي",
    "هو",
    "هي",
    "هم",
    "تم",
    "يتم",
    "اي",
    "بعد",
    "قبل",
    "ضمن",
    "خلال",
)
_FRENCH_STOP_WORDS = (
    "a",
    "au",
    "aux",
    "avec",
    "ce",
    "ces",
    "cet",
    "cette",
    "d",
    "dans",
    "de",
    "des",
    "du",
    "en",
    "est",
    "et",
    "il",
    "l",
    "la",
    "le",
    "les",
    "leur",
    "ne",
    "ou",
    "par",
    "pas",
    "pour",
    "qu",
    "que",
    "qui",
    "sa",
    "se",
    "ses",
    "son",
    "sur",
    "un",
    "une",
)
_ENGLISH_STOP_WORDS = (
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "by",
    "for",
    "from",
    "in",
    "is",
    "it",
    "of",
    "on",
    "or",
    "that",
    "the",
    "this",
    "to",
    "with",
)
STOP_WORDS = frozenset(_ARABIC_STOP_WORDS + _FRENCH_STOP_WORDS + _ENGLISH_STOP_WORDS)

_local = threading.local()


def _stemmer(language: str) -> Stemmer.Stemmer:
    stemmers: dict[str, Stemmer.Stemmer] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    stemmer = stemmers.get(language)
    if stemmer is None:
        stemmer = stemmers[language] = Stemmer.Stemmer(language)
    return stemmer


def tokens(text: str | None) -> list[str]:
    """Return the folded tokens of ``text``, split into runs of one script.

    Returns:
        Tokens in order (repeats kept): Arabic-letter runs, Latin-letter runs, digit runs.
    """
    folded = normalize_for_search(text)
    return _RUNS.findall(folded) if folded else []


def _arabic_stem(token: str) -> str:
    """The stem of one folded Arabic token (article added when missing, ة restored)."""
    word = token
    if len(word) >= 3 and word.endswith("ه"):
        word = word[:-1] + "ة"
    if not word.startswith(_ARTICLES):
        word = "ال" + word
    return normalize_for_search(_stemmer("arabic").stemWord(word)) or token


@functools.lru_cache(maxsize=200_000)
def _arabic_forms(token: str) -> tuple[str, ...]:
    if len(token) <= 2:  # particles (في، من...): nothing to stem
        return (token,)
    # و/ف + article + at least three letters: the conjunction is certain.
    if token[0] in "وف" and token[1:3] in ("ال", "لل") and len(token) >= 6:
        token = token[1:]
    forms = [_arabic_stem(token)]
    rest = token[1:]
    if (
        token[0] in _PROCLITICS
        and len(token) >= 4
        and not token.startswith(_ARTICLES)
        and not rest.startswith("ال")
    ):
        other = _arabic_stem(rest)
        if other not in forms:
            forms.append(other)
    return tuple(forms)


@functools.lru_cache(maxsize=200_000)
def _latin_forms(token: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    forms: list[str] = []
    for language in languages:
        stem = _stemmer(language).stemWord(token)
        if stem and stem not in forms:
            forms.append(stem)
    return tuple(forms) or (token,)


def token_forms(token: str, *, language: str | None = None) -> tuple[str, ...]:
    """Return the index forms of one folded token (see the module docstring).

    Args:
        token: a token from :func:`tokens`.
        language: the document's language (``ar``, ``fr``, ``en``, other or ``None`` for
            a query); it only chooses the stemmer of Latin tokens.

    Returns:
        One or two forms (more for Latin tokens of unknown language), first the main one.
    """
    if not token:
        return ()
    if token.isdigit():
        return (token,)
    if _ARABIC_RUN.match(token):
        return _arabic_forms(token)
    return _latin_forms(token, LATIN_STEMMERS.get(language or "", _BOTH))


def index_terms(texts: Iterable[str | None], *, language: str | None = None) -> str:
    """Return the index terms of ``texts`` (space-separated forms of every token).

    Args:
        texts: the texts of one field of an object (title variants, or body parts).
        language: the object's language (see :func:`token_forms`).

    Returns:
        Terms for the search index, each repeated at most :data:`MAX_TERM_REPEATS`
        times, cut at :data:`MAX_TERMS_CHARS` characters (at a term boundary).
    """
    seen: Counter[str] = Counter()
    out: list[str] = []
    size = 0
    for text in texts:
        for token in tokens(text):
            for form in token_forms(token, language=language):
                if seen[form] >= MAX_TERM_REPEATS:
                    continue
                size += len(form) + 1
                if size > MAX_TERMS_CHARS:
                    return " ".join(out)
                seen[form] += 1
                out.append(form)
    return " ".join(out)


def query_groups(query: str | None) -> list[tuple[str, ...]]:
    """Return the groups of forms a query looks for (one group per word).

    Stop-words are dropped when the query has other words; repeated words count once.

    Returns:
        ``[(form, ...), ...]`` in the order of the query; empty for an empty query.
    """
    words = tokens(query)
    kept = [word for word in words if word not in STOP_WORDS] or words
    groups: list[tuple[str, ...]] = []
    for word in kept:
        forms = token_forms(word)
        if forms and forms not in groups:
            groups.append(forms)
    return groups


def matching_forms(groups: Sequence[tuple[str, ...]]) -> frozenset[str]:
    """Every form of every group (what a highlighted word may be)."""
    return frozenset(form for group in groups for form in group)
