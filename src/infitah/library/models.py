"""The network's library: documents, good practices and their adoptions, and the search index.

- :class:`Document` — a file (PDF, office document, image) or a link, with metadata
  (kind, language, principles, owner collectivity or the network itself, date, licence).
  The text of its file is extracted in the background (:mod:`infitah.library.tasks`),
  repaired where safe (:mod:`infitah.library.arabic_repair`) and kept for preview and
  search. ``title`` and ``summary`` are translated columns (``translation.py``).
- :class:`GoodPractice` — the structured fields of a document of kind "good practice"
  (problem, what was done, results, contacts, cost).
- :class:`GoodPracticeAdoption` — "we adopted this": another member collectivity took
  the practice up, optionally pointing at its own commitment.
- :class:`SearchEntry` — one row of the platform's search index (table
  ``search_index``): object type and id, language, title and body *terms* (normalised
  and stemmed text, see :mod:`infitah.library.analysis`). The full-text index over it
  (SQLite FTS5 or a PostgreSQL ``tsvector``) is created by migration 0002 and queried by
  :mod:`infitah.library.search`. Other apps add their own rows (see that module).

State changes go through :mod:`infitah.library.services`; models have no side effects.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infitah.core.models import TimeStampedModel


def document_upload_to(instance: Document, filename: str) -> str:
    """Storage name of an uploaded file: ``library/<year>/<random>.<detected extension>``.

    The name the person gave the file is never used on disk (it is kept in
    ``original_filename`` for the download); the extension is the one of the type
    detected from the content (see :mod:`infitah.library.filetypes`).
    """
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"library/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


class DocumentQuerySet(models.QuerySet["Document"]):
    """Chainable reads of documents."""

    def published(self) -> DocumentQuerySet:
        """Documents visible to the public."""
        return self.filter(is_published=True)

    def for_collectivity(self, collectivity: Any) -> DocumentQuerySet:
        """Documents of one collectivity (a ``Collectivity`` or its primary key)."""
        return self.filter(collectivity=collectivity)

    def of_network(self) -> DocumentQuerySet:
        """Documents of the network itself (no owner collectivity)."""
        return self.filter(collectivity__isnull=True)


class Document(TimeStampedModel):
    """A document of the library: a file or a link, with its metadata and extracted text.

    ``collectivity`` is the owner; ``None`` means the network itself (coordinators'
    documents). ``size_bytes`` is in bytes, ``sha256`` the hex digest of the file's
    bytes (two files with the same digest are the same file: the library keeps one).
    ``content_type`` is detected from the content, never taken from the browser or the
    file name. ``extracted_text`` is the text of the file after the safe repairs of
    :func:`infitah.library.arabic_repair.repair_arabic_text`; ``search_text`` holds the
    titles and summaries folded by :func:`infitah.core.text.normalize_for_search`.
    """

    class Kind(models.TextChoices):
        GOOD_PRACTICE = "good_practice", _("good practice")
        GUIDE = "guide", _("guide")
        TRAINING_MATERIAL = "training_material", _("training material")
        REPORT = "report", _("report")
        CHARTER = "charter", _("charter")
        # Translators: a decision of a collectivity's council (مقرر / délibération).
        DELIBERATION = "deliberation", _("council deliberation")
        OTHER = "other", _("other")

    class Language(models.TextChoices):
        ARABIC = "ar", _("Arabic")
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")
        OTHER = "other", _("other language")

    class Licence(models.TextChoices):
        # SPDX identifiers where one exists.
        CC_BY_4_0 = "CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
        CC_BY_SA_4_0 = (
            "CC-BY-SA-4.0",
            _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)"),
        )
        CC0_1_0 = "CC0-1.0", _("Creative Commons Zero (CC0, public domain dedication)")
        PUBLIC_DOMAIN = "public-domain", _("public domain (official text)")
        OPEN_LICENCE = "open-licence", _("other open licence")
        ALL_RIGHTS_RESERVED = "all-rights-reserved", _("all rights reserved")

    class ExtractionStatus(models.TextChoices):
        PENDING = "pending", _("waiting for text extraction")
        DONE = "done", _("text extracted")
        SCANNED_NO_TEXT = "scanned_no_text", _("scanned document without a text layer")
        FAILED = "failed", _("text extraction failed")
        NOT_APPLICABLE = "not_applicable", _("no text to extract")

    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    language = models.CharField(
        _("language of the document"), max_length=8, choices=Language.choices
    )
    principles = models.ManyToManyField(
        "network.Principle",
        verbose_name=_("principles"),
        blank=True,
        related_name="library_documents",
    )
    collectivity = models.ForeignKey(
        "territories.Collectivity",
        verbose_name=_("collectivity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="library_documents",
        help_text=_("Empty for a document of the network itself."),
    )
    issued_on = models.DateField(
        _("date"), null=True, blank=True, help_text=_("Date of the document (publication).")
    )
    licence = models.CharField(
        _("licence"),
        max_length=30,
        choices=Licence.choices,
        default=Licence.ALL_RIGHTS_RESERVED,
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200, blank=True)
    original_filename = models.CharField(_("file name"), max_length=255, blank=True)
    link = models.URLField(
        _("link"),
        max_length=500,
        blank=True,
        help_text=_("Address of a document published elsewhere."),
    )
    content_type = models.CharField(
        _("file type"), max_length=100, blank=True, help_text=_("Detected from the content.")
    )
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    extraction_status = models.CharField(
        _("text extraction"),
        max_length=20,
        choices=ExtractionStatus.choices,
        default=ExtractionStatus.NOT_APPLICABLE,
    )
    extraction_error = models.CharField(_("extraction problem"), max_length=300, blank=True)
    extracted_text = models.TextField(_("extracted text"), blank=True, editable=False)
    extracted_at = models.DateTimeField(_("extracted at"), null=True, blank=True, editable=False)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["is_published", "-issued_on"], name="library_doc_published_idx"),
            # The published list (``WHERE is_published ORDER BY issued_on DESC, id DESC``):
            # SQLite writes the filter as a bare boolean column and cannot use the index
            # above for it; a partial index with the same condition serves it everywhere.
            models.Index(
                fields=["-issued_on", "-id"],
                name="library_doc_published_list_idx",
                condition=Q(is_published=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="good_practice") | ~Q(file="") | ~Q(link=""),
                name="library_document_file_or_link",
                violation_error_message=_("Give a file or a link to the document."),
            ),
            models.UniqueConstraint(
                fields=["sha256"],
                condition=~Q(sha256=""),
                name="library_document_unique_sha256",
            ),
            models.CheckConstraint(
                condition=Q(file="") | ~Q(sha256=""),
                name="library_document_file_has_digest",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:detail", kwargs={"slug": self.slug})

    @property
    def has_file(self) -> bool:
        return bool(self.file)

    @property
    def year(self) -> int | None:
        return self.issued_on.year if self.issued_on else None


class GoodPractice(TimeStampedModel):
    """The structured description of a good practice (one per document of that kind).

    ``cost_mad`` is the cost in Moroccan dirhams (MAD), a ``Decimal`` with two places;
    ``cost_note`` says what it covers. ``contacts`` are public by design: the office or
    person members can ask about the practice, as the collectivity chose to publish them.
    """

    document = models.OneToOneField(
        Document,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="good_practice",
    )
    problem = models.TextField(_("problem addressed"), blank=True)
    what_was_done = models.TextField(_("what was done"), blank=True)
    results = models.TextField(_("results"), blank=True)
    contacts = models.TextField(
        _("public contacts"),
        blank=True,
        help_text=_("Published: the office or person to ask about this practice."),
    )
    cost_mad = models.DecimalField(
        _("cost (MAD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("In Moroccan dirhams."),
    )
    cost_note = models.CharField(_("what the cost covers"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-document__issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_mad__isnull=True) | Q(cost_mad__gte=0),
                name="library_goodpractice_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.document)

    @property
    def collectivity_id(self) -> int | None:
        """The owning collectivity's id (the document's), for the permission rules."""
        return self.document.collectivity_id

    def get_absolute_url(self) -> str:
        return self.document.get_absolute_url()


class GoodPracticeAdoption(TimeStampedModel):
    """A member collectivity's statement "we adopted this good practice".

    ``commitment_reference`` is free text or an address for now: commitments (plans
    issue) do not exist yet; it becomes a link to the adopting collectivity's
    commitment when they do.
    """

    good_practice = models.ForeignKey(
        GoodPractice,
        verbose_name=_("good practice"),
        on_delete=models.CASCADE,
        related_name="adoptions",
    )
    collectivity = models.ForeignKey(
        "territories.Collectivity",
        verbose_name=_("adopting collectivity"),
        on_delete=models.PROTECT,
        related_name="adopted_practices",
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    note = models.TextField(_("how it was adapted"), blank=True)
    commitment_reference = models.CharField(
        _("related commitment"),
        max_length=300,
        blank=True,
        help_text=_("Address or reference of the commitment of your action plan, if any."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("good practice adoption")
        verbose_name_plural = _("good practice adoptions")
        ordering = ["-adopted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["good_practice", "collectivity"],
                name="library_goodpracticeadoption_unique_collectivity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collectivity} ← {self.good_practice}"


class SearchEntry(models.Model):
    """One searchable object in the platform's search index (table ``search_index``).

    ``object_type`` names the object (``"library.document"``; other apps use
    ``"<app>.<model>"``), ``object_id`` its primary key. ``title_terms`` and
    ``body_terms`` are not for display: they are the object's text turned into index
    terms by :func:`infitah.library.analysis.index_terms` (normalised, stemmed).
    ``title`` is the display title in the object's language (a plain string, for
    result lists across types). ``is_public`` entries are what public search sees;
    ``collectivity`` and ``dated_on`` allow scoping and sorting without joining the
    object's table. Rows are written only by :mod:`infitah.library.search`.
    """

    object_type = models.CharField(_("object type"), max_length=50)
    object_id = models.PositiveBigIntegerField(_("object id"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    collectivity = models.ForeignKey(
        "territories.Collectivity",
        verbose_name=_("collectivity"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    is_public = models.BooleanField(_("public"), default=True)
    dated_on = models.DateField(_("date"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    title_terms = models.TextField(_("title terms"), blank=True)
    body_terms = models.TextField(_("body terms"), blank=True)
    updated_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        db_table = "search_index"
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        ordering = ["object_type", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id"], name="library_searchentry_unique_object"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id}"
