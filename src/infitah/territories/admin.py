"""Admin of collectivities (coordinators: all; a collectivity's staff: their own)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from infitah.core.admin import (
    CollectivityScopedAdminMixin,
    ReadOnlyAdminMixin,
    RulesModelAdminMixin,
    RulesSimpleHistoryMixin,
)
from infitah.territories.models import AreaTypeOverride, Collectivity

__all__ = ["CollectivityAdmin", "RegionListFilter", "region_filter"]

#: Official data from the census file: changed by coordinators only. The Arabic and
#: French names are among them: ``load_territories`` (run by every ``make run``) owns
#: them and puts the census spelling back (docs/data.md), so an edit by the
#: collectivity's staff would silently disappear. English and Tamazight names are theirs.
OFFICIAL_FIELDS = (
    "code",
    "name_ar",
    "name_fr",
    "kind",
    "parent",
    "region",
    "slug",
    "area_type",
    "cercle_code",
    "population_2024",
    "households_2024",
    "population_2014",
)


class RegionListFilter(admin.SimpleListFilter):
    """Filter by region, offering the regions only (not every collectivity).

    Django's default filter on a foreign key to ``Collectivity`` would list all
    1,600 units; subclasses set ``lookup`` (the path to the region's id).
    """

    # Translators: title of an admin list filter; Django shows it as "By region".
    title = _("region")
    parameter_name = "region"
    lookup = "region_id"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(region.pk), str(region)) for region in Collectivity.objects.regions()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{self.lookup: int(value)})
        return queryset


def region_filter(lookup: str) -> type[RegionListFilter]:
    """Return a :class:`RegionListFilter` for the given lookup (``"collectivity__region_id"``)."""
    return type("RegionListFilter", (RegionListFilter,), {"lookup": lookup})


@admin.register(Collectivity)
class CollectivityAdmin(
    CollectivityScopedAdminMixin,
    RulesSimpleHistoryMixin,
    SimpleHistoryAdmin,
    TranslationAdmin,
):
    """Collectivities; staff of a collectivity see and edit only theirs, official data read-only."""

    collectivity_field = "pk"
    list_display = ("code", "name", "kind", "parent", "region", "area_type", "population_2024")
    list_display_links = ("code", "name")
    list_filter = ("kind", "area_type", RegionListFilter)
    search_fields = ("name_ar", "name_fr", "code")
    list_select_related = ("parent", "region")
    autocomplete_fields = ("parent", "region")
    ordering = ("code",)
    list_per_page = 50
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("territories.change_official_data", obj):
            readonly += tuple(f for f in OFFICIAL_FIELDS if f not in readonly)
        return readonly

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """Names in Arabic or French (any spelling variant, via the search text) or code."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results = results | queryset.search(search_term)  # type: ignore[attr-defined]
        return results, may_have_duplicates

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Names may have changed: the folded search text follows them.
        obj.search_text = obj.build_search_text()
        super().save_model(request, obj, form, change)


@admin.register(AreaTypeOverride)
class AreaTypeOverrideAdmin(ReadOnlyAdminMixin, RulesModelAdminMixin, admin.ModelAdmin):
    """The documented urban/rural corrections applied by the loader (read-only here)."""

    list_display = ("code", "area_type", "reason")
    list_filter = ("area_type",)
    search_fields = ("code", "reason")
