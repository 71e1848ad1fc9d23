"""Admin of the library, scoped: staff see and change their collectivity's documents only.

Saving and deleting go through the services, so the search index and the text
extraction follow every change made here too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from infitah.accounts.rules import collectivity_ids_with_perm
from infitah.core.admin import (
    CollectivityScopedAdminMixin,
    ReadOnlyAdminMixin,
    RulesModelAdminMixin,
    RulesSimpleHistoryMixin,
)
from infitah.library import indexing, services
from infitah.library.models import Document, GoodPractice, GoodPracticeAdoption, SearchEntry


class GoodPracticeInline(admin.StackedInline):
    model = GoodPractice
    extra = 0
    max_num = 1
    can_delete = False
    fields = ("problem", "what_was_done", "results", "contacts", ("cost_mad", "cost_note"))


@admin.register(Document)
class DocumentAdmin(
    CollectivityScopedAdminMixin, RulesSimpleHistoryMixin, SimpleHistoryAdmin, TranslationAdmin
):
    """Documents of the library (the network's own ones: coordinators only)."""

    list_display = (
        "title",
        "kind",
        "language",
        "collectivity",
        "issued_on",
        "extraction_status",
        "is_published",
    )
    list_filter = ("kind", "language", "is_published", "extraction_status", "licence")
    search_fields = ("title_ar", "title_fr", "title_en", "slug", "search_text")
    list_select_related = ("collectivity",)
    autocomplete_fields = ("collectivity",)
    filter_horizontal = ("principles",)
    inlines = (GoodPracticeInline,)
    readonly_fields = (
        "slug",
        "file",
        "original_filename",
        "content_type",
        "size_bytes",
        "sha256",
        "extraction_status",
        "extraction_error",
        "extracted_at",
        "page_count",
        "uploaded_by",
    )
    fieldsets = (
        (None, {"fields": ("title", "summary", "slug", "kind", "language", "principles")}),
        (
            _("Owner and publication"),
            {"fields": ("collectivity", "issued_on", "licence", "link", "is_published")},
        ),
        (
            _("File (upload new files on the library's pages)"),
            {
                "fields": (
                    "file",
                    "original_filename",
                    "content_type",
                    "size_bytes",
                    "sha256",
                    "extraction_status",
                    "extraction_error",
                    "extracted_at",
                    "page_count",
                    "uploaded_by",
                )
            },
        ),
    )
    actions = ("reindex_selected",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Scoped by the mixin (the network's own documents are the coordinators').
        return super().get_queryset(request).defer("extracted_text")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        # Only coordinators move a document to another owner here (staff would hand
        # it to a collectivity they cannot act for); the edit page checks both sides.
        if collectivity_ids_with_perm(request.user, "library.add_document") is not None:
            readonly += ("collectivity",)
        return readonly

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Files are added on the library's pages (type checks, extraction, address).
        return False

    def save_model(self, request: HttpRequest, obj: Document, form: Any, change: bool) -> None:
        obj.search_text = services.document_search_text(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # After the principles and the good practice are saved: the index sees them.
        indexing.index_document(form.instance)

    def delete_model(self, request: HttpRequest, obj: Document) -> None:
        services.document_delete(user=request.user, document=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for document in queryset:
            services.document_delete(user=request.user, document=document)  # type: ignore[arg-type]

    @admin.action(description=_("Rebuild the search index entry"))
    def reindex_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for document in queryset.select_related("collectivity", "good_practice").prefetch_related(
            "principles"
        ):
            indexing.index_document(document)


@admin.register(GoodPracticeAdoption)
class GoodPracticeAdoptionAdmin(
    CollectivityScopedAdminMixin, RulesSimpleHistoryMixin, SimpleHistoryAdmin
):
    """Adoptions, scoped to the adopting collectivity."""

    list_display = ("good_practice", "collectivity", "adopted_on")
    list_select_related = ("good_practice__document", "collectivity")
    autocomplete_fields = ("collectivity",)
    raw_id_fields = ("good_practice",)
    readonly_fields = ("created_by",)
    search_fields = ("collectivity__name_ar", "collectivity__name_fr", "collectivity__code")


@admin.register(SearchEntry)
class SearchEntryAdmin(ReadOnlyAdminMixin, RulesModelAdminMixin, admin.ModelAdmin):
    """The search index (read-only; rebuilt with ``manage.py library_reindex``)."""

    list_display = ("object_type", "object_id", "title", "language", "is_public", "updated_at")
    list_filter = ("object_type", "language", "is_public")
    search_fields = ("title",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).defer("title_terms", "body_terms")
