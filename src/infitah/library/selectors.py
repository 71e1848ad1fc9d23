"""Reads of the library, with their related rows chosen once (no N+1 in the pages or API).

The list (:func:`document_page`) costs a fixed number of queries whatever the number
of documents: a count, the page's rows (collectivity joined), their principles and,
for a search, the ranked ids from the search index. The extracted text, which can be
megabytes, is never loaded for a list: only its first characters, for the snippet.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from infitah.accounts.rules import collectivity_ids_with_perm
from infitah.core.selectors import cached_aggregate, paginate
from infitah.core.templatetags.infitah import plain_isolate
from infitah.library import conf, indexing, search
from infitah.library.models import Document, GoodPracticeAdoption
from infitah.network.models import Membership, Principle
from infitah.territories.models import Collectivity

__all__ = [
    "DocumentFilters",
    "adoption_collectivity_choices",
    "document_detail",
    "document_page",
    "filter_options",
    "published_documents",
    "upload_collectivity_choices",
]

#: Columns never read for lists.
HEAVY_FIELDS = ("extracted_text", "search_text")


@dataclass(frozen=True)
class DocumentFilters:
    """The list's filters, already checked (unknown values are dropped by the view)."""

    kind: str = ""
    language: str = ""
    principle: Principle | None = None
    collectivity: Collectivity | None = None
    network_only: bool = False
    year: int | None = None
    query: str = ""

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.kind
            or self.language
            or self.principle
            or self.collectivity
            or self.network_only
            or self.year
            or self.query
        )


def published_documents() -> QuerySet[Document]:
    """Published documents, newest first, without the heavy text columns."""
    return Document.objects.published().defer(*HEAVY_FIELDS).order_by("-issued_on", "-pk")


def _filtered(filters: DocumentFilters) -> QuerySet[Document]:
    queryset = Document.objects.published()
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.language:
        queryset = queryset.filter(language=filters.language)
    if filters.principle is not None:
        queryset = queryset.filter(principles=filters.principle)
    if filters.collectivity is not None:
        queryset = queryset.filter(collectivity=filters.collectivity)
    elif filters.network_only:
        queryset = queryset.filter(collectivity__isnull=True)
    if filters.year:
        start = datetime.date(filters.year, 1, 1)
        queryset = queryset.filter(
            issued_on__gte=start, issued_on__lt=start.replace(year=filters.year + 1)
        )
    return queryset


def _with_related(queryset: QuerySet[Document]) -> QuerySet[Document]:
    return queryset.select_related("collectivity").prefetch_related(
        Prefetch("principles", queryset=Principle.objects.order_by("order", "pk"))
    )


@dataclass
class DocumentResult:
    """One row of the list: the document and, for a search, its highlighted snippet."""

    document: Document
    snippet: Any = ""
    title_html: Any = ""


def _cached_count(filters: DocumentFilters, filtered: QuerySet[Document]) -> int:
    """``filtered.count()``, cached per filters (without a query) and content version.

    The exact ``COUNT(*)`` scans the published documents on PostgreSQL; the cached
    aggregate turns it into a cache look-up, never stale (the key holds the version).
    """
    key = (
        filters.kind,
        filters.language,
        filters.principle.pk if filters.principle is not None else None,
        filters.collectivity.pk if filters.collectivity is not None else None,
        filters.network_only,
        filters.year,
    )
    return cached_aggregate(
        "library-count:1:" + ":".join("" if part is None else str(part) for part in key),
        filtered.count,
    )


def document_page(filters: DocumentFilters, page_number: str | None) -> Page[Any]:
    """Return one page of the library for ``filters`` (rows are :class:`DocumentResult`).

    Without a query: newest first. With a query: best match first (the search index
    ranks the documents that pass the other filters), each with a snippet.

    Queries: without a search, a count, the rows and their principles (3); with a
    search, the index's count and page, the rows and their principles (4).
    """
    filtered = _filtered(filters)
    parsed = search.SearchQuery.parse(filters.query) if filters.query else None
    if parsed is None or parsed.is_empty:
        if filters.query:  # only stop-words or punctuation: nothing can match
            return paginate([], page_number, per_page=conf.PAGE_SIZE)
        queryset = _with_related(filtered.defer(*HEAVY_FIELDS).order_by("-issued_on", "-pk"))
        page = paginate(
            queryset, page_number, per_page=conf.PAGE_SIZE, count=_cached_count(filters, filtered)
        )
        page.object_list = [DocumentResult(document) for document in page.object_list]
        return page

    within = filtered.values("pk")
    total = search.search_count(parsed, object_types=[indexing.DOCUMENT_TYPE], within=within)

    def rows(bottom: int, top: int) -> list[DocumentResult]:
        hits = search.search_hits(
            parsed,
            object_types=[indexing.DOCUMENT_TYPE],
            within=within,
            limit=top - bottom,
            offset=bottom,
        )
        ids = [hit.object_id for hit in hits]
        documents = {
            d.pk: d
            for d in _with_related(
                Document.objects.filter(pk__in=ids)
                .defer(*HEAVY_FIELDS)
                .annotate(text_head=Substr("extracted_text", 1, conf.SNIPPET_SCAN_CHARS))
            )
        }
        results = []
        for pk in ids:
            document = documents.get(pk)
            if document is None:  # deleted between the two reads
                continue
            results.append(
                DocumentResult(
                    document,
                    snippet=search.snippet(
                        [document.summary, document.text_head],  # type: ignore[attr-defined]
                        parsed,
                    ),
                    title_html=search.highlight(document.title, parsed),
                )
            )
        return results

    return paginate(None, page_number, per_page=conf.PAGE_SIZE, count=total, rows=rows)


@dataclass(frozen=True)
class FilterOptions:
    """Choices of the list's filters that depend on the data (cached per content version)."""

    collectivities: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    years: list[int] = field(default_factory=list)
    #: Escaped ``<option value="code">name</option>`` of ``collectivities`` (none
    #: selected), built once per language and content version.
    collectivity_options: str = ""

    def collectivity_options_html(self, selected: str = "") -> SafeString:
        """The owners' ``<option>`` elements, the one of code ``selected`` (if any) chosen."""
        html = self.collectivity_options
        if selected:
            plain = format_html('<option value="{}">', selected)
            html = html.replace(plain, f"{plain[:-1]} selected>", 1)
        return mark_safe(html)  # noqa: S308 - built by format_html (escaped)


def _owner_options(collectivities: list[tuple[str, str]]) -> str:
    return str(
        format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((code, plain_isolate(name)) for code, name in collectivities),
        )
    )


def _filter_option_values() -> dict[str, Any]:
    owners = (
        Collectivity.objects.filter(library_documents__is_published=True)
        .distinct()
        .order_by("code")
        .values_list("code", "name_ar", "name_fr", "name_en")
    )
    years = (
        Document.objects.published()
        .filter(issued_on__isnull=False)
        .dates("issued_on", "year", order="DESC")
    )
    return {"collectivities": list(owners), "years": [d.year for d in years]}


def filter_options(language: str) -> FilterOptions:
    """The collectivities that have published documents and the years of the documents.

    Two queries on a cache miss; the content-version read on a hit.
    """
    values = cached_aggregate("library-filter-options:1", _filter_option_values)
    order = {"ar": (1, 2, 3), "fr": (2, 1, 3), "en": (3, 2, 1)}.get(language, (2, 1, 3))
    collectivities = [
        (row[0], next((row[i] for i in order if row[i]), row[0]))
        for row in values["collectivities"]
    ]
    options = cached_aggregate(
        f"library-owner-options:1:{language}", lambda: _owner_options(collectivities)
    )
    return FilterOptions(
        collectivities=collectivities, years=values["years"], collectivity_options=options
    )


def document_detail(slug: str) -> Document | None:
    """The document with this address, with what its page shows (any publication state).

    ``preview`` (the first :data:`~infitah.library.conf.PREVIEW_CHARS` characters of
    the extracted text) and ``text_length`` are annotated; the full text is not read.
    Three queries: the document (collectivity and good practice joined), its
    principles, the good practice's adoptions.
    """
    document = (
        Document.objects.filter(slug=slug)
        .defer(*HEAVY_FIELDS)
        .annotate(
            preview=Substr("extracted_text", 1, conf.PREVIEW_CHARS),
            text_length=Length("extracted_text"),
        )
        .select_related("collectivity", "good_practice")
        .prefetch_related(
            Prefetch("principles", queryset=Principle.objects.order_by("order", "pk"))
        )
        .first()
    )
    return document


def adoptions(document: Document) -> list[GoodPracticeAdoption]:
    """Adoptions of ``document``'s good practice, newest first (one query; none without)."""
    practice = getattr(document, "good_practice", None)
    if practice is None or document.kind != Document.Kind.GOOD_PRACTICE:
        return []
    return list(
        GoodPracticeAdoption.objects.filter(good_practice=practice)
        .select_related("collectivity")
        .order_by("-adopted_on", "-pk")
    )


def upload_collectivity_choices(user: Any) -> tuple[bool, QuerySet[Collectivity]]:
    """Where ``user`` may add documents: ``(may add network documents, collectivities)``.

    Coordinators: the network and every member collectivity; staff: their own
    collectivities where ``library.add_document`` is granted.
    """
    ids = collectivity_ids_with_perm(user, "library.add_document")
    if ids is None:
        members = Membership.objects.public().values("collectivity_id")
        return True, Collectivity.objects.filter(pk__in=members).order_by("code")
    return False, Collectivity.objects.filter(pk__in=ids).order_by("code")


def adoption_collectivity_choices(user: Any, document: Document) -> QuerySet[Collectivity]:
    """Collectivities on whose behalf ``user`` may say "we adopted this" for ``document``.

    Those where the user holds ``library.add_goodpracticeadoption`` through a role
    (coordinators, who hold it everywhere, record adoptions in the admin), that are
    active members, are not the practice's own and have not adopted it yet.
    """
    ids = collectivity_ids_with_perm(user, "library.add_goodpracticeadoption")
    if not ids:
        return Collectivity.objects.none()
    practice = getattr(document, "good_practice", None)
    queryset = Collectivity.objects.filter(
        pk__in=ids, memberships__status=Membership.Status.ACTIVE
    ).exclude(pk=document.collectivity_id or 0)
    if practice is not None:
        queryset = queryset.exclude(adopted_practices__good_practice=practice)
    return queryset.distinct().order_by("code")


def principle_by_code(code: str) -> Principle | None:
    """The principle of the current network with this code (one query), or ``None``."""
    from infitah.network.selectors import current_network

    network = current_network()
    if network is None or not code:
        return None
    return Principle.objects.filter(network=network, code=code).first()


def collectivity_by_code(code: str) -> Collectivity | None:
    """The collectivity with this official code or slug (one query), or ``None``."""
    if not code:
        return None
    return Collectivity.objects.filter(Q(code=code) | Q(slug=code)).first()
