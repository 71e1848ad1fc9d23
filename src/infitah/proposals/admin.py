"""Admin of proposals: a read-only view for the collectivity's staff, with the history.

Lists are limited to the collectivities where the user has ``proposals.view_proposal``
(:class:`infitah.core.admin.CollectivityScopedAdminMixin`). Proposals are changed on
the site only (submitting, answering, hiding go through the services, which keep the
counters and the search index right), so the admin adds, changes and deletes nothing.
Supports are personal data: they are counted, never listed here.
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from infitah.core.admin import (
    CollectivityScopedAdminMixin,
    ReadOnlyAdminMixin,
    RulesSimpleHistoryMixin,
)
from infitah.proposals.models import Proposal
from infitah.territories.admin import region_filter


@admin.register(Proposal)
class ProposalAdmin(
    ReadOnlyAdminMixin,
    CollectivityScopedAdminMixin,
    RulesSimpleHistoryMixin,
    SimpleHistoryAdmin,
):
    """Proposals of the user's collectivities (read-only; actions are on the site)."""

    list_display = (
        "title",
        "collectivity",
        "plan",
        "origin",
        "status",
        "support_count",
        "comment_count",
        "is_hidden",
        "created_at",
    )
    list_filter = (
        "status",
        "origin",
        "is_hidden",
        "collectivity__kind",
        region_filter("collectivity__region_id"),
    )
    search_fields = ("slug", "title", "plan__slug", "collectivity__code")
    list_select_related = ("collectivity", "plan")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    fields = (
        "slug",
        "plan",
        "collectivity",
        "title",
        "body",
        "principles",
        "origin",
        "meeting",
        "breakout_group",
        "author",
        "organisation",
        "contributor_name",
        "entered_by",
        "status",
        "status_changed_at",
        "answer",
        "answered_at",
        "answered_by",
        "is_hidden",
        "hidden_reason",
        "hidden_by",
        "hidden_at",
        "support_count",
        "comment_count",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def view_on_site(self, obj: Proposal) -> str:
        return obj.get_absolute_url()
