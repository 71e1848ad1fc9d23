"""Admin of meetings, scoped to the user's collectivities (coordinators: everything).

A collectivity's administrators and editors see and change their collectivity's
meetings (agenda items and breakout groups inline), attendance and documents;
network meetings are the coordinators'. Registrations are shown read-only: they are
created and cancelled through :mod:`infitah.meetings.services` only, which keep the
capacity and the waiting list right. The organisers' own pages
(``/<lang>/meetings/<slug>/...``) are the main tool; the admin is the back office.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from infitah.core.admin import (
    CollectivityScopedAdminMixin,
    ReadOnlyAdminMixin,
    RulesModelAdminMixin,
    RulesSimpleHistoryMixin,
)
from infitah.meetings.models import (
    AgendaItem,
    Attendance,
    BreakoutGroup,
    Meeting,
    MeetingDocument,
    Registration,
)
from infitah.meetings.services import meeting_build_search_text

__all__ = ["AgendaItemAdmin", "AttendanceAdmin", "MeetingAdmin", "RegistrationAdmin"]


class AgendaItemInline(RulesModelAdminMixin, TranslationStackedInline):
    model = AgendaItem
    extra = 0
    fields = (
        ("day", "start_time", "end_time", "order", "kind"),
        "title",
        "speakers",
        "description",
    )
    ordering = ("day", "start_time", "order", "pk")
    show_change_link = True


class BreakoutGroupInline(RulesModelAdminMixin, TranslationStackedInline):
    model = BreakoutGroup
    extra = 0
    fields = ("order", "name", "topic", ("room", "facilitator", "rapporteur"), "output")
    ordering = ("order", "pk")


class MeetingDocumentInline(RulesModelAdminMixin, TranslationStackedInline):
    model = MeetingDocument
    extra = 0
    fields = (("kind", "is_public"), "title", "file", "url")


@admin.register(Meeting)
class MeetingAdmin(
    CollectivityScopedAdminMixin,
    RulesSimpleHistoryMixin,
    SimpleHistoryAdmin,
    TranslationAdmin,
):
    """Meetings of the user's collectivities (and, for coordinators, the network's)."""

    list_display = ("title", "kind", "collectivity", "starts_at", "is_published", "is_cancelled")
    list_filter = ("kind", "is_published", "is_cancelled", "format")
    search_fields = ("slug", "search_text")
    date_hierarchy = "starts_at"
    list_select_related = ("collectivity",)
    autocomplete_fields = ("collectivity", "participating_collectivities")
    raw_id_fields = ("plan",)
    filter_horizontal = ("participating_organisations",)
    readonly_fields = ("minutes_published_at",)
    inlines = (AgendaItemInline, MeetingDocumentInline)
    fieldsets = (
        (
            None,
            {"fields": ("network", "collectivity", "plan", "kind", "slug", "title", "description")},
        ),
        (
            _("Place and time"),
            {
                "fields": (
                    "format",
                    "venue_name",
                    "address",
                    "city",
                    "online_url",
                    ("starts_at", "ends_at"),
                )
            },
        ),
        (
            _("Registration"),
            {
                "fields": (
                    "registration_enabled",
                    ("registration_opens_at", "registration_closes_at"),
                    ("capacity", "waiting_list_enabled"),
                )
            },
        ),
        (
            _("Publication"),
            {"fields": ("is_published", "is_cancelled", "cancellation_reason")},
        ),
        (
            _("Participants"),
            {"fields": ("participating_collectivities", "participating_organisations")},
        ),
        (_("Minutes"), {"fields": ("minutes", "minutes_published_at")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk:
            # The organiser is fixed once the meeting exists (its rows follow it).
            readonly += ("network", "collectivity")
        return readonly

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        meeting = form.instance
        text = meeting_build_search_text(meeting)
        if text != meeting.search_text:
            Meeting.objects.filter(pk=meeting.pk).update(search_text=text)


@admin.register(AgendaItem)
class AgendaItemAdmin(
    CollectivityScopedAdminMixin,
    RulesSimpleHistoryMixin,
    SimpleHistoryAdmin,
    TranslationAdmin,
):
    """Agenda items with their parallel groups."""

    collectivity_field = "meeting__collectivity"
    list_display = ("title", "meeting", "day", "start_time", "end_time", "kind")
    list_select_related = ("meeting",)
    search_fields = ("title_ar", "title_fr", "meeting__slug")
    autocomplete_fields = ("meeting",)
    inlines = (BreakoutGroupInline,)
    ordering = ("meeting", "day", "start_time", "order")


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdminMixin, CollectivityScopedAdminMixin, admin.ModelAdmin):
    """Registrations, read-only (see the module docstring)."""

    collectivity_field = "meeting__collectivity"
    list_display = ("meeting", "user", "organisation", "status", "created_at", "promoted_at")
    list_filter = ("status",)
    list_select_related = ("meeting", "user", "organisation")
    search_fields = ("meeting__slug", "user__email")
    ordering = ("meeting", "created_at", "pk")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("meetings.view_registration", obj))


@admin.register(Attendance)
class AttendanceAdmin(CollectivityScopedAdminMixin, admin.ModelAdmin):
    """Attendance records (personal data: the organisers' only)."""

    collectivity_field = "meeting__collectivity"
    list_display = ("name", "meeting", "category", "gender", "age_band", "walk_in")
    list_filter = ("category", "gender", "age_band", "walk_in")
    list_select_related = ("meeting",)
    search_fields = ("name", "meeting__slug")
    autocomplete_fields = ("meeting", "organisation")
    raw_id_fields = ("registration", "user")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attendance]:
        queryset: QuerySet[Attendance] = super().get_queryset(request)
        return queryset.select_related("meeting")
