"""Public pages of the network: the members directory, the network page, the charter."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infitah.core.cache import cache_public_page
from infitah.core.selectors import clean_choice, clean_query, page_notice, paginate
from infitah.network import selectors
from infitah.network.models import CharterVersion
from infitah.territories.selectors import UnitLink, region_links

#: Members per page of the directory.
DIRECTORY_PAGE_SIZE = 25

#: The kind filter of the directory: value -> label. "province" covers prefectures.
KIND_FILTERS = {
    "region": _("Regions"),
    "province": _("Provinces and prefectures"),
    "commune": _("Communes"),
}
# Accepted as synonyms in the address, shown under the canonical value.
KIND_ALIASES = {"prefecture": "province"}


@cache_public_page
def member_directory(request: HttpRequest) -> HttpResponse:
    """``/<lang>/members/``: every public member, filterable, searchable, paginated.

    Query parameters (all optional, bad values are ignored with a notice, never an
    error): ``region`` (a region's slug or official code), ``kind`` (``region``,
    ``province`` — provinces and prefectures — or ``commune``), ``q`` (words of the
    name, in Arabic or French, any spelling variant), ``page`` (clamped).
    """
    network = selectors.current_network()
    query = clean_query(request.GET.get("q"))
    region_value = clean_choice(request.GET.get("region"))
    kind_value = clean_choice(request.GET.get("kind")).lower()
    kind_value = KIND_ALIASES.get(kind_value, kind_value)

    unknown_kind = ""
    if kind_value and kind_value not in KIND_FILTERS:
        unknown_kind = kind_value
        kind_value = ""
    # The unfiltered list's count is a cached aggregate, read with the regions.
    unfiltered = not (query or kind_value or region_value)
    region_list: list[UnitLink]
    total: int | None = None
    if network is not None:
        region_list, total = selectors.directory_figures(network, with_total=unfiltered)
    else:
        region_list = list(region_links().values())
    region: UnitLink | None = None
    unknown_region = ""
    if region_value:
        folded = region_value.lower()
        region = next((r for r in region_list if folded in (r.slug.lower(), r.code)), None)
        if region is None:
            unknown_region = region_value

    context: dict[str, object] = {
        "network": network,
        "query": query,
        "regions": region_list,
        "selected_region": region,
        "selected_kind": kind_value,
        "kind_filters": KIND_FILTERS,
        "unknown_region": unknown_region,
        "unknown_kind": unknown_kind,
        "is_filtered": bool(query or region or kind_value),
    }
    if network is not None:
        network_id = network.pk
        region_id = region.pk if region is not None else None
        raw_page = request.GET.get("page")
        page = paginate(
            # Unfiltered, the count is the cached number of public members: nothing to count.
            selectors.member_directory(
                network_id, region_id=region_id, kind_group=kind_value, query=query
            )
            if total is None
            else None,
            raw_page,
            per_page=DIRECTORY_PAGE_SIZE,
            count=total,
            rows=lambda bottom, top: selectors.member_rows(
                network_id,
                region_id=region_id,
                kind_group=kind_value,
                query=query,
                bottom=bottom,
                top=top,
                regions=region_list,
            ),
        )
        context.update(page=page, page_notice=page_notice(raw_page, page.number))
    return render(request, "network/directory.html", context)


def _versions_with_state(network_versions: list[CharterVersion]) -> CharterVersion | None:
    """Mark each version ``is_in_force``; return the one in force today, if any.

    Same rule as :meth:`CharterVersionQuerySet.in_force`: the latest version (by
    effective date, then creation) whose date is today or earlier.
    """
    today = timezone.localdate()
    in_force = next((v for v in network_versions if v.effective_on <= today), None)
    for version in network_versions:
        version.is_in_force = version is in_force  # type: ignore[attr-defined]
    return in_force


@cache_public_page
def network_detail(request: HttpRequest) -> HttpResponse:
    """``/<lang>/network/``: the charter in force, its versions, partners and founding."""
    network = selectors.current_network()
    context: dict[str, object] = {"network": network}
    if network is not None:
        versions = selectors.charter_versions(network)
        charter = _versions_with_state(versions)
        context.update(
            charter=charter,
            sections=selectors.charter_sections(charter) if charter is not None else [],
            versions=versions,
            partners=selectors.partners(network),
            principles=selectors.principles(network),
        )
    return render(request, "network/detail.html", context)


@cache_public_page
def charter_version_detail(request: HttpRequest, version: str) -> HttpResponse:
    """``/<lang>/network/charter/<version>/``: one charter version; 404 when unknown."""
    # A label no version can have (control characters such as NUL, which PostgreSQL
    # refuses in a query, or longer than the column) is simply not found.
    max_length = CharterVersion._meta.get_field("version").max_length or 20
    if not version.isprintable() or len(version) > max_length:
        raise Http404("No such charter version.")
    network = selectors.current_network()
    if network is None:
        raise Http404("No network.")
    versions = selectors.charter_versions(network)
    charter = next((v for v in versions if v.version == version), None)
    if charter is None:
        raise Http404("No such charter version.")
    in_force = _versions_with_state(versions)
    context = {
        "network": network,
        "charter": charter,
        "sections": selectors.charter_sections(charter),
        "versions": versions,
        "in_force": in_force,
        "is_in_force": in_force is not None and in_force.pk == charter.pk,
        "is_future": charter.effective_on > timezone.localdate(),
    }
    return render(request, "network/charter_version.html", context)
