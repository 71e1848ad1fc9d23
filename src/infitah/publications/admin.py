"""Admin of publications: staff of the organising collectivity see and edit theirs.

Documents are created from the meeting's page of documents (``publications:manage``),
not here: the admin lists them, edits their text and publishes or withdraws them, each
through :mod:`infitah.publications.services` (same permission checks, same history).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from infitah.core.admin import CollectivityScopedAdminMixin, RulesSimpleHistoryMixin
from infitah.publications import services
from infitah.publications.models import Publication


@admin.register(Publication)
class PublicationAdmin(CollectivityScopedAdminMixin, RulesSimpleHistoryMixin, SimpleHistoryAdmin):
    """Publications, scoped to the collectivities where the user may see them."""

    collectivity_field = "meeting__collectivity"
    list_display = ("title", "meeting", "kind", "language", "is_published", "updated_at")
    list_filter = ("kind", "language", ("published_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "meeting__slug", "meeting__title_ar", "meeting__title_fr")
    list_select_related = ("meeting",)
    ordering = ("-meeting__starts_at", "meeting", "kind", "language")
    fields = ("meeting", "kind", "language", "title", "body", "published_at", "edited_by")
    readonly_fields = ("meeting", "kind", "language", "published_at", "edited_by")
    actions = ("publish_selected", "unpublish_selected")

    @admin.display(description=_("published"), boolean=True, ordering="published_at")
    def is_published(self, obj: Publication) -> bool:
        return obj.is_published

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Generated from the meeting's data on the meeting's documents page.
        return False

    def save_model(self, request: HttpRequest, obj: Publication, form: Any, change: bool) -> None:
        try:
            services.publication_update(
                publication=obj,
                actor=request.user,  # type: ignore[arg-type]
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))

    def _apply(self, request: HttpRequest, queryset: QuerySet[Publication], publish: bool) -> int:
        done = 0
        for publication in queryset.select_related("meeting"):
            try:
                if publish:
                    services.publication_publish(publication=publication, actor=request.user)  # type: ignore[arg-type]
                else:
                    services.publication_unpublish(publication=publication, actor=request.user)  # type: ignore[arg-type]
            except (ValidationError, PermissionDenied):
                continue
            done += 1
        return done

    @admin.action(description=_("Publish the selected documents"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Publication]) -> None:
        done = self._apply(request, queryset, publish=True)
        self.message_user(
            request,
            ngettext("%(count)s document published.", "%(count)s documents published.", done)
            % {"count": done},
        )

    @admin.action(description=_("Withdraw the selected documents from the public"))
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[Publication]) -> None:
        done = self._apply(request, queryset, publish=False)
        self.message_user(
            request,
            ngettext("%(count)s document withdrawn.", "%(count)s documents withdrawn.", done)
            % {"count": done},
        )
