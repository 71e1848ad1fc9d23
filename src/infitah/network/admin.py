"""Admin of the network: identity, principles, partners, charter, memberships, CSV import.

Everything here is the coordinators' except memberships, whose focal-point contact a
member collectivity's administrator keeps up to date (``network/rules.py``).
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from infitah.core.admin import (
    CollectivityScopedAdminMixin,
    RulesModelAdminMixin,
    RulesSimpleHistoryMixin,
)
from infitah.network.models import (
    CharterSection,
    CharterVersion,
    Membership,
    Network,
    Partner,
    Principle,
)
from infitah.territories.admin import region_filter

__all__ = ["MembershipAdmin", "MembershipImportForm"]

#: Largest CSV accepted by the import page (bytes); the network has ~1,600 units.
MAX_IMPORT_BYTES = 5 * 1024 * 1024

#: The membership's terms: changed by coordinators only (network.change_membership_terms).
MEMBERSHIP_TERMS_FIELDS = (
    "network",
    "collectivity",
    "status",
    "joined_on",
    "left_on",
    "cohort",
    "is_founding_member",
    "focal_point_user",
    "source",
)


class CoordinatorAdmin(
    RulesModelAdminMixin,
    RulesSimpleHistoryMixin,
    SimpleHistoryAdmin,
    TranslationAdmin,
):
    """Base of the translated, history-keeping network admins."""


@admin.register(Network)
class NetworkAdmin(CoordinatorAdmin):
    list_display = ("name", "short_name", "founded_on", "country_code", "is_member_list_complete")
    search_fields = ("name_ar", "name_fr", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_fr",)}


@admin.register(Principle)
class PrincipleAdmin(CoordinatorAdmin):
    list_display = ("name", "code", "order", "network")
    list_filter = ("network",)
    list_editable = ("order",)
    search_fields = ("name_ar", "name_fr", "name_en", "code")
    list_select_related = ("network",)
    ordering = ("network", "order", "pk")


@admin.register(Partner)
class PartnerAdmin(CoordinatorAdmin):
    list_display = ("name", "acronym", "kind", "order", "network")
    list_filter = ("kind", "network")
    list_editable = ("order",)
    search_fields = ("name_ar", "name_fr", "name_en", "acronym", "code")
    list_select_related = ("network",)
    ordering = ("network", "order", "pk")


class CharterSectionInline(RulesModelAdminMixin, TranslationStackedInline):
    model = CharterSection
    extra = 0
    fields = ("order", "kind", "title", "body")
    ordering = ("order", "pk")


@admin.register(CharterVersion)
class CharterVersionAdmin(CoordinatorAdmin):
    list_display = ("version", "network", "effective_on", "adopted_by")
    list_filter = ("network",)
    search_fields = ("version", "summary_ar", "summary_fr", "summary_en")
    date_hierarchy = "effective_on"
    list_select_related = ("network",)
    inlines = (CharterSectionInline,)


class MembershipImportForm(forms.Form):
    """The members CSV upload (see ``memberships_import_csv`` for the format)."""

    network: forms.ModelChoiceField[Network] = forms.ModelChoiceField(
        label=_("Network"), queryset=Network.objects.order_by("pk"), empty_label=None
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 text, comma- or semicolon-separated, with a header row."),
    )
    dry_run = forms.BooleanField(label=_("Only check the file (import nothing)"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB); at most %(max)s MB is accepted."),
                params={
                    # 50,5 in French, ٥٠٫٥ nowhere: the page's decimal separator.
                    "size": number_format(upload.size / 1024 / 1024, 1),
                    "max": MAX_IMPORT_BYTES // 1024 // 1024,
                },
            )
        return upload


@admin.register(Membership)
class MembershipAdmin(
    CollectivityScopedAdminMixin,
    RulesSimpleHistoryMixin,
    SimpleHistoryAdmin,
):
    """Memberships; a collectivity's administrator sees theirs and edits its focal point."""

    change_list_template = "admin/network/membership/change_list.html"
    import_template = "admin/network/membership/import.html"
    list_display = (
        "collectivity",
        "collectivity_code",
        "status",
        "joined_on",
        "cohort",
        "is_founding_member",
        "focal_point_name",
    )
    list_filter = (
        "status",
        "is_founding_member",
        "collectivity__kind",
        region_filter("collectivity__region_id"),
        "network",
    )
    search_fields = (
        "collectivity__name_ar",
        "collectivity__name_fr",
        "collectivity__code",
        "focal_point_name",
    )
    autocomplete_fields = ("collectivity", "focal_point_user")
    list_select_related = ("collectivity", "network")
    ordering = ("collectivity__code",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "network",
                    "collectivity",
                    "status",
                    ("joined_on", "left_on"),
                    ("cohort", "is_founding_member"),
                    "source",
                )
            },
        ),
        (
            _("Focal point (public contact)"),
            {
                "fields": (
                    "focal_point_name",
                    "focal_point_title",
                    "focal_point_email",
                    "focal_point_phone",
                    "focal_point_user",
                )
            },
        ),
    )

    @admin.display(description=_("official code"), ordering="collectivity__code")
    def collectivity_code(self, obj: Membership) -> str:
        return obj.collectivity.code

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("network.change_membership_terms", obj):
            readonly += tuple(f for f in MEMBERSHIP_TERMS_FIELDS if f not in readonly)
        return readonly

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{opts.app_label}_{opts.model_name}_import",
            )
        ]
        return custom + super().get_urls()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_import": request.user.has_perm("network.import_memberships"),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a members CSV: all rows are checked; any error and nothing is imported.

        Needs ``network.import_memberships``. Shows every row problem (line and
        column); on success, says how many memberships were created and updated.
        """
        if not request.user.has_perm("network.import_memberships"):
            raise PermissionDenied
        from infitah.network.services import (
            MEMBERSHIP_IMPORT_COLUMNS,
            decode_csv_upload,
            memberships_import_csv,
        )

        bound = request.method == "POST"
        form = MembershipImportForm(
            request.POST if bound else None, request.FILES if bound else None
        )
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = decode_csv_upload(upload.read())
                report = memberships_import_csv(
                    network=form.cleaned_data["network"],
                    file=io.StringIO(text, newline=""),
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ValueError as error:
                form.add_error("file", str(error))
            else:
                if not report.errors and not report.dry_run:
                    messages.success(request, self._import_summary(report))
                    return HttpResponseRedirect(reverse("admin:network_membership_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import members from a CSV file"),
            "form": form,
            "report": report,
            "summary": self._import_summary(report) if report and not report.errors else "",
            "columns": MEMBERSHIP_IMPORT_COLUMNS,
            "media": self.media + forms.Media(),
        }
        return TemplateResponse(request, self.import_template, context)

    @staticmethod
    def _import_summary(report: Any) -> str:
        created = ngettext(
            # Translators: a list item, inserted as %(created)s in "The file is correct.
            # Importing it would give: %(created)s, %(updated)s." and in "Import done: …".
            "%(count)d membership created",
            "%(count)d memberships created",
            report.created,
        ) % {"count": report.created}
        updated = ngettext(
            # Translators: a list item, inserted as %(updated)s after %(created)s ("2
            # memberships created") in "Importing it would give: …" and "Import done: …".
            "%(count)d membership updated",
            "%(count)d memberships updated",
            report.updated,
        ) % {"count": report.updated}
        if report.dry_run:
            return gettext(
                # Translators: %(created)s is "2 memberships created", %(updated)s is
                # "1 membership updated" (each already translated with its plural form).
                "The file is correct. Importing it would give: %(created)s, %(updated)s."
            ) % {
                "created": created,
                "updated": updated,
            }
        # Translators: %(created)s is "2 memberships created", %(updated)s is
        # "1 membership updated" (each already translated with its plural form).
        return gettext("Import done: %(created)s, %(updated)s.") % {
            "created": created,
            "updated": updated,
        }
