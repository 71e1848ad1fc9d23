"""What the search index holds for a library document (``object_type="library.document"``).

Title terms: the title in every language. Body terms: the summaries, the kind's name
in every language, the principles' and the owner collectivity's names, the good
practice's fields and the extracted text. An unpublished document stays in the index
with ``is_public=False`` (public search never sees it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils import translation

from infitah.library import search
from infitah.library.models import Document, GoodPractice

__all__ = ["DOCUMENT_TYPE", "document_entry", "document_entries", "index_document"]

DOCUMENT_TYPE = "library.document"
_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _translations(obj: Any, field: str) -> list[str]:
    return [getattr(obj, f"{field}_{code}", "") or "" for code in _LANGUAGES]


def _kind_names(kind: str) -> list[str]:
    names = []
    for code in _LANGUAGES:
        with translation.override(code):
            names.append(str(Document.Kind(kind).label))
    return names


def document_entry(document: Document) -> search.EntryData:
    """Return the index entry of ``document``.

    Reads the document's principles, collectivity and good practice: prefetch them
    (``principles``, ``collectivity``, ``good_practice``) when indexing many.
    """
    body: list[str] = _translations(document, "summary")
    body += _kind_names(document.kind)
    for principle in document.principles.all():
        body += _translations(principle, "name")
    if document.collectivity is not None:
        body += _translations(document.collectivity, "name")
    practice: GoodPractice | None = None
    if document.kind == Document.Kind.GOOD_PRACTICE:
        try:
            practice = document.good_practice
        except GoodPractice.DoesNotExist:
            practice = None
    if practice is not None:
        body += [
            practice.problem,
            practice.what_was_done,
            practice.results,
            practice.cost_note,
        ]
    body.append(document.extracted_text)
    titles = _translations(document, "title")
    own_title = getattr(document, f"title_{document.language}", "") or ""
    return search.EntryData(
        object_type=DOCUMENT_TYPE,
        object_id=document.pk,
        title_texts=titles,
        body_texts=body,
        title=own_title or next((t for t in titles if t), ""),
        language=document.language,
        collectivity_id=document.collectivity_id,
        is_public=document.is_published,
        dated_on=document.issued_on,
    )


def index_document(document: Document) -> None:
    """Write ``document``'s index entry (create or update). Called by the services."""
    search.index_entry(document_entry(document))


def document_entries() -> Iterator[search.EntryData]:
    """Every document's entry, for :func:`infitah.library.search.rebuild`."""
    documents = (
        Document.objects.select_related("collectivity", "good_practice")
        .prefetch_related("principles")
        .order_by("pk")
    )
    for document in documents.iterator(chunk_size=50):
        yield document_entry(document)
