"""Public territory pages: the browser (region → province → commune) and a unit's page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from infitah.core.cache import cache_public_page
from infitah.core.selectors import clean_query, page_notice, paginate
from infitah.core.text import search_tokens
from infitah.network.models import Membership
from infitah.network.selectors import current_network
from infitah.territories import selectors
from infitah.territories.models import Collectivity

#: Search results per page of the browser.
SEARCH_PAGE_SIZE = 25
#: Children listed per page on a region's or province's page (the largest Moroccan
#: province has 89 communes: two compact pages at most).
CHILDREN_PAGE_SIZE = 60


@cache_public_page
def browser(request: HttpRequest) -> HttpResponse:
    """``/<lang>/territories/``: the 12 regions with their counts, or search results.

    ``?q=`` searches every collectivity (member or not) by name in Arabic or French
    with the normalised matching of :mod:`infitah.core.text`; ``?page=`` is clamped.
    """
    network = current_network()
    query = clean_query(request.GET.get("q"))
    # A query of punctuation only ("%", "-") folds to nothing: show the regions.
    searchable = bool(search_tokens(query))
    context: dict[str, object] = {
        "network": network,
        "query": query,
        "is_search": searchable,
        "unsearchable_query": query if query and not searchable else "",
    }
    if searchable:
        raw_page = request.GET.get("page")
        results = selectors.collectivity_search(query, network)
        page = paginate(
            results,
            raw_page,
            per_page=SEARCH_PAGE_SIZE,
            rows=lambda bottom, top: selectors.search_rows(results[bottom:top]),
        )
        context.update(page=page, page_notice=page_notice(raw_page, page.number))
    else:
        figures = selectors.territory_figures(network)
        summaries = figures.region_summaries
        context.update(
            region_summaries=summaries,
            counts=figures.units_by_kind,
            member_total=sum(s.members for s in summaries),
        )
    return render(request, "territories/browser.html", context)


@cache_public_page
def collectivity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/territories/<slug>/``: a collectivity, its units and its membership.

    A region lists its provinces/prefectures, a province its communes (paginated with
    ``?page=``). The membership block shows joined on, cohort, status and the focal
    point's public contact, or says the unit is not a member.
    """
    collectivity = selectors.collectivity_by_slug(slug)
    if collectivity is None:
        raise Http404("No such collectivity.")
    links = selectors.collectivity_page(collectivity)
    network = current_network()
    membership = selectors.membership_of(collectivity, network)
    is_member = membership is not None and membership.status in (
        Membership.Status.ACTIVE,
        Membership.Status.SUSPENDED,
    )
    context: dict[str, object] = {
        "collectivity": collectivity,
        "network": network,
        "membership": membership,
        "is_member": is_member,
        "kind_group": selectors.kind_group_of(collectivity.kind),
        "links": links,
    }
    if collectivity.kind != Collectivity.Kind.COMMUNE:
        raw_page = request.GET.get("page")
        page = paginate(
            None,  # counted by the cached aggregate, read by children_rows
            raw_page,
            per_page=CHILDREN_PAGE_SIZE,
            count=links.child_count,
            rows=lambda bottom, top: selectors.children_rows(
                collectivity.pk,
                network.pk if network is not None else None,
                bottom=bottom,
                top=top,
                child_counts=links.child_counts,
            ),
        )
        context.update(children_page=page, page_notice=page_notice(raw_page, page.number))
    return render(request, "territories/collectivity_detail.html", context)
