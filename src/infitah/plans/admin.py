"""Admin of action plans, their phases, state changes and follow-up committees.

Every list is limited to the collectivities where the user may view plans
(:class:`infitah.core.admin.CollectivityScopedAdminMixin`); the rules of
``plans/rules.py`` decide each change. The state is changed only on the plan's page
(``plans:transition``, through the services): here it is read-only, and the
state-change log is shown, never edited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from infitah.accounts.models import Organisation
from infitah.accounts.rules import collectivity_ids_with_perm
from infitah.core.admin import (
    CollectivityScopedAdminMixin,
    ReadOnlyAdminMixin,
    RulesModelAdminMixin,
    RulesSimpleHistoryMixin,
)
from infitah.plans.models import (
    ActionPlan,
    CommitteeMember,
    FollowUpCommittee,
    Phase,
    PlanTransition,
)
from infitah.plans.services import plan_search_text
from infitah.territories.admin import region_filter
from infitah.territories.models import Collectivity


class PhaseInline(RulesModelAdminMixin, TranslationTabularInline):
    model = Phase
    extra = 0
    fields = ("kind", "title", "starts_on", "ends_on", "order")
    ordering = ("starts_on", "order", "pk")


class PlanTransitionInline(ReadOnlyAdminMixin, RulesModelAdminMixin, admin.TabularInline):
    model = PlanTransition
    extra = 0
    fields = ("at", "from_state", "to_state", "actor", "reason")
    readonly_fields = fields
    ordering = ("at", "pk")
    can_delete = False


@admin.register(ActionPlan)
class ActionPlanAdmin(
    CollectivityScopedAdminMixin,
    RulesSimpleHistoryMixin,
    SimpleHistoryAdmin,
    TranslationAdmin,
):
    """Action plans of the user's collectivities; the state is read-only here."""

    list_display = ("title", "collectivity", "start_month", "end_month", "state", "is_published")
    list_filter = (
        "state",
        "is_published",
        "collectivity__kind",
        region_filter("collectivity__region_id"),
    )
    search_fields = ("title_ar", "title_fr", "title_en", "slug", "collectivity__code")
    list_select_related = ("collectivity",)
    autocomplete_fields = ("collectivity",)
    # Published, state and adoption change through the plan's page (the services and
    # their rules: a started process stays public, one permission per move).
    readonly_fields = ("is_published", "state", "state_changed_at", "adopted_on")
    inlines = (PhaseInline, PlanTransitionInline)
    ordering = ("-start_month", "collectivity__code")
    fieldsets = (
        (None, {"fields": ("collectivity", "slug", "title", "summary", "is_published")}),
        (_("Period"), {"fields": (("start_month", "end_month"), "planned_adoption_month")}),
        (_("State"), {"fields": ("state", "state_changed_at", "adopted_on")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None:
            # The reference is public and stable; the owner does not change.
            readonly += ("collectivity", "slug")
        return readonly

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "collectivity":
            ids = collectivity_ids_with_perm(request.user, "plans.add_actionplan")
            queryset: QuerySet[Collectivity] = Collectivity.objects.all()
            kwargs["queryset"] = queryset if ids is None else queryset.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ActionPlan, form: Any, change: bool) -> None:
        obj.search_text = plan_search_text(obj)
        super().save_model(request, obj, form, change)


@admin.register(PlanTransition)
class PlanTransitionAdmin(ReadOnlyAdminMixin, CollectivityScopedAdminMixin, admin.ModelAdmin):
    """The state-change log: read-only (written by the services)."""

    collectivity_field = "plan__collectivity"
    list_display = ("plan", "from_state", "to_state", "at", "actor")
    list_filter = ("to_state",)
    list_select_related = ("plan", "actor")
    search_fields = ("plan__slug", "plan__title_ar", "plan__title_fr", "reason")
    date_hierarchy = "at"


class CommitteeMemberInline(RulesModelAdminMixin, admin.TabularInline):
    model = CommitteeMember
    extra = 0
    fields = (
        "person_name",
        "organisation",
        "organisation_name",
        "side",
        "gender",
        "role",
        "joined_on",
        "left_on",
    )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation":
            # Organisations of the user's collectivities, or of none in particular
            # (the organisations' own admin is the coordinators').
            ids = collectivity_ids_with_perm(request.user, "plans.change_committeemember")
            queryset: QuerySet[Organisation] = Organisation.objects.order_by("name")
            if ids is not None:
                queryset = queryset.filter(
                    Q(collectivity_id__in=ids) | Q(collectivity__isnull=True)
                )
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(FollowUpCommittee)
class FollowUpCommitteeAdmin(
    CollectivityScopedAdminMixin,
    RulesSimpleHistoryMixin,
    SimpleHistoryAdmin,
    TranslationAdmin,
):
    """Follow-up committees and their members."""

    collectivity_field = "plan__collectivity"
    list_display = ("__str__", "plan", "established_on")
    list_select_related = ("plan",)
    search_fields = ("name_ar", "name_fr", "plan__slug", "plan__title_ar", "plan__title_fr")
    autocomplete_fields = ("plan",)
    readonly_fields = ("overdue_warned_at",)
    inlines = (CommitteeMemberInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly + ("plan",) if obj is not None else readonly

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "plan":
            ids = collectivity_ids_with_perm(request.user, "plans.add_followupcommittee")
            queryset: QuerySet[ActionPlan] = ActionPlan.objects.filter(committee__isnull=True)
            kwargs["queryset"] = (
                queryset if ids is None else queryset.filter(collectivity_id__in=ids)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
