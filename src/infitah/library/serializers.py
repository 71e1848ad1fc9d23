"""Serializers of the library's API (``/api/v1/documents/``, ``/api/v1/good-practices/``).

Public answers never name the person who uploaded a document. Translated text is
given in the requested language (``title``) and per language (``title_ar``...).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from infitah.api.serializers import WebURLField
from infitah.library.models import Document, GoodPractice, GoodPracticeAdoption
from infitah.network.models import Network, Principle
from infitah.territories.models import Collectivity


class LibraryCollectivitySerializer(serializers.Serializer[Collectivity]):
    """A collectivity, by official code and name."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class DocumentFileSerializer(serializers.Serializer[Document]):
    """The document's file: detected type, size, digest and download address."""

    filename = serializers.CharField(source="original_filename", read_only=True)
    content_type = serializers.CharField(
        read_only=True, help_text=_("Detected from the file's content.")
    )
    size_bytes = serializers.IntegerField(read_only=True, help_text=_("Size in bytes."))
    sha256 = serializers.CharField(read_only=True, help_text=_("SHA-256 of the file, hex."))
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, document: Document) -> str:
        request = self.context["request"]
        return str(
            request.build_absolute_uri(reverse("library:download", kwargs={"slug": document.slug}))
        )


class DocumentSerializer(serializers.ModelSerializer[Document]):
    """A published document of the library."""

    title = serializers.CharField(read_only=True, help_text=_("Title in the requested language."))
    summary = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=Document.Kind.choices, read_only=True)
    language = serializers.ChoiceField(choices=Document.Language.choices, read_only=True)
    licence = serializers.ChoiceField(choices=Document.Licence.choices, read_only=True)
    extraction_status = serializers.ChoiceField(
        choices=Document.ExtractionStatus.choices, read_only=True
    )
    principles: serializers.SlugRelatedField[Principle] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    collectivity = LibraryCollectivitySerializer(
        read_only=True, allow_null=True, help_text=_("Null for a document of the network itself.")
    )
    file = serializers.SerializerMethodField()
    link = serializers.SerializerMethodField()
    web_url = WebURLField(help_text=_("The document's public page."))
    snippet_html = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = (
            "slug",
            "title",
            "title_ar",
            "title_fr",
            "title_en",
            "summary",
            "summary_ar",
            "summary_fr",
            "summary_en",
            "kind",
            "language",
            "principles",
            "collectivity",
            "issued_on",
            "licence",
            "file",
            "link",
            "extraction_status",
            "page_count",
            "web_url",
            "snippet_html",
        )
        read_only_fields = fields

    @extend_schema_field(DocumentFileSerializer(allow_null=True))
    def get_file(self, document: Document) -> dict[str, Any] | None:
        if not document.file:
            return None
        return dict(DocumentFileSerializer(document, context=self.context).data)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_link(self, document: Document) -> str | None:
        return document.link or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_snippet_html(self, document: Document) -> str | None:
        """Search answers only: an excerpt around the matches (HTML, matches in ``<mark>``)."""
        snippet = getattr(document, "snippet", None)
        return str(snippet) if snippet is not None else None


class AdoptionSerializer(serializers.ModelSerializer[GoodPracticeAdoption]):
    """A member collectivity's adoption of a good practice."""

    collectivity = LibraryCollectivitySerializer(read_only=True)

    class Meta:
        model = GoodPracticeAdoption
        fields = ("id", "collectivity", "adopted_on", "note", "commitment_reference")
        read_only_fields = fields


class DocumentRefSerializer(serializers.ModelSerializer[Document]):
    """The document that describes a good practice."""

    title = serializers.CharField(read_only=True)
    collectivity = LibraryCollectivitySerializer(read_only=True, allow_null=True)
    web_url = WebURLField()

    class Meta:
        model = Document
        fields = (
            "slug",
            "title",
            "title_ar",
            "title_fr",
            "title_en",
            "collectivity",
            "issued_on",
            "web_url",
        )
        read_only_fields = fields


class GoodPracticeSerializer(serializers.ModelSerializer[GoodPractice]):
    """A good practice: its structured fields and who adopted it."""

    slug = serializers.CharField(source="document.slug", read_only=True)
    document = DocumentRefSerializer(read_only=True)
    cost_mad = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Cost in Moroccan dirhams."),
    )
    adoptions = AdoptionSerializer(many=True, read_only=True)

    class Meta:
        model = GoodPractice
        fields = (
            "slug",
            "document",
            "problem",
            "what_was_done",
            "results",
            "contacts",
            "cost_mad",
            "cost_note",
            "adoptions",
        )
        read_only_fields = fields


# --- Writing ---------------------------------------------------------------------------


class CodeRelatedField(serializers.SlugRelatedField):
    """A related row by code, with a clear message for an unknown one."""

    default_error_messages = {
        "does_not_exist": _("Unknown code: %(value)s."),
        "invalid": _("Invalid value."),
    }


def _principles() -> Any:
    """The current network's principles, as a lazy queryset (no query until validation).

    Serializers are built when the OpenAPI schema is generated, e.g. by ``manage.py
    check`` on a database not yet migrated: nothing may be read here.
    """
    first_network = Network.objects.order_by("pk").values("pk")[:1]
    return Principle.objects.filter(network__in=first_network)


class DocumentCreateSerializer(serializers.Serializer[Document]):
    """A new document (multipart: the metadata and the ``file``, or a ``link``)."""

    title_ar = serializers.CharField(max_length=300, required=False, allow_blank=True)
    title_fr = serializers.CharField(max_length=300, required=False, allow_blank=True)
    title_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    summary_ar = serializers.CharField(required=False, allow_blank=True)
    summary_fr = serializers.CharField(required=False, allow_blank=True)
    summary_en = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Document.Kind.choices)
    language = serializers.ChoiceField(choices=Document.Language.choices)
    collectivity = CodeRelatedField(
        slug_field="code",
        queryset=Collectivity.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Official code of the owning collectivity; empty or null for the network."),
    )
    principles = CodeRelatedField(
        slug_field="code", many=True, queryset=Principle.objects.all(), required=False
    )
    issued_on = serializers.DateField(required=False, allow_null=True)
    licence = serializers.ChoiceField(
        choices=Document.Licence.choices, default=Document.Licence.ALL_RIGHTS_RESERVED
    )
    link = serializers.URLField(max_length=500, required=False, allow_blank=True)
    is_published = serializers.BooleanField(default=True)
    file = serializers.FileField(required=False, allow_null=True, use_url=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        principles = self.fields["principles"]
        principles.child_relation.queryset = _principles()  # type: ignore[attr-defined]


class AdoptionCreateSerializer(serializers.Serializer[GoodPracticeAdoption]):
    """ "We adopted this": the adopting collectivity and, optionally, how and the commitment."""

    collectivity = CodeRelatedField(
        slug_field="code",
        queryset=Collectivity.objects.all(),
        help_text=_("Official code of the adopting collectivity (one of yours)."),
    )
    adopted_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    commitment_reference = serializers.CharField(required=False, allow_blank=True, max_length=300)
