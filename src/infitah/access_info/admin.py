"""Admin of access to information, scoped to the user's collectivities.

- Requests and complaints are **read** here (the workflow runs on the officers' pages,
  through the services, so that every step is dated, logged and e-mailed). Lists are
  limited to the collectivities where the user may view them: coordinators see every
  row but only the public register's columns; a collectivity's handlers (information
  officers, administrator) also see the requester's identity, the log, documents and
  complaint texts of their own collectivity's requests. Handlers may remove a
  requester's identity (a request under law 09-08).
- Holiday corrections: coordinators; saved and deleted through the services, so the
  cached calendars are dropped and open requests' due dates recomputed.
- The proactive-disclosure catalogue: coordinators; items: coordinators and the
  administrator, editors and information officers of the item's collectivity, saved
  through :mod:`.services_public`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from infitah.access_info import disclosure, services, services_public
from infitah.access_info.models import (
    Complaint,
    DisclosureCategory,
    DisclosureItem,
    HolidayOverride,
    InformationRequest,
    RequestDocument,
    RequestEvent,
)
from infitah.access_info.rules import handled_collectivity_ids
from infitah.accounts.rules import collectivity_ids_with_perm
from infitah.core.admin import (
    CollectivityScopedAdminMixin,
    ReadOnlyAdminMixin,
    RulesModelAdminMixin,
    RulesSimpleHistoryMixin,
)
from infitah.territories.admin import region_filter
from infitah.territories.models import Collectivity

IDENTITY_PERM = "access_info.view_requester_identity"

#: What everyone who may view a request in the admin sees (the register's columns).
REGISTER_FIELDS = (
    "reference",
    "collectivity",
    "channel",
    "subject",
    "status",
    "is_urgent",
    "received_at",
    "due_on",
    "extended_at",
    "closed_at",
    "working_days_taken",
    "answered_on_time",
    "refusal_ground",
    "transferred_to",
    "fee_amount",
    "is_in_register",
    "released_published_at",
    "identity_removed_at",
)
#: Seen only by the request's handlers: the identity and the texts that may hold it.
HANDLER_FIELDS = (
    "officer_page",
    *services.IDENTITY_FIELDS,
    "language",
    "information_requested",
    "preferred_form",
    "urgency_reason",
    "extension_reason",
    "clarification_asked_at",
    "refusal_text",
    "released_text",
    "fee_reason",
    "reminder_sent_on",
    "escalated_on",
    "registered_by",
)


class _ReadOnlyInline(ReadOnlyAdminMixin, RulesModelAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Shown with a request (obj) to its handlers only.
        return obj is not None and request.user.has_perm(IDENTITY_PERM, obj)


class RequestEventInline(_ReadOnlyInline):
    model = RequestEvent
    fields = ("at", "kind", "from_status", "to_status", "note")
    readonly_fields = fields
    ordering = ("at", "pk")


class RequestDocumentInline(_ReadOnlyInline):
    model = RequestDocument
    fields = ("title", "is_public", "created_at")
    readonly_fields = fields


class ComplaintInline(_ReadOnlyInline):
    model = Complaint
    fk_name = "request"
    fields = (
        "stage",
        "ground",
        "filed_at",
        "text",
        "response_due_on",
        "outcome",
        "decided_on",
        "outcome_text",
    )
    readonly_fields = fields


@admin.register(InformationRequest)
class InformationRequestAdmin(ReadOnlyAdminMixin, CollectivityScopedAdminMixin, admin.ModelAdmin):
    """Requests, read-only; identity and log for the handlers of their collectivity only."""

    list_display = (
        "reference",
        "subject",
        "collectivity",
        "channel",
        "status",
        "is_urgent",
        "received_at",
        "due_on",
    )
    list_filter = ("status", "channel", "is_urgent", region_filter("collectivity__region_id"))
    # Only public columns are searched: a search by name must not reveal anything.
    search_fields = ("reference", "subject")
    list_select_related = ("collectivity",)
    date_hierarchy = "received_at"
    ordering = ("-received_at", "-pk")
    actions = ("remove_identity",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is not None and request.user.has_perm(IDENTITY_PERM, obj):
            return [*REGISTER_FIELDS, *HANDLER_FIELDS]
        return list(REGISTER_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.get_fields(request, obj)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is not None and request.user.has_perm(IDENTITY_PERM, obj):
            return [RequestEventInline, RequestDocumentInline, ComplaintInline]
        return []

    @admin.display(description=_("officer page"))
    def officer_page(self, obj: InformationRequest) -> str:
        url = reverse("access_info:officer-request-detail", kwargs={"reference": obj.reference})
        return format_html('<a href="{}">{}</a>', url, _("Handle this request"))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not handled_collectivity_ids(request.user):
            actions.pop("remove_identity", None)
        return actions

    @admin.action(description=_("Remove the requester's identity (keep the anonymous record)"))
    def remove_identity(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = 0
        for info in queryset:
            if request.user.has_perm(
                "access_info.handle_request", info
            ) and services.requester_identity_remove(request=info, actor=request.user):
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d identity removed.", "%(count)d identities removed.", done)
            % {"count": done},
            messages.SUCCESS,
        )


@admin.register(Complaint)
class ComplaintAdmin(
    ReadOnlyAdminMixin, CollectivityScopedAdminMixin, RulesSimpleHistoryMixin, SimpleHistoryAdmin
):
    """Complaints and appeals, read-only (recorded on the officers' pages)."""

    collectivity_field = "request__collectivity"
    list_display = ("request", "stage", "ground", "filed_at", "response_due_on", "outcome")
    list_filter = ("stage", "ground", "outcome")
    search_fields = ("request__reference",)
    list_select_related = ("request",)
    ordering = ("-filed_at", "-pk")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields: list[Any] = [
            "request",
            "stage",
            "ground",
            "filed_at",
            "response_due_on",
            "outcome",
            "decided_on",
            "outcome_text",
        ]
        if obj is not None and request.user.has_perm(IDENTITY_PERM, obj.request):
            fields.insert(4, "text")
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.get_fields(request, obj)


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(RulesModelAdminMixin, RulesSimpleHistoryMixin, SimpleHistoryAdmin):
    """Corrections of the holiday calendar (coordinators), saved through the services."""

    list_display = ("date", "name", "is_holiday", "note")
    list_filter = ("is_holiday",)
    search_fields = ("name", "note")
    date_hierarchy = "date"
    ordering = ("-date",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj._history_user = request.user
        services.holiday_override_save(
            actor=request.user,
            date=obj.date,
            is_holiday=obj.is_holiday,
            name=obj.name,
            note=obj.note,
            instance=obj,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.holiday_override_delete(actor=request.user, override=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for override in queryset:
            services.holiday_override_delete(actor=request.user, override=override)


@admin.register(DisclosureCategory)
class DisclosureCategoryAdmin(
    RulesModelAdminMixin, RulesSimpleHistoryMixin, SimpleHistoryAdmin, TranslationAdmin
):
    """The catalogue of article 10 (coordinators)."""

    list_display = ("name", "code", "legal_basis", "update_every_months", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_ar", "name_fr", "name_en")
    ordering = ("order", "pk")


class DisclosureItemAdminForm(forms.ModelForm):
    """Checks what the service would refuse, so the admin re-shows the form instead."""

    url = forms.URLField(label=_("link"), required=False, assume_scheme="https")

    class Meta:
        model = DisclosureItem
        fields = ["collectivity", "category", "title", "file", "url", "published_on"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        category = cleaned.get("category")
        if category is not None and not category.is_active:
            self.add_error("category", _("This category is no longer in use."))
        published_on = cleaned.get("published_on")
        if published_on is not None and published_on > timezone.localdate():
            self.add_error("published_on", _("The publication date cannot be in the future."))
        file = cleaned.get("file")
        if file and hasattr(file, "content_type"):  # a new upload
            try:
                disclosure.check_upload(file)
            except ValidationError as error:
                self.add_error("file", error)
        if not cleaned.get("url") and not file:
            raise ValidationError(_("Give a document or a link (or both)."))
        return cleaned


@admin.register(DisclosureItem)
class DisclosureItemAdmin(
    CollectivityScopedAdminMixin, RulesSimpleHistoryMixin, SimpleHistoryAdmin
):
    """Proactive-disclosure items, scoped to the user's collectivities."""

    form = DisclosureItemAdminForm
    list_display = (
        "title",
        "collectivity",
        "category",
        "published_on",
        "next_update_due_on",
        "is_current",
    )
    list_filter = ("is_current", "category", region_filter("collectivity__region_id"))
    search_fields = (
        "title",
        "collectivity__name_ar",
        "collectivity__name_fr",
        "collectivity__code",
    )
    autocomplete_fields = ("collectivity",)
    list_select_related = ("collectivity", "category")
    readonly_fields = ("next_update_due_on", "is_current")
    actions = ("retire",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "collectivity":
            ids = collectivity_ids_with_perm(request.user, "access_info.add_disclosureitem")
            if ids is not None:
                kwargs["queryset"] = Collectivity.objects.filter(pk__in=ids)
        if db_field.name == "category":
            kwargs["queryset"] = DisclosureCategory.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        upload = data.get("file") if "file" in form.changed_data else None
        try:
            if change:
                services_public.disclosure_item_update(
                    actor=request.user,
                    item=obj,
                    category=data["category"],
                    title=data["title"],
                    published_on=data["published_on"],
                    url=data.get("url") or "",
                    file=upload or None,
                    remove_file=data.get("file") is False,
                )
            else:
                obj.pk = services_public.disclosure_item_create(
                    actor=request.user,
                    collectivity=data["collectivity"],
                    category=data["category"],
                    title=data["title"],
                    published_on=data["published_on"],
                    url=data.get("url") or "",
                    file=upload or None,
                ).pk
        except (ValidationError, PermissionDenied) as error:
            # The form's checks make this rare; say so rather than fail.
            self.message_user(
                request, "; ".join(getattr(error, "messages", [str(error)])), messages.ERROR
            )

    @admin.action(description=_("Retire the selected items (no longer current)"))
    def retire(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = 0
        for item in queryset:
            if request.user.has_perm("access_info.retire_disclosure_item", item):
                services_public.disclosure_item_retire(actor=request.user, item=item)
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d item retired.", "%(count)d items retired.", done) % {"count": done},
            messages.SUCCESS,
        )
