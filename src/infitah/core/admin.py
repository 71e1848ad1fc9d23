"""Admin building blocks shared by every app, and the admin site's settings.

Django's ``ModelAdmin`` asks ``user.has_perm("app.change_model")`` without the object;
:class:`RulesModelAdminMixin` passes the object, so the per-collectivity rules of
``<app>/rules.py`` decide. :class:`CollectivityScopedAdminMixin` also limits the
lists to the collectivities where the user holds the view permission. Admin code
names permissions only, never roles (see :mod:`infitah.accounts.rules`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from infitah.accounts.forms import InfitahAdminAuthenticationForm
from infitah.accounts.selectors import scope_to_collectivities
from infitah.core.models import ContentVersion

__all__ = [
    "CollectivityScopedAdminMixin",
    "ReadOnlyAdminMixin",
    "RulesModelAdminMixin",
    "RulesSimpleHistoryMixin",
]

admin.site.site_header = _("Infitah administration")
admin.site.site_title = _("Infitah administration")
admin.site.index_title = _("Network administration")
# The admin's sign-in form refuses accounts with two-factor login (sent to the site's
# sign-in page, which asks for the code).
admin.site.login_form = InfitahAdminAuthenticationForm


def _perm(model: type[Model], action: str) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


class RulesModelAdminMixin:
    """Ask the permission rules with the object (``user.has_perm(perm, obj)``)."""

    model: type[Model]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return user.has_perm(_perm(self.model, "view"), obj) or user.has_perm(
            _perm(self.model, "change"), obj
        )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.has_perm(_perm(self.model, "add"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(_perm(self.model, "change"), obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(_perm(self.model, "delete"), obj)


class CollectivityScopedAdminMixin(RulesModelAdminMixin):
    """Lists only the rows of collectivities where the user has the view permission.

    ``collectivity_field`` is the lookup from the model to its collectivity
    (``"pk"`` for collectivities themselves). Coordinators see every row.
    """

    collectivity_field = "collectivity"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        return scope_to_collectivities(
            queryset,
            user=request.user,
            perm=_perm(self.model, "view"),
            field=self.collectivity_field,
        )


class RulesSimpleHistoryMixin:
    """History pages of django-simple-history, with reverting kept to coordinators.

    Reverting writes every field of an old version (official data included), so it
    needs ``core.revert_history`` on top of the change permission, and a POST to the
    revert page is refused without it (simple-history itself only checks viewing).
    """

    def has_change_history_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("core.revert_history") and bool(
            super().has_change_history_permission(request, obj)  # type: ignore[misc]
        )

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        from django.core.exceptions import PermissionDenied

        if request.method == "POST" and not self.has_change_history_permission(request):
            raise PermissionDenied
        response: HttpResponse = super().history_form_view(  # type: ignore[misc]
            request, object_id, version_id, extra_context
        )
        return response


class ReadOnlyAdminMixin:
    """Rows shown but never added, changed or deleted in the admin."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ContentVersion)
class ContentVersionAdmin(ReadOnlyAdminMixin, RulesModelAdminMixin, admin.ModelAdmin):
    """The public-content version (bumped on every public change; read-only)."""

    list_display = ("pk", "value")
