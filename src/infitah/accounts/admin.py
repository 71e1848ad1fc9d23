"""Admin of accounts, roles and civil-society organisations.

Coordinators manage everything here; a collectivity's administrator manages the
editors, moderators and information officers of their own collectivity (rules in
``accounts/rules.py``). Roles are given through services, which keep ``is_staff``
(admin access) in step with the roles a person holds.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from infitah.accounts import services
from infitah.accounts.forms import (
    CollectivityRoleAdminForm,
    UserAdminChangeForm,
    UserAdminCreationForm,
)
from infitah.accounts.models import (
    CollectivityRole,
    NetworkRole,
    Organisation,
    OrganisationRepresentative,
    User,
)
from infitah.accounts.rules import collectivity_ids_with_perm, grantable_roles
from infitah.core.admin import (
    CollectivityScopedAdminMixin,
    RulesModelAdminMixin,
    RulesSimpleHistoryMixin,
)
from infitah.territories.admin import region_filter
from infitah.territories.models import Collectivity


class HistoryAdmin(RulesSimpleHistoryMixin, SimpleHistoryAdmin):
    """django-simple-history's admin with reverting kept to coordinators."""


# --- Users ---------------------------------------------------------------------------


class CollectivityRoleInline(RulesModelAdminMixin, admin.TabularInline):
    model = CollectivityRole
    fk_name = "user"
    extra = 0
    fields = ("collectivity", "role")
    autocomplete_fields = ("collectivity",)


class NetworkRoleInline(RulesModelAdminMixin, admin.TabularInline):
    model = NetworkRole
    extra = 0
    fields = ("network", "role")


@admin.register(User)
class UserAdmin(RulesModelAdminMixin, DjangoUserAdmin):
    """Accounts (coordinators); superuser status and raw permissions by superusers only."""

    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    list_display = (
        "email",
        "display_name",
        "preferred_language",
        "is_staff",
        "is_active",
        "date_joined",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "preferred_language")
    search_fields = ("email", "display_name", "first_name", "last_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    inlines = (CollectivityRoleInline, NetworkRoleInline)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Personal information"),
            {"fields": ("display_name", "first_name", "last_name", "preferred_language")},
        ),
        (
            _("Access"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "display_name",
                    "preferred_language",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ("is_superuser", "groups", "user_permissions")
        return readonly

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.user_sync_staff_status(user=form.instance)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.user_delete(user=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for user in queryset:
            services.user_delete(user=user)


# --- Collectivity and network roles ---------------------------------------------------


@admin.register(CollectivityRole)
class CollectivityRoleAdmin(CollectivityScopedAdminMixin, HistoryAdmin):
    """Staff roles per collectivity; found by the person's e-mail address when given."""

    form = CollectivityRoleAdminForm
    list_display = ("user_email", "user_name", "collectivity", "role", "created_at")
    list_filter = ("role", "collectivity__kind", region_filter("collectivity__region_id"))
    search_fields = (
        "user__email",
        "user__display_name",
        "collectivity__name_ar",
        "collectivity__name_fr",
        "collectivity__code",
    )
    autocomplete_fields = ("collectivity",)
    list_select_related = ("user", "collectivity")
    ordering = ("collectivity__code", "role")

    @admin.display(description=_("e-mail address"), ordering="user__email")
    def user_email(self, obj: CollectivityRole) -> str:
        return obj.user.email

    @admin.display(description=_("public name"), ordering="user__display_name")
    def user_name(self, obj: CollectivityRole) -> str:
        return obj.user.display_name

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["user_email", "collectivity", "role"]
        return ["user", "collectivity", "role"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("user",) if obj is not None else ()

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm]:
        if obj is None:
            # user_email is a form field, not a model field: ModelAdmin must not look it up.
            kwargs["fields"] = ["collectivity", "role"]
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request_user": request.user})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "collectivity":
            ids = collectivity_ids_with_perm(request.user, "accounts.add_collectivityrole")
            if ids is not None:
                kwargs["queryset"] = Collectivity.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role":
            allowed = set(grantable_roles(request.user))
            kwargs["choices"] = [
                (value, label) for value, label in db_field.choices if value in allowed
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj._history_user = request.user
        services.collectivity_role_grant(
            user=form.cleaned_data.get("user") or obj.user,
            collectivity=obj.collectivity,
            role=obj.role,
            instance=obj,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.collectivity_role_revoke(role=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for role in queryset.select_related("user"):
            services.collectivity_role_revoke(role=role)


@admin.register(NetworkRole)
class NetworkRoleAdmin(RulesModelAdminMixin, HistoryAdmin):
    list_display = ("user", "network", "role", "created_at")
    list_filter = ("role", "network")
    search_fields = ("user__email", "user__display_name")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "network")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.user_sync_staff_status(user=obj.user)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        user = obj.user
        super().delete_model(request, obj)
        services.user_sync_staff_status(user=user)


# --- Civil-society organisations -----------------------------------------------------


class OrganisationRepresentativeInline(RulesModelAdminMixin, admin.TabularInline):
    model = OrganisationRepresentative
    extra = 0
    fields = ("user", "is_approved")
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(RulesModelAdminMixin, HistoryAdmin, TranslationAdmin):
    """Civil-society organisations, registered and verified by coordinators."""

    list_display = ("name", "acronym", "kind", "collectivity", "is_verified", "created_at")
    list_filter = ("is_verified", "kind", region_filter("collectivity__region_id"))
    search_fields = ("name", "acronym", "registration_number", "email")
    autocomplete_fields = ("collectivity",)
    list_select_related = ("collectivity",)
    prepopulated_fields = {"slug": ("name_ar",)}
    inlines = (OrganisationRepresentativeInline,)
    actions = ("mark_verified", "mark_unverified")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("accounts.verify_organisation", obj):
            readonly += ("is_verified",)
        return readonly

    def _set_verified(self, request: HttpRequest, queryset: QuerySet[Any], value: bool) -> None:
        done = 0
        for organisation in queryset:
            if request.user.has_perm("accounts.verify_organisation", organisation):
                services.organisation_verify(organisation=organisation, is_verified=value)
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d organisation updated.", "%(count)d organisations updated.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark the selected organisations as verified"))
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set_verified(request, queryset, True)

    @admin.action(description=_("Mark the selected organisations as not verified"))
    def mark_unverified(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set_verified(request, queryset, False)


@admin.register(OrganisationRepresentative)
class OrganisationRepresentativeAdmin(RulesModelAdminMixin, admin.ModelAdmin):
    list_display = ("user", "organisation", "is_approved", "created_at")
    list_filter = ("is_approved",)
    search_fields = ("user__email", "user__display_name", "organisation__name")
    autocomplete_fields = ("user", "organisation")
    list_select_related = ("user", "organisation")
    actions = ("approve",)

    @admin.action(description=_("Approve the selected representatives"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = 0
        for representative in queryset.select_related("user"):
            if request.user.has_perm("accounts.change_organisationrepresentative", representative):
                services.organisation_representative_approve(representative=representative)
                count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d representative approved.", "%(count)d representatives approved.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )
