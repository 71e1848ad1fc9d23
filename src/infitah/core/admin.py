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
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext_lazy as _

from infitah.accounts.forms import InfitahAdminAuthenticationForm
from infitah.accounts.selectors import scope_to_collectivities
from infitah.core.models import ContentVersion
from infitah.core.text import strip_bidi_controls

__all__ = [
    "CollectivityScopedAdminMixin",
    "ReadOnlyAdminMixin",
    "RulesModelAdminMixin",
    "RulesSimpleHistoryMixin",
    "SafeAutocompleteSelect",
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


def _valid_keys(field: models.Field[Any, Any], values: Any) -> list[Any]:
    """Keep the values that can be ``field``'s: ``"12"`` for an integer key, not ``"x"``.

    Integers outside the range the database stores for the field are left out too.
    """
    kept = []
    for value in values:
        try:
            python_value = field.to_python(value)
        except (ValidationError, ValueError, TypeError):
            continue
        if isinstance(python_value, int):
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            if (low is not None and python_value < low) or (
                high is not None and python_value > high
            ):
                continue
        kept.append(value)
    return kept


def _strip_nul(text: str) -> str:
    return text.replace("\x00", "")


def _request_without_nul(request: HttpRequest) -> None:
    """Drop NUL characters from the query string's names and values (in place).

    PostgreSQL refuses NUL in text, so ``?status=%00`` on a list would be a server error
    there; without the NUL the value is simply one that matches nothing.
    """
    if not any("\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()):
        return
    cleaned = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        cleaned.setlist(_strip_nul(key), [_strip_nul(value) for value in values])
    cleaned._mutable = False
    request.GET = cleaned  # type: ignore[assignment]  # the stubs' read-only QueryDict


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, which survives a posted value that is not a key.

    Re-displaying a form after ``collectivity=abc`` (or ``1%00``) was posted, Django's
    widget looks the value up in the database and fails with a server error; values
    that cannot be a key of the related model are left out instead (the form already
    says the choice is invalid).
    """

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        remote_opts = self.field.remote_field.model._meta
        to_field_name = getattr(self.field.remote_field, "field_name", remote_opts.pk.attname)
        key_field = remote_opts.get_field(to_field_name)
        return super().optgroups(name, _valid_keys(key_field, value), attr)


class RulesModelAdminMixin:
    """Ask the permission rules with the object (``user.has_perm(perm, obj)``).

    Also hardens every admin against bad input: NUL characters in the query string are
    dropped, posted values that are not keys never reach the database, and bidi control
    characters are removed from the short texts (names, titles) saved here, so that they
    cannot reorder the page around them (see :func:`infitah.core.text.strip_bidi_controls`).
    """

    model: type[Model]
    admin_site: admin.AdminSite

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.URLField):
            # A website typed without a scheme is taken as https (Django 6's default).
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _request_without_nul(request)
        response: HttpResponse = super().changelist_view(request, extra_context)  # type: ignore[misc]
        return response

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # Also what the autocomplete endpoint calls with its ``term``.
        result: tuple[QuerySet[Any], bool] = super().get_search_results(  # type: ignore[misc]
            request, queryset, _strip_nul(search_term)
        )
        return result

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        for field in obj._meta.concrete_fields:
            if isinstance(field, models.CharField) and not field.choices:
                value = getattr(obj, field.attname)
                if isinstance(value, str):
                    setattr(obj, field.attname, strip_bidi_controls(value))
        super().save_model(request, obj, form, change)  # type: ignore[misc]

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

    model: type[Model]

    def has_change_history_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("core.revert_history") and bool(
            super().has_change_history_permission(request, obj)  # type: ignore[misc]
        )

    def _is_key(self, object_id: str) -> bool:
        return bool(_valid_keys(self.model._meta.pk, [unquote(object_id)]))

    def _missing(self, request: HttpRequest, object_id: str) -> HttpResponse:
        response: HttpResponse = self._get_obj_does_not_exist_redirect(  # type: ignore[attr-defined]
            request, self.model._meta, _strip_nul(object_id)
        )
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # simple-history looks an address like .../abc/history/ up as is: a server error.
        if not self._is_key(object_id):
            return self._missing(request, object_id)
        response: HttpResponse = super().history_view(  # type: ignore[misc]
            request, object_id, extra_context
        )
        return response

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        from django.core.exceptions import PermissionDenied

        if not self._is_key(object_id) or not version_id.isdecimal():
            return self._missing(request, object_id)
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
