"""The platform's search index: one table, two full-text engines, Arabic-aware terms.

How it works
------------
Every searchable object has one row in ``search_index`` (:class:`SearchEntry`):
its type (``"library.document"``), id, language, owning collectivity, public flag,
date, display title and two texts of *terms* — the object's title(s) and body turned
into normalised, stemmed forms by :mod:`infitah.library.analysis`. Queries go through
the same analysis, so spelling variants meet (أ/إ/ا, ة/ه, ى/ي, diacritics, tatweel,
Arabic-Indic digits, French accents, plural and clitic variants).

The full-text index over those terms depends on the database in use
(:func:`get_backend`, chosen by ``connection.vendor``):

- SQLite: an FTS5 table ``search_index_fts`` (external content: it indexes
  ``search_index`` and stores nothing twice), kept in sync by three triggers; the
  default ``unicode61`` tokenizer with ``remove_diacritics 0`` (terms are already
  folded); ranking by ``bm25`` with the title weighing :data:`TITLE_WEIGHT` times the body.
- PostgreSQL: a stored generated column ``search_vector`` =
  ``setweight(to_tsvector('simple', title_terms), 'A') ||
  setweight(to_tsvector('simple', body_terms), 'B')`` with a GIN index; ranking by
  ``ts_rank`` (weights A = 1.0, B = 0.4; normalised by document length).

Both are created by migration ``0002_search_index_fulltext`` (and re-created by
:func:`ensure_schema`, which ``manage.py library_reindex`` calls: on SQLite, a later
migration that *rebuilds* the ``search_index`` table drops its triggers). A query
matches an entry when, for every word of the query (stop-words aside), the entry holds
one of the word's forms (:func:`infitah.library.analysis.query_groups`).

Adding another app's objects (proposals, meetings, plans...)
------------------------------------------------------------
1. Write a function that turns one object into an :class:`EntryData`
   (``object_type="proposals.proposal"``, its title texts in every language, its body
   texts, language, collectivity id, whether the public may see it, its date).
2. In the app's services, after every change that alters those texts or the public
   flag, call :func:`index_entry` with it (inside the same transaction), and
   :func:`remove_entry` when the object is deleted. No signals: the services are the
   only writers.
3. Register a rebuild function in the app's ``AppConfig.ready()``:
   ``search.register_indexer("proposals.proposal", all_proposal_entries)``, an
   iterable of :class:`EntryData` for every object; ``manage.py library_reindex``
   then rebuilds it with the others.
4. Search with :func:`search_hits` / :func:`search_count`
   (``object_types=["proposals.proposal"]``, optionally ``within=`` a queryset of ids
   that applies the app's own filters), and show :func:`snippet` of the object's text.
"""

from __future__ import annotations

import functools
import html
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from infitah.core.cache import bump_content_version
from infitah.library import analysis, conf
from infitah.library.models import SearchEntry

logger = logging.getLogger(__name__)

__all__ = [
    "EntryData",
    "Hit",
    "SearchQuery",
    "ensure_schema",
    "get_backend",
    "highlight",
    "index_entry",
    "rebuild",
    "register_indexer",
    "remove_entry",
    "search_count",
    "search_hits",
    "snippet",
]

TABLE = "search_index"  # SearchEntry._meta.db_table
FTS_TABLE = "search_index_fts"
#: How many times a title term counts against a body term (SQLite's bm25 weights).
TITLE_WEIGHT = 4.0
#: Largest number of forms a query may have (each is an OR branch in SQL).
MAX_QUERY_GROUPS = 12


@dataclass(frozen=True)
class EntryData:
    """What the index needs to know about one object.

    ``title_texts`` and ``body_texts`` are display texts (every language's title, the
    summary, the extracted text...): they are analysed here, not stored.
    ``title`` is the display title kept in the entry (cut at 300 characters).
    """

    object_type: str
    object_id: int
    title_texts: Sequence[str | None] = ()
    body_texts: Sequence[str | None] = ()
    title: str = ""
    language: str = ""
    collectivity_id: int | None = None
    is_public: bool = True
    dated_on: date | None = None


@dataclass(frozen=True)
class Hit:
    """One result: the object's type and id and its relevance (higher is better)."""

    object_type: str
    object_id: int
    score: float


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: the text typed (cleaned) and its groups of forms."""

    text: str
    groups: tuple[tuple[str, ...], ...] = field(default=())

    @classmethod
    def parse(cls, text: str | None) -> SearchQuery:
        """Analyse ``text`` (see :func:`infitah.library.analysis.query_groups`)."""
        groups = analysis.query_groups(text)[:MAX_QUERY_GROUPS]
        return cls(text=text or "", groups=tuple(groups))

    @property
    def is_empty(self) -> bool:
        """True when the query has no word to look for."""
        return not self.groups

    @functools.cached_property
    def forms(self) -> frozenset[str]:
        """Every form of every group (for highlighting)."""
        return analysis.matching_forms(self.groups)


def _as_query(query: SearchQuery | str) -> SearchQuery:
    return query if isinstance(query, SearchQuery) else SearchQuery.parse(query)


# --------------------------------------------------------------------------- writing
def _entry_values(data: EntryData) -> dict[str, Any]:
    return {
        "language": data.language[:8],
        "collectivity_id": data.collectivity_id,
        "is_public": data.is_public,
        "dated_on": data.dated_on,
        "title": (data.title or "")[:300],
        "title_terms": analysis.index_terms(data.title_texts, language=data.language),
        "body_terms": analysis.index_terms(data.body_texts, language=data.language),
    }


def index_entry(data: EntryData) -> SearchEntry:
    """Create or update the index entry of one object (call it from services).

    Returns:
        The saved :class:`SearchEntry`. Two queries (look-up, write); the full-text
        index follows in the same statement (SQLite trigger, PostgreSQL generated column).
    """
    entry, _created = SearchEntry.objects.update_or_create(
        object_type=data.object_type, object_id=data.object_id, defaults=_entry_values(data)
    )
    return entry


def remove_entry(object_type: str, object_id: int) -> None:
    """Remove the index entry of one object (no error when there is none)."""
    SearchEntry.objects.filter(object_type=object_type, object_id=object_id).delete()


_INDEXERS: dict[str, Callable[[], Iterable[EntryData]]] = {}


def register_indexer(object_type: str, entries: Callable[[], Iterable[EntryData]]) -> None:
    """Register how to rebuild every entry of ``object_type`` (see the module docstring)."""
    _INDEXERS[object_type] = entries


def registered_types() -> list[str]:
    """The object types that :func:`rebuild` knows, sorted."""
    return sorted(_INDEXERS)


def rebuild(
    object_types: Iterable[str] | None = None,
    *,
    batch_size: int = 500,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Rebuild the index entries of ``object_types`` (default: every registered type).

    Each type is rebuilt in one transaction: its entries are deleted and written
    again from its indexer, in batches of ``batch_size``.

    Args:
        object_types: types to rebuild; unknown types raise ``KeyError``.
        batch_size: entries written per ``bulk_create``.
        progress: called as ``progress(object_type, entries_written_so_far)``.

    Returns:
        ``{object_type: number of entries written}``.
    """
    types = list(object_types) if object_types is not None else registered_types()
    unknown = [t for t in types if t not in _INDEXERS]
    if unknown:
        raise KeyError(f"No indexer registered for {', '.join(unknown)}")
    counts: dict[str, int] = {}
    for object_type in types:
        with transaction.atomic():
            SearchEntry.objects.filter(object_type=object_type).delete()
            written = 0
            batch: list[SearchEntry] = []
            for data in _INDEXERS[object_type]():
                batch.append(
                    SearchEntry(
                        object_type=data.object_type,
                        object_id=data.object_id,
                        **_entry_values(data),
                    )
                )
                if len(batch) >= batch_size:
                    SearchEntry.objects.bulk_create(batch)
                    written += len(batch)
                    batch = []
                    if progress:
                        progress(object_type, written)
            if batch:
                SearchEntry.objects.bulk_create(batch)
                written += len(batch)
            if progress:
                progress(object_type, written)
        counts[object_type] = written
    bump_content_version()  # bulk writes send no signals
    return counts


# --------------------------------------------------------------------------- backends
class SearchBackend(ABC):
    """Full-text matching and ranking over ``search_index`` for one database vendor."""

    vendor = ""

    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        self.using = using

    @abstractmethod
    def match_expression(self, query: SearchQuery) -> str:
        """The engine's query text for ``query`` (every group, each an OR of forms)."""

    @abstractmethod
    def _from_where(
        self,
        query: SearchQuery,
        *,
        object_types: Sequence[str],
        public_only: bool,
        within: QuerySet[Any] | None,
        collectivity_ids: Sequence[int] | None,
    ) -> tuple[str, list[Any]]:
        """``FROM … WHERE …`` of the matching entries, and its parameters."""

    @abstractmethod
    def _score(self) -> str:
        """The SQL expression ranking an entry (higher is better)."""

    @staticmethod
    def _filters(
        *,
        object_types: Sequence[str],
        public_only: bool,
        within: QuerySet[Any] | None,
        collectivity_ids: Sequence[int] | None,
    ) -> tuple[str, list[Any]]:
        sql = [f"e.object_type IN ({', '.join(['%s'] * len(object_types))})"]
        params: list[Any] = list(object_types)
        if public_only:
            sql.append("e.is_public = %s")
            params.append(True)
        if collectivity_ids is not None:
            ids = [int(i) for i in collectivity_ids]
            if ids:
                sql.append(f"e.collectivity_id IN ({', '.join(['%s'] * len(ids))})")
                params.extend(ids)
            else:
                sql.append("1 = 0")
        if within is not None:
            within_sql, within_params = within.query.sql_with_params()
            sql.append(f"e.object_id IN ({within_sql})")
            params.extend(within_params)
        return " AND ".join(sql), params

    def hits(
        self,
        query: SearchQuery,
        *,
        object_types: Sequence[str],
        public_only: bool = True,
        within: QuerySet[Any] | None = None,
        collectivity_ids: Sequence[int] | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[Hit]:
        """Return the best-ranked entries matching ``query``, ``limit`` from ``offset``."""
        if query.is_empty or not object_types:
            return []
        from_where, params = self._from_where(
            query,
            object_types=object_types,
            public_only=public_only,
            within=within,
            collectivity_ids=collectivity_ids,
        )
        sql = (
            f"SELECT e.object_type, e.object_id, {self._score()} AS score {from_where} "  # noqa: S608
            "ORDER BY score DESC, e.dated_on DESC NULLS LAST, e.id DESC LIMIT %s OFFSET %s"
        )
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [*params, int(limit), int(offset)])
            rows = cursor.fetchall()
        return [Hit(object_type=row[0], object_id=int(row[1]), score=float(row[2])) for row in rows]

    def count(
        self,
        query: SearchQuery,
        *,
        object_types: Sequence[str],
        public_only: bool = True,
        within: QuerySet[Any] | None = None,
        collectivity_ids: Sequence[int] | None = None,
    ) -> int:
        """Return the number of entries matching ``query``."""
        if query.is_empty or not object_types:
            return 0
        from_where, params = self._from_where(
            query,
            object_types=object_types,
            public_only=public_only,
            within=within,
            collectivity_ids=collectivity_ids,
        )
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {from_where}", params)  # noqa: S608
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the full-text structures when missing (idempotent)."""


class SQLiteBackend(SearchBackend):
    """SQLite FTS5 (external-content table over ``search_index``, bm25 ranking)."""

    vendor = "sqlite"

    def match_expression(self, query: SearchQuery) -> str:
        def quoted(form: str) -> str:
            return '"' + form.replace('"', '""') + '"'

        return " AND ".join(
            "(" + " OR ".join(quoted(form) for form in group) + ")" for group in query.groups
        )

    def _score(self) -> str:
        # bm25() is lower for better matches.
        return f"-bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0)"

    def _from_where(
        self,
        query: SearchQuery,
        *,
        object_types: Sequence[str],
        public_only: bool,
        within: QuerySet[Any] | None,
        collectivity_ids: Sequence[int] | None,
    ) -> tuple[str, list[Any]]:
        filters, params = self._filters(
            object_types=object_types,
            public_only=public_only,
            within=within,
            collectivity_ids=collectivity_ids,
        )
        sql = (
            f"FROM {FTS_TABLE} JOIN {TABLE} e ON e.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND {filters}"
        )
        return sql, [self.match_expression(query), *params]

    def ensure_schema(self) -> None:
        with connections[self.using].cursor() as cursor:
            for statement in SQLITE_SCHEMA:
                cursor.execute(statement)
            cursor.execute("INSERT INTO search_index_fts(search_index_fts) VALUES ('rebuild')")


class PostgreSQLBackend(SearchBackend):
    """PostgreSQL full-text search (generated ``tsvector`` column, GIN index, ts_rank)."""

    vendor = "postgresql"

    def match_expression(self, query: SearchQuery) -> str:
        def quoted(form: str) -> str:
            return "'" + form.replace("\\", "\\\\").replace("'", "''") + "'"

        return " & ".join(
            "(" + " | ".join(quoted(form) for form in group) + ")" for group in query.groups
        )

    def _score(self) -> str:
        # Normalisation 1: divided by 1 + log(length), so long texts do not win by size.
        return "ts_rank('{0.1, 0.2, 0.4, 1.0}', e.search_vector, q, 1)"

    def _from_where(
        self,
        query: SearchQuery,
        *,
        object_types: Sequence[str],
        public_only: bool,
        within: QuerySet[Any] | None,
        collectivity_ids: Sequence[int] | None,
    ) -> tuple[str, list[Any]]:
        filters, params = self._filters(
            object_types=object_types,
            public_only=public_only,
            within=within,
            collectivity_ids=collectivity_ids,
        )
        sql = f"FROM {TABLE} e, to_tsquery('simple', %s) q WHERE e.search_vector @@ q AND {filters}"
        return sql, [self.match_expression(query), *params]

    def ensure_schema(self) -> None:
        # Look first: ALTER TABLE and CREATE INDEX are refused on a table with pending
        # (deferred) trigger events, i.e. after writes in the same transaction.
        with connections[self.using].cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = 'search_vector'",
                [TABLE],
            )
            if cursor.fetchone() is None:
                cursor.execute(POSTGRESQL_SCHEMA[0])
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE tablename = %s AND indexname = %s",
                [TABLE, "search_index_vector_gin"],
            )
            if cursor.fetchone() is None:
                cursor.execute(POSTGRESQL_SCHEMA[1])


# The statements of migration 0002 (kept in the migration too: migrations are frozen).
SQLITE_SCHEMA = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_index_fts USING fts5("
    "title_terms, body_terms, content='search_index', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS search_index_ai AFTER INSERT ON search_index BEGIN "
    "INSERT INTO search_index_fts(rowid, title_terms, body_terms) "
    "VALUES (new.id, new.title_terms, new.body_terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_index_ad AFTER DELETE ON search_index BEGIN "
    "INSERT INTO search_index_fts(search_index_fts, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_index_au AFTER UPDATE OF title_terms, body_terms "
    "ON search_index BEGIN "
    "INSERT INTO search_index_fts(search_index_fts, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); "
    "INSERT INTO search_index_fts(rowid, title_terms, body_terms) "
    "VALUES (new.id, new.title_terms, new.body_terms); END",
]
POSTGRESQL_SCHEMA = [
    "ALTER TABLE search_index ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(title_terms, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(body_terms, '')), 'B')) STORED",
    "CREATE INDEX IF NOT EXISTS search_index_vector_gin ON search_index USING gin (search_vector)",
]

_BACKENDS: dict[str, type[SearchBackend]] = {
    "sqlite": SQLiteBackend,
    "postgresql": PostgreSQLBackend,
}


def get_backend(using: str = DEFAULT_DB_ALIAS) -> SearchBackend:
    """Return the backend for the database ``using`` (by ``connection.vendor``).

    Raises:
        ImproperlyConfigured: another database (only SQLite and PostgreSQL are supported).
    """
    vendor = connections[using].vendor
    backend = _BACKENDS.get(vendor)
    if backend is None:
        raise ImproperlyConfigured(f"Search supports SQLite and PostgreSQL, not {vendor}.")
    return backend(using)


def ensure_schema(using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the full-text index structures when missing (see the module docstring)."""
    get_backend(using).ensure_schema()


def search_hits(
    query: SearchQuery | str,
    *,
    object_types: Sequence[str],
    public_only: bool = True,
    within: QuerySet[Any] | None = None,
    collectivity_ids: Sequence[int] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[Hit]:
    """Return one page of results for ``query``, best first (one query).

    Args:
        query: the typed text or a parsed :class:`SearchQuery`.
        object_types: the types to search (``["library.document"]``).
        public_only: only entries the public may see (default).
        within: a ``values("pk")`` queryset of the objects allowed (the caller's own
            filters: kind, principle...); it becomes an ``IN (subquery)`` condition.
        collectivity_ids: only entries of these collectivities (``None``: any).
        limit, offset: the page.

    Returns:
        :class:`Hit` rows; ``[]`` for a query without words.
    """
    return get_backend().hits(
        _as_query(query),
        object_types=object_types,
        public_only=public_only,
        within=within,
        collectivity_ids=collectivity_ids,
        limit=limit,
        offset=offset,
    )


def search_count(
    query: SearchQuery | str,
    *,
    object_types: Sequence[str],
    public_only: bool = True,
    within: QuerySet[Any] | None = None,
    collectivity_ids: Sequence[int] | None = None,
) -> int:
    """Return the number of results of ``query`` (same arguments as :func:`search_hits`)."""
    return get_backend().count(
        _as_query(query),
        object_types=object_types,
        public_only=public_only,
        within=within,
        collectivity_ids=collectivity_ids,
    )


# --------------------------------------------------------------------------- snippets
_WORD = re.compile(r"[\w\u0640\u064b-\u065f\u0670\u06d6-\u06ed]+")
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=50_000)
def _word_forms(word: str) -> frozenset[str]:
    return frozenset(
        form for token in analysis.tokens(word) for form in analysis.token_forms(token)
    )


def _is_match(word: str, forms: frozenset[str]) -> bool:
    return not _word_forms(word).isdisjoint(forms)


def highlight(text: str, query: SearchQuery | str) -> SafeString:
    """Return ``text`` escaped, with the words that match ``query`` in ``<mark>``."""
    parsed = _as_query(query)
    if parsed.is_empty or not text:
        return mark_safe(html.escape(text or ""))  # noqa: S308 - escaped
    parts: list[str] = []
    position = 0
    for match in _WORD.finditer(text):
        if _is_match(match.group(), parsed.forms):
            parts.append(html.escape(text[position : match.start()]))
            parts.append(f"<mark>{html.escape(match.group())}</mark>")
            position = match.end()
    parts.append(html.escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped


def _best_window(text: str, query: SearchQuery, length: int) -> tuple[int, int] | None:
    """Return ``(start, end)`` of the first match starting the window of ``length``
    characters that holds the most different query words, or ``None`` without a match."""
    matches: list[tuple[int, int]] = []  # (position, group index)
    for match in _WORD.finditer(text[: conf.SNIPPET_SCAN_CHARS]):
        forms = _word_forms(match.group())
        if forms.isdisjoint(query.forms):
            continue
        for index, group in enumerate(query.groups):
            if not forms.isdisjoint(group):
                matches.append((match.start(), index))
        if len(matches) >= 400:
            break
    if not matches:
        return None
    best_start, best_count = matches[0][0], 0
    span = length * 2 // 3
    for i, (position, _index) in enumerate(matches):
        groups = {g for p, g in matches[i:] if p - position <= span}
        if len(groups) > best_count:
            best_start, best_count = position, len(groups)
            if best_count == len(query.groups):
                break
    return best_start, best_count


def snippet(
    texts: Sequence[str | None] | str, query: SearchQuery | str, *, length: int = 240
) -> SafeString:
    """Return an excerpt of ``texts`` around the words matching ``query``, highlighted.

    Args:
        texts: the object's texts in order of preference (summary, then extracted
            text...). The excerpt is taken where most of the query's words are close
            together, in the first text with the most; without a match, it is the
            start of the first non-empty text. Each text is scanned up to
            :data:`infitah.library.conf.SNIPPET_SCAN_CHARS` characters.
        query: the typed text or a parsed :class:`SearchQuery`.
        length: characters of the excerpt (about).

    Returns:
        Safe HTML: the excerpt escaped, on one line, matches in ``<mark>``, "…" where
        text was left out. Show it in an element with ``dir="auto"``. ``""`` when every
        text is empty.
    """
    parsed = _as_query(query)
    candidates = [texts] if isinstance(texts, str) else [t for t in texts if t]
    if not candidates:
        return mark_safe("")
    chosen, first, best = candidates[0], None, 0
    if not parsed.is_empty:
        for text in candidates:
            window = _best_window(text, parsed, length)
            if window is not None and window[1] > best:
                chosen, first, best = text, window[0], window[1]
                if best == len(parsed.groups):
                    break
    start = 0
    if first is not None and first > length // 4:
        start = first - length // 4
        # Start on a word boundary.
        space = chosen.find(" ", start, first)
        start = space + 1 if space != -1 else start
    end = min(len(chosen), start + length)
    if end < len(chosen):
        space = chosen.rfind(" ", start + length // 2, end)
        end = space if space != -1 else end
    excerpt = _SPACES.sub(" ", chosen[start:end]).strip()
    body = highlight(excerpt, parsed)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(chosen) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 - body is escaped
