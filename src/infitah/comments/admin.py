"""Admin of comments and reports, scoped to the user's collectivities.

The moderators and administrators of a collectivity see its comments and the reports
about them (coordinators: everything, network-level items included). Nothing is added
or changed here by hand: hiding, showing again and dismissing reports are actions that
go through :mod:`infitah.comments.services` (so the reason is recorded, open reports are
resolved and the commented object's counters stay right). The moderation queue page
(``/<lang>/comments/moderation/``) is the main tool; the admin is the back office,
with each comment's history (edits and moderation).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from infitah.comments import services
from infitah.comments.models import Comment, CommentReport, ModerationReason
from infitah.core.admin import (
    CollectivityScopedAdminMixin,
    ReadOnlyAdminMixin,
    RulesSimpleHistoryMixin,
)
from infitah.core.text import normalize_for_search

__all__ = ["CommentAdmin", "CommentReportAdmin"]


def _flat(fields: tuple[Any, ...]) -> tuple[str, ...]:
    """The names of a ``fields`` layout (rows given as tuples), in order."""
    return tuple(name for row in fields for name in (row if isinstance(row, tuple) else (row,)))


def _hide_action(reason: ModerationReason) -> Callable[..., None]:
    """An admin action hiding the selected comments with ``reason``."""

    def hide(modeladmin: CommentAdmin, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        done = 0
        for comment in queryset.filter(is_hidden=False):
            try:
                services.comment_hide(comment=comment, moderator=request.user, reason=reason)  # type: ignore[arg-type]
            except (PermissionDenied, ValidationError):
                continue
            done += 1
        modeladmin.message_user(
            request,
            ngettext("%(count)d comment hidden.", "%(count)d comments hidden.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    hide.__name__ = f"hide_{reason.value}"
    hide.short_description = _("Hide: %(reason)s") % {"reason": reason.label}  # type: ignore[attr-defined]
    hide.allowed_permissions = ("moderate",)  # type: ignore[attr-defined]
    return hide


class ModerateMixin:
    """``has_moderate_permission``: the admin actions' permission (moderators)."""

    def has_moderate_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("comments.moderate_comment", obj))


@admin.register(Comment)
class CommentAdmin(
    ModerateMixin,
    ReadOnlyAdminMixin,
    CollectivityScopedAdminMixin,
    RulesSimpleHistoryMixin,
    SimpleHistoryAdmin,
):
    """Comments of the user's collectivities, read-only, with moderation actions."""

    list_display = (
        "__str__",
        "author_name",
        "collectivity",
        "content_type",
        "object_id",
        "created_at",
        "is_hidden",
        "is_deleted_by_author",
        "open_report_count",
    )
    list_filter = ("is_hidden", "hidden_reason", "is_deleted_by_author", "content_type")
    list_select_related = ("author", "collectivity", "content_type")
    search_fields = ("body_search",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    fields = (
        ("content_type", "object_id"),
        "collectivity",
        ("parent", "depth"),
        ("author_name", "organisation"),
        "body",
        ("created_at", "edited_at"),
        ("is_deleted_by_author", "deleted_at"),
        ("is_hidden", "hidden_reason", "hidden_at", "hidden_by"),
        "hidden_note",
        ("open_report_count", "last_reported_at"),
    )
    readonly_fields = _flat(fields)
    actions = [*(_hide_action(reason) for reason in ModerationReason), "unhide"]

    @admin.display(description=_("author"))
    def author_name(self, comment: Comment) -> str:
        """The author's public name (never the e-mail address)."""
        return comment.author_display_name

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # The text is searched in its folded form (Arabic letter variants, accents).
        return super().get_search_results(
            request, queryset, normalize_for_search(search_term) or search_term
        )

    @admin.action(description=_("Show again"), permissions=["moderate"])
    def unhide(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        done = 0
        for comment in queryset.filter(is_hidden=True):
            try:
                services.comment_unhide(comment=comment, moderator=request.user)  # type: ignore[arg-type]
            except (PermissionDenied, ValidationError):
                continue
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d comment shown again.", "%(count)d comments shown again.", done)
            % {"count": done},
            messages.SUCCESS,
        )


@admin.register(CommentReport)
class CommentReportAdmin(
    ModerateMixin, ReadOnlyAdminMixin, CollectivityScopedAdminMixin, admin.ModelAdmin
):
    """Reports about the comments of the user's collectivities, read-only."""

    collectivity_field = "comment__collectivity"
    list_display = ("comment", "reason", "reporter_name", "created_at", "resolution", "resolved_at")
    list_filter = ("reason", "resolution")
    list_select_related = ("comment", "reporter")
    search_fields = ("comment__body_search",)
    ordering = ("-created_at", "-pk")
    fields = (
        "comment",
        ("reason", "reporter_name", "created_at"),
        "note",
        ("resolution", "resolved_at", "resolved_by"),
    )
    readonly_fields = _flat(fields)
    actions = ["dismiss"]

    @admin.display(description=_("reported by"))
    def reporter_name(self, report: CommentReport) -> str:
        """The reporter's public name (never the e-mail address)."""
        if report.reporter is None:
            return str(_("deleted account"))
        return str(report.reporter.public_name)

    @admin.action(description=_("Dismiss the selected reports"), permissions=["moderate"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[CommentReport]) -> None:
        done = 0
        for report in queryset.filter(resolved_at__isnull=True):
            try:
                services.report_dismiss(report=report, moderator=request.user)  # type: ignore[arg-type]
            except (PermissionDenied, ValidationError):
                continue
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d report dismissed.", "%(count)d reports dismissed.", done)
            % {"count": done},
            messages.SUCCESS,
        )
