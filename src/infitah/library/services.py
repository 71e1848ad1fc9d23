"""Every change to the library: documents, files, extraction, good practices, adoptions.

Each function checks the acting user's permission (``user=None`` is the operator at
the command line, who may do everything), validates (``full_clean``), writes in one
transaction, keeps the search index in sync (:mod:`infitah.library.indexing`) and
queues the text extraction after the commit (:mod:`infitah.library.tasks`).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext_lazy as _

from infitah.accounts.models import User
from infitah.core.text import normalize_for_search, strip_bidi_controls
from infitah.library import filetypes, indexing
from infitah.library.arabic_repair import repair_arabic_text
from infitah.library.extraction import Extraction, extract_text
from infitah.library.models import Document, GoodPractice, GoodPracticeAdoption
from infitah.network.models import Membership, Principle
from infitah.territories.models import Collectivity

logger = logging.getLogger(__name__)

__all__ = [
    "DocumentMetadata",
    "GoodPracticeFields",
    "document_check",
    "document_create",
    "document_delete",
    "document_search_text",
    "document_extract_text",
    "document_set_published",
    "document_update",
    "file_digest",
    "good_practice_adopt",
    "good_practice_adoption_delete",
    "good_practice_update",
]

#: Slugs that are addresses of the library's own pages.
RESERVED_SLUGS = frozenset({"upload", "new", "add", "search"})
_LANGUAGES = ("ar", "fr", "en")
Status = Document.ExtractionStatus


@dataclass
class DocumentMetadata:
    """What a person describes about a document (everything but the file).

    ``titles`` and ``summaries`` map language codes (``ar``, ``fr``, ``en``) to text;
    at least one title is required. ``collectivity`` ``None`` is the network itself.
    ``principles`` are :class:`~infitah.network.models.Principle` rows.
    """

    titles: dict[str, str]
    kind: str
    language: str
    collectivity: Collectivity | None = None
    summaries: dict[str, str] = field(default_factory=dict)
    principles: list[Principle] = field(default_factory=list)
    issued_on: datetime.date | None = None
    licence: str = Document.Licence.ALL_RIGHTS_RESERVED
    link: str = ""
    is_published: bool = True


@dataclass
class GoodPracticeFields:
    """The structured fields of a good practice (see :class:`GoodPractice`).

    ``cost_mad`` is in Moroccan dirhams (a ``Decimal``, two places), ``None`` when unknown.
    """

    problem: str = ""
    what_was_done: str = ""
    results: str = ""
    contacts: str = ""
    cost_mad: Decimal | None = None
    cost_note: str = ""


@dataclass(frozen=True)
class _CheckedFile:
    file_type: filetypes.FileType
    sha256: str
    size: int
    name: str


def _require(user: User | None, perm: str, obj: Any) -> None:
    """Raise ``PermissionDenied`` unless ``user`` (``None``: the operator) has ``perm``."""
    if user is not None and not user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this in this collectivity's library."))


def file_digest(file: IO[bytes]) -> tuple[str, int]:
    """Return the SHA-256 hex digest and the size in bytes of ``file`` (left at 0)."""
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    while chunk := file.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return digest.hexdigest(), size


def _safe_filename(name: str, file_type: filetypes.FileType) -> str:
    """The name offered on download: the sender's, cleaned, with the detected extension."""
    stem = PurePath(strip_bidi_controls(name or "")).stem
    cleaned = get_valid_filename(stem.replace("/", " ").replace("\\", " ")) if stem else ""
    return f"{(cleaned or 'document')[:120]}{file_type.extension}"


def _check_file(
    file: IO[bytes], *, filename: str, size: int | None, allow_text: bool, exclude_pk: int | None
) -> _CheckedFile:
    """Size, type (from content) and duplicate checks of an incoming file.

    Raises:
        ValidationError: on ``file`` — too large, empty, wrong type or extension,
            macros, or the same file already in the library (code ``duplicate``).
    """
    try:
        filetypes.check_upload_size(size)
        file_type = filetypes.detect_file_type(file, filename=filename, allow_text=allow_text)
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from error
    sha256, actual_size = file_digest(file)
    filetypes.check_upload_size(actual_size)
    same = Document.objects.filter(sha256=sha256)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    existing = same.first()
    if existing is not None:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("This file is already in the library: “%(title)s”."),
                    code="duplicate",
                    params={"title": existing.title},
                )
            }
        )
    return _CheckedFile(file_type, sha256, actual_size, _safe_filename(filename, file_type))


def _unique_slug(document: Document) -> str:
    latin_title = getattr(document, "title_fr", "") or getattr(document, "title_en", "") or ""
    base = slugify(latin_title)[:80].strip("-") or "document"
    if base in RESERVED_SLUGS:
        base = f"{base}-document"
    taken = set(
        Document.objects.filter(slug__startswith=base)
        .exclude(pk=document.pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def document_search_text(document: Document) -> str:
    """The document's titles and summaries (every language), folded for search."""
    return normalize_for_search(
        " ".join(
            getattr(document, f"{name}_{code}") or ""
            for name in ("title", "summary")
            for code in _LANGUAGES
        )
    )


def _apply_metadata(document: Document, metadata: DocumentMetadata) -> None:
    for code in _LANGUAGES:
        title = strip_bidi_controls(metadata.titles.get(code, "") or "").strip()
        setattr(document, f"title_{code}", title)
        setattr(document, f"summary_{code}", (metadata.summaries.get(code, "") or "").strip())
    if not any(metadata.titles.get(code, "").strip() for code in _LANGUAGES):
        raise ValidationError({"title": _("Give the document a title in at least one language.")})
    document.kind = metadata.kind
    document.language = metadata.language
    document.collectivity = metadata.collectivity
    document.issued_on = metadata.issued_on
    document.licence = metadata.licence
    document.link = (metadata.link or "").strip()
    document.is_published = metadata.is_published
    document.search_text = document_search_text(document)


def _store_file(document: Document, file: IO[bytes], checked: _CheckedFile) -> None:
    """Attach ``file`` to ``document`` (saved to storage now; the row is saved by the caller)."""
    document.file.save(f"upload{checked.file_type.extension}", File(file), save=False)
    document.original_filename = checked.name
    document.content_type = checked.file_type.mime
    document.size_bytes = checked.size
    document.sha256 = checked.sha256
    document.extracted_text = ""
    document.extracted_at = None
    document.page_count = None
    document.extraction_error = ""
    document.extraction_status = (
        Status.PENDING if checked.file_type.has_text else (Status.NOT_APPLICABLE)
    )


def _clear_file(document: Document) -> None:
    document.file = None
    document.original_filename = ""
    document.content_type = ""
    document.size_bytes = None
    document.sha256 = ""
    document.extracted_text = ""
    document.extracted_at = None
    document.page_count = None
    document.extraction_error = ""
    document.extraction_status = Status.NOT_APPLICABLE


def _delete_stored_file_on_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def _enqueue_extraction_on_commit(document: Document) -> None:
    if document.extraction_status != Status.PENDING:
        return
    from infitah.library.tasks import extract_document_text

    document_id = document.pk
    transaction.on_commit(lambda: extract_document_text.enqueue(document_id))


def _save_good_practice(document: Document, fields: GoodPracticeFields | None) -> None:
    practice = GoodPractice.objects.filter(document=document).first()
    if document.kind != Document.Kind.GOOD_PRACTICE:
        return
    if practice is None:
        practice = GoodPractice(document=document)
    if fields is not None:
        for name in ("problem", "what_was_done", "results", "contacts", "cost_note"):
            setattr(practice, name, (getattr(fields, name) or "").strip())
        practice.cost_mad = fields.cost_mad
    if practice.pk is None or fields is not None:
        practice.full_clean()
        practice.save()
    document.good_practice = practice


def _prepare_document(
    *,
    user: User | None,
    metadata: DocumentMetadata,
    file: IO[bytes] | None,
    filename: str,
    size: int | None,
    allow_text: bool,
) -> tuple[Document, _CheckedFile | None]:
    """Check everything :func:`document_create` would write, writing nothing."""
    document = Document(uploaded_by=user)
    document.collectivity = metadata.collectivity
    _require(user, "library.add_document", document)
    _apply_metadata(document, metadata)
    document.slug = _unique_slug(document)
    checked = None
    if file is not None:
        checked = _check_file(
            file, filename=filename, size=size, allow_text=allow_text, exclude_pk=None
        )
        document.full_clean(exclude=["file", "sha256", "original_filename"])
    else:
        document.full_clean()
    return document, checked


def document_check(
    *,
    user: User | None,
    metadata: DocumentMetadata,
    file: IO[bytes] | None = None,
    filename: str = "",
    size: int | None = None,
    allow_text: bool = False,
) -> str:
    """Run every check of :func:`document_create` without writing (the importer's dry run).

    Returns:
        The SHA-256 of the file (``""`` without one), so callers can spot duplicates
        within a batch.

    Raises:
        PermissionDenied, ValidationError: as :func:`document_create` would.
    """
    _document, checked = _prepare_document(
        user=user,
        metadata=metadata,
        file=file,
        filename=filename,
        size=size,
        allow_text=allow_text,
    )
    return checked.sha256 if checked else ""


def _store_extraction(document: Document, extraction: Extraction) -> None:
    document.extraction_status = extraction.status
    document.extracted_text = repair_arabic_text(extraction.text)
    document.page_count = extraction.page_count
    document.extraction_error = extraction.error[:300]
    document.extracted_at = timezone.now()


@transaction.atomic
def document_create(
    *,
    user: User | None,
    metadata: DocumentMetadata,
    file: IO[bytes] | None = None,
    filename: str = "",
    size: int | None = None,
    good_practice: GoodPracticeFields | None = None,
    allow_text: bool = False,
    extraction: Extraction | None = None,
) -> Document:
    """Add a document to the library (a file or a link), index it, queue its extraction.

    Args:
        user: who adds it (needs ``library.add_document`` in ``metadata.collectivity``;
            the network's own documents are the coordinators'); ``None``: the operator.
        metadata: the description (titles, kind, language, principles...).
        file: the file's bytes (an upload or an open file), or ``None`` for a link.
        filename: the name the file came with (for the extension check and the
            download name).
        size: the size the upload announced, in bytes (checked before reading).
        good_practice: the structured fields when ``metadata.kind`` is good practice.
        allow_text: accept UTF-8 ``.txt`` files (the importer only).
        extraction: the file's text already extracted (the importer reads it first to
            guess the language); stored at once instead of queueing a task.

    Returns:
        The saved document. Without ``extraction``, its text is extracted after the
        commit, in the background.

    Raises:
        PermissionDenied: the user may not add documents there.
        ValidationError: bad metadata, no file nor link, or a refused file (size,
            type, extension, duplicate: see :mod:`infitah.library.filetypes`).
    """
    document, checked = _prepare_document(
        user=user,
        metadata=metadata,
        file=file,
        filename=filename,
        size=size,
        allow_text=allow_text,
    )
    if file is not None and checked is not None:
        _store_file(document, file, checked)
        if extraction is not None and checked.file_type.has_text:
            _store_extraction(document, extraction)
    document.save()
    document.principles.set(metadata.principles)
    _save_good_practice(document, good_practice)
    indexing.index_document(document)
    _enqueue_extraction_on_commit(document)
    return document


@transaction.atomic
def document_update(
    *,
    user: User | None,
    document: Document,
    metadata: DocumentMetadata,
    file: IO[bytes] | None = None,
    filename: str = "",
    size: int | None = None,
    remove_file: bool = False,
) -> Document:
    """Change a document's description and, optionally, replace or remove its file.

    Moving a document to another collectivity (or to the network) needs
    ``library.add_document`` there as well as ``library.change_document`` here.

    Returns:
        The saved document (re-indexed; a new file is extracted after the commit).

    Raises:
        PermissionDenied, ValidationError: as :func:`document_create`.
    """
    _require(user, "library.change_document", document)
    if metadata.collectivity != document.collectivity:
        probe = Document(collectivity=metadata.collectivity)
        _require(user, "library.add_document", probe)
    old_name = document.file.name if document.file else ""
    _apply_metadata(document, metadata)
    if file is not None:
        checked = _check_file(
            file, filename=filename, size=size, allow_text=False, exclude_pk=document.pk
        )
        document.full_clean(exclude=["file", "sha256", "original_filename"])
        _store_file(document, file, checked)
        _delete_stored_file_on_commit(old_name)
    elif remove_file and old_name:
        _clear_file(document)
        document.full_clean()
        _delete_stored_file_on_commit(old_name)
    else:
        document.full_clean()
    document.save()
    document.principles.set(metadata.principles)
    _save_good_practice(document, None)
    indexing.index_document(document)
    _enqueue_extraction_on_commit(document)
    return document


@transaction.atomic
def document_set_published(
    *, user: User | None, document: Document, is_published: bool
) -> Document:
    """Publish or unpublish a document (an unpublished one is hidden from the public).

    Raises:
        PermissionDenied: without ``library.change_document`` on it.
    """
    _require(user, "library.change_document", document)
    if document.is_published != is_published:
        document.is_published = is_published
        document.save(update_fields=["is_published", "updated_at"])
        indexing.index_document(document)
    return document


@transaction.atomic
def document_delete(*, user: User | None, document: Document) -> None:
    """Delete a document, its good practice and adoptions, index entry and stored file.

    Raises:
        PermissionDenied: without ``library.delete_document`` on it.
    """
    _require(user, "library.delete_document", document)
    name = document.file.name if document.file else ""
    from infitah.library import search

    search.remove_entry(indexing.DOCUMENT_TYPE, document.pk)
    document.delete()
    _delete_stored_file_on_commit(name)


def document_extract_text(*, document_id: int) -> Document | None:
    """Extract, repair and store the text of a document's file; re-index the document.

    Runs in the background task (:func:`infitah.library.tasks.extract_document_text`).
    The slow part (reading the file) runs outside any transaction; the result is saved
    only if the document still holds the same file (same SHA-256).

    Returns:
        The updated document, or ``None`` when it no longer exists or its file changed
        meanwhile (the newer file has its own task).
    """
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return None
    digest = document.sha256
    file_type = filetypes.BY_MIME.get(document.content_type)
    if not document.file:
        result = Extraction(Status.NOT_APPLICABLE)
    elif file_type is None:
        result = Extraction(Status.FAILED, error="unknown stored file type")
    else:
        try:
            with document.file.open("rb") as stored:
                result = extract_text(stored, file_type)
        except OSError as exc:
            logger.warning("Stored file of document %s unreadable: %s", document_id, exc)
            result = Extraction(Status.FAILED, error="stored file missing")
    with transaction.atomic():
        current = Document.objects.select_for_update().filter(pk=document_id).first()
        if current is None or current.sha256 != digest:
            return None
        _store_extraction(current, result)
        current.save(
            update_fields=[
                "extraction_status",
                "extracted_text",
                "page_count",
                "extraction_error",
                "extracted_at",
                "updated_at",
            ]
        )
        indexing.index_document(current)
    return current


@transaction.atomic
def good_practice_update(
    *, user: User | None, practice: GoodPractice, fields: GoodPracticeFields
) -> GoodPractice:
    """Change the structured fields of a good practice (and re-index its document).

    Raises:
        PermissionDenied: without ``library.change_goodpractice`` (the document's
            collectivity's administrators and editors, coordinators).
        ValidationError: a negative cost, text too long.
    """
    _require(user, "library.change_goodpractice", practice)
    for name in ("problem", "what_was_done", "results", "contacts", "cost_note"):
        setattr(practice, name, (getattr(fields, name) or "").strip())
    practice.cost_mad = fields.cost_mad
    practice.full_clean()
    practice.save()
    indexing.index_document(practice.document)
    return practice


@transaction.atomic
def good_practice_adopt(
    *,
    user: User | None,
    practice: GoodPractice,
    collectivity: Collectivity,
    adopted_on: datetime.date | None = None,
    note: str = "",
    commitment_reference: str = "",
) -> GoodPracticeAdoption:
    """Record that ``collectivity`` adopted ``practice`` ("we adopted this").

    The adopting collectivity must be an active member of the network and not the
    practice's own; the practice's document must be published; one adoption per
    collectivity. ``commitment_reference`` is free text until commitments exist.

    Raises:
        PermissionDenied: without ``library.add_goodpracticeadoption`` in ``collectivity``.
        ValidationError: own practice, not a member, unpublished, already adopted.
    """
    adoption = GoodPracticeAdoption(
        good_practice=practice,
        collectivity=collectivity,
        adopted_on=adopted_on,
        note=(note or "").strip(),
        commitment_reference=strip_bidi_controls(commitment_reference or "").strip(),
        created_by=user,
    )
    _require(user, "library.add_goodpracticeadoption", adoption)
    document = practice.document
    if not document.is_published:
        raise ValidationError(_("This good practice is not published."), code="unpublished")
    if document.collectivity_id == collectivity.pk:
        raise ValidationError(
            _("A collectivity cannot adopt its own good practice."), code="own_practice"
        )
    if not Membership.objects.active().filter(collectivity=collectivity).exists():
        raise ValidationError(
            _("Only member collectivities of the network can adopt a good practice."),
            code="not_member",
        )
    if GoodPracticeAdoption.objects.filter(
        good_practice=practice, collectivity=collectivity
    ).exists():
        raise ValidationError(
            _("This collectivity has already said it adopted this practice."), code="duplicate"
        )
    adoption.full_clean()
    adoption.save()
    return adoption


@transaction.atomic
def good_practice_adoption_delete(*, user: User | None, adoption: GoodPracticeAdoption) -> None:
    """Withdraw an adoption.

    Raises:
        PermissionDenied: without ``library.delete_goodpracticeadoption`` (the adopting
            collectivity's administrators and editors, coordinators).
    """
    _require(user, "library.delete_goodpracticeadoption", adoption)
    adoption.delete()
