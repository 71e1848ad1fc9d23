"""The words of generated publications, in Arabic and in French.

Generated documents are written in the language of the document, whatever the
language of the page that asked for them, and before the translation pass of the
interface: so the few words they need (weekday and month names, kinds of territorial
unit and of meeting, phases of a plan) are here, per language, rather than in the
``.po`` catalogues. Moroccan usage: Western digits, the month names of the Maghreb
(يناير، فبراير ... يوليوز، غشت، شتنبر ... نونبر، دجنبر) and times of day as the
Moroccan press writes them (العاشرة صباحا، الثالثة بعد الزوال).

Everything here is pure: no database, no active language.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Language = Literal["ar", "fr"]

#: The languages a publication can be written in.
LANGUAGES: tuple[Language, ...] = ("ar", "fr")

AR_WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
#: Month names used in Morocco (Latin-derived), January first.
AR_MONTHS = (
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
FR_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FR_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

#: Hours of the clock as ordinals (الساعة العاشرة), 1 to 12.
AR_HOURS = (
    "",
    "الواحدة",
    "الثانية",
    "الثالثة",
    "الرابعة",
    "الخامسة",
    "السادسة",
    "السابعة",
    "الثامنة",
    "التاسعة",
    "العاشرة",
    "الحادية عشرة",
    "الثانية عشرة",
)

#: The word for each kind of territorial unit, and its council.
UNIT_WORDS: dict[Language, dict[str, str]] = {
    "ar": {"commune": "جماعة", "province": "إقليم", "prefecture": "عمالة", "region": "جهة"},
    "fr": {
        "commune": "la commune",
        "province": "la province",
        "prefecture": "la préfecture",
        "region": "la région",
    },
}
COUNCIL_WORDS: dict[Language, dict[str, str]] = {
    "ar": {
        "commune": "مجلس الجماعة",
        "province": "مجلس الإقليم",
        "prefecture": "مجلس العمالة",
        "region": "مجلس الجهة",
    },
    "fr": {
        "commune": "le conseil communal",
        "province": "le conseil provincial",
        "prefecture": "le conseil préfectoral",
        "region": "le conseil régional",
    },
}
#: Arabic words of masculine units take a masculine verb (ينظم إقليم / تنظم جماعة).
AR_MASCULINE_UNITS = frozenset({"province"})

#: A meeting of each kind, as a common noun (indefinite).
MEETING_KIND_WORDS: dict[Language, dict[str, str]] = {
    "ar": {
        "awareness": "لقاء تواصلي وتحسيسي",
        "training": "دورة تكوينية",
        "co_creation_workshop": "ورشة للإعداد المشترك",
        "consultation": "لقاء تشاوري عمومي",
        "follow_up_committee": "اجتماع لجنة التتبع",
    },
    "fr": {
        "awareness": "une rencontre d'information et de sensibilisation",
        "training": "une formation",
        "co_creation_workshop": "un atelier de co-création",
        "consultation": "une consultation publique",
        "follow_up_committee": "une réunion du comité de suivi",
    },
}

#: The steps of a plan's process (``plans.Phase.Kind``), as a heading of a step.
PHASE_KIND_WORDS: dict[Language, dict[str, str]] = {
    "ar": {
        "information": "لقاءات الإخبار والتحسيس",
        "training": "التكوين",
        "co_creation": "ورشات الإعداد المشترك",
        "drafting": "صياغة مسودة البرنامج",
        "consultation": "التشاور العمومي حول المسودة",
        "adoption": "المصادقة من طرف المجلس",
        "implementation": "التنفيذ",
        "monitoring": "التتبع والتقييم المشتركان",
    },
    "fr": {
        "information": "rencontres d'information et de sensibilisation",
        "training": "formation",
        "co_creation": "ateliers de co-création",
        "drafting": "rédaction du projet de programme",
        "consultation": "consultation publique sur le projet",
        "adoption": "adoption par le conseil",
        "implementation": "mise en œuvre",
        "monitoring": "suivi et évaluation conjoints",
    },
}

#: Each kind of publication, as the document names itself.
PUBLICATION_KIND_WORDS: dict[Language, dict[str, str]] = {
    "ar": {"press_release": "بلاغ صحفي", "invitation": "دعوة", "agenda": "جدول الأعمال"},
    "fr": {
        "press_release": "Communiqué de presse",
        "invitation": "Invitation",
        "agenda": "Ordre du jour",
    },
}

#: The words of a document's own furniture (page numbers, publication date).
DOCUMENT_WORDS: dict[Language, dict[str, str]] = {
    "ar": {"page": "صفحة", "of": "من", "published": "نُشر في", "draft": "مسودة غير منشورة"},
    "fr": {"page": "Page", "of": "sur", "published": "Publié le", "draft": "Brouillon non publié"},
}

#: The partner kinds (``network.Partner.Kind``) that supervise rather than partner.
SUPERVISING_PARTNER_KINDS = frozenset({"government"})

_FR_VOWELS = "aeiouyàâäéèêëîïôöùûüœæh"
_LATIN_INITIAL = re.compile(r"^[\W\d_]*[A-Za-zÀ-ÿ]")


@dataclass(frozen=True)
class Count:
    """A count with its noun forms (Arabic has singular, dual, plural of 3–10, 11+)."""

    one: str
    two: str
    few: str
    many: str


# --- Dates and times -------------------------------------------------------------------


def date_words(day: datetime.date, language: Language, *, weekday: bool = True) -> str:
    """Return ``day`` written out: ``الثلاثاء 11 يوليوز 2023`` / ``mardi 11 juillet 2023``.

    Args:
        day: a calendar date (already in the meeting's local time zone).
        language: ``"ar"`` or ``"fr"``.
        weekday: whether to start with the name of the weekday.

    Returns:
        The date with Western digits; French writes the first of the month ``1er``.
    """
    if language == "ar":
        text = f"{day.day} {AR_MONTHS[day.month - 1]} {day.year}"
        return f"{AR_WEEKDAYS[day.weekday()]} {text}" if weekday else text
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {FR_MONTHS[day.month - 1]} {day.year}"
    return f"{FR_WEEKDAYS[day.weekday()]} {text}" if weekday else text


def month_words(month: datetime.date, language: Language) -> str:
    """Return a month and its year: ``أكتوبر 2023`` / ``octobre 2023``."""
    names = AR_MONTHS if language == "ar" else FR_MONTHS
    return f"{names[month.month - 1]} {month.year}"


def session_words(month: datetime.date, language: Language) -> str:
    """Return the council session of a month: ``دورة أكتوبر 2023`` / ``session d'octobre 2023``."""
    if language == "ar":
        return f"دورة {month_words(month, language)}"
    return f"session {of_fr(month_words(month, language))}"


def clock(time: datetime.time, language: Language) -> str:
    """Return a clock time in digits: ``09:30`` (Arabic) / ``9 h 30`` (French)."""
    if language == "ar":
        return f"{time.hour:02d}:{time.minute:02d}"
    return f"{time.hour} h {time.minute:02d}"


def time_range(start: datetime.time, end: datetime.time, language: Language) -> str:
    """Return a time slot: ``من 09:30 إلى 10:00`` / ``9 h 30 – 10 h 00``."""
    if language == "ar":
        return f"من {clock(start, language)} إلى {clock(end, language)}"
    return f"{clock(start, language)} – {clock(end, language)}"


def _ar_period(hour: int) -> str:
    if hour < 5:
        return "ليلا"
    if hour < 12:
        return "صباحا"
    if hour < 13:
        return "زوالا"
    if hour < 18:
        return "بعد الزوال"
    return "مساء"


def time_words(time: datetime.time, language: Language) -> str:
    """Return a time of day in words: ``العاشرة صباحا`` / ``10 h 00``.

    Arabic names the hour (ordinal) with the part of the day, and quarter, third and
    half hours in words (``العاشرة والنصف``, ``الحادية عشرة إلا ربعا``); other minutes
    in digits. French writes the clock time the French way (``10 h 00``), which is
    how the French-language press of Morocco writes it.
    """
    if language == "fr":
        return clock(time, language)
    hour, minute = time.hour, time.minute
    period_hour = hour
    suffix = ""
    if minute == 15:
        suffix = " والربع"
    elif minute == 20:
        suffix = " والثلث"
    elif minute == 30:
        suffix = " والنصف"
    elif minute == 40:
        hour, suffix = hour + 1, " إلا ثلثا"
    elif minute == 45:
        hour, suffix = hour + 1, " إلا ربعا"
    elif minute:
        suffix = f" و{minute} دقيقة"
    twelve = hour % 12 or 12
    return f"{AR_HOURS[twelve]}{suffix} {_ar_period(period_hour)}"


def period_words(start: datetime.date, end: datetime.date | None, language: Language) -> str:
    """Return the months a step spans: ``غشت 2023``, ``من غشت إلى شتنبر 2023``.

    French: ``août 2023``, ``d'août à septembre 2023``, ``de décembre 2023 à janvier 2024``.
    """
    if end is None or (end.year, end.month) == (start.year, start.month):
        return month_words(start, language)
    names = AR_MONTHS if language == "ar" else FR_MONTHS
    first = names[start.month - 1] if start.year == end.year else month_words(start, language)
    last = month_words(end, language)
    if language == "ar":
        return f"من {first} إلى {last}"
    return f"{of_fr(first)} à {last}"


# --- Names and phrases -----------------------------------------------------------------


def of_fr(name: str) -> str:
    """Return French ``de`` + ``name`` with elision: ``de Béni Mellal``, ``d'octobre``."""
    return f"d'{name}" if name[:1].lower() in _FR_VOWELS else f"de {name}"


def of_article_fr(name: str) -> str:
    """Return French "of" + a name that takes an article: ``du Réseau ...``, ``de la ...``.

    Names that start with their own article (``Le``, ``La``, ``L'``) are contracted
    (``du réseau``, ``de la``, ``de l'``); a name starting with a masculine common noun
    of the field (``Réseau``, ``Conseil``, ``Programme``) takes ``du``; other names get
    :func:`of_fr`.
    """
    lowered = name.lower()
    if lowered.startswith("le "):
        return f"du {name[3:]}"
    if lowered.startswith("la "):
        return f"de la {name[3:]}"
    if lowered.startswith(("l'", "l’")):
        return f"de l'{name[2:]}"
    if lowered.startswith(("réseau", "conseil", "programme")):
        return f"du {name}"
    return of_fr(name)


def unit_name(kind: str, name: str, language: Language) -> str:
    """Return a territorial unit with its kind: ``جماعة بني ملال`` / ``la commune de Béni Mellal``.

    A name that already starts with the word of its kind is left as it is.
    """
    word = UNIT_WORDS[language].get(kind, "")
    if not word:
        return name
    if language == "ar":
        return name if name.startswith(word) else f"{word} {name}"
    bare = word.split(" ", 1)[-1]
    if name.lower().startswith(bare):
        return name
    return f"{word} {of_fr(name)}"


def council_name(kind: str, language: Language) -> str:
    """Return the unit's council: ``مجلس الجماعة`` / ``le conseil communal``."""
    return COUNCIL_WORDS[language].get(kind, COUNCIL_WORDS[language]["commune"])


def in_place_ar(place: str) -> str:
    """Return Arabic "at ``place``": ``بالمركز ...`` (``في`` before a Latin or quoted name)."""
    if not place:
        return ""
    if _LATIN_INITIAL.match(place) or not place[0].isalpha():
        return f"في {place}"
    return f"ب{place}"


def join_words(items: Sequence[str], language: Language) -> str:
    """Join ``items`` as a sentence does: ``أ وب وج`` / ``a, b et c``.

    Arabic links every item with و (written against the next word), as Arabic prose does.
    """
    items = [item for item in items if item]
    if not items:
        return ""
    if language == "ar":
        return " و".join(items)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " et " + items[-1]


def count_words(number: int, forms: Count, language: Language) -> str:
    """Return ``number`` with its noun: ``12 جهة``, ``4 مجالس إقليمية``, ``2 communes``.

    Arabic agreement: 1 and 2 are the singular and dual nouns alone, 3–10 take the
    plural, 11 and more the singular (accusative); French: singular for 0 and 1.
    """
    if language == "ar":
        if number == 1:
            return forms.one
        if number == 2:
            return forms.two
        if 3 <= number <= 10:
            return f"{number} {forms.few}"
        return f"{number} {forms.many}"
    return f"{number} {forms.one if number <= 1 else forms.few}"


FOUNDING_COUNTS: dict[Language, dict[str, Count]] = {
    "ar": {
        "regions": Count("جهة واحدة", "جهتان", "جهات", "جهة"),
        "councils": Count("مجلس إقليمي واحد", "مجلسان إقليميان", "مجالس إقليمية", "مجلسا إقليميا"),
        "communes": Count("جماعة واحدة", "جماعتان", "جماعات", "جماعة"),
    },
    "fr": {
        "regions": Count("région", "régions", "régions", "régions"),
        "councils": Count(
            "conseil préfectoral ou provincial",
            "conseils préfectoraux ou provinciaux",
            "conseils préfectoraux ou provinciaux",
            "conseils préfectoraux ou provinciaux",
        ),
        "communes": Count("commune", "communes", "communes", "communes"),
    },
}


# --- Plain-text bodies -----------------------------------------------------------------

_TRAILING_SPACE = re.compile(r"[ \t]+$", re.M)
_MANY_BLANKS = re.compile(r"\n{3,}")
_LIST_GAP = re.compile(r"(^- [^\n]*)\n\n(?=- )", re.M)


def tidy_text(text: str) -> str:
    """Normalise rendered text: no trailing spaces, one blank line between paragraphs.

    Blank lines between two list lines (``- ...``), which template loops leave, are
    removed so that consecutive items make one list. Line ends become ``\\n``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _TRAILING_SPACE.sub("", text)
    text = _MANY_BLANKS.sub("\n\n", text)
    previous = None
    while previous != text:
        previous = text
        text = _LIST_GAP.sub(r"\1\n", text)
    return text.strip()


@dataclass(frozen=True)
class Block:
    """A block of a plain-text body: a paragraph (``lines``) or a list (``items``)."""

    kind: Literal["paragraph", "list"]
    lines: tuple[str, ...]

    @property
    def is_list(self) -> bool:
        """True for a bulleted list."""
        return self.kind == "list"


def body_blocks(body: str) -> list[Block]:
    """Split a plain-text body into paragraphs and lists, for display.

    Paragraphs are separated by blank lines; within a block, lines starting with
    ``- `` are list items (consecutive items make one list), other lines are lines of
    a paragraph (a single line break is kept). Never interprets HTML.
    """
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", body.replace("\r\n", "\n").replace("\r", "\n")):
        paragraph: list[str] = []
        items: list[str] = []
        for raw in chunk.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("- ") or line == "-":
                if paragraph:
                    blocks.append(Block("paragraph", tuple(paragraph)))
                    paragraph = []
                items.append(line[2:].strip())
            else:
                if items:
                    blocks.append(Block("list", tuple(items)))
                    items = []
                paragraph.append(line)
        if paragraph:
            blocks.append(Block("paragraph", tuple(paragraph)))
        if items:
            blocks.append(Block("list", tuple(items)))
    return blocks
