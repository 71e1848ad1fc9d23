"""Core pages: the home page and health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from infitah.core.cache import cache_public_page
from infitah.core.selectors import DateLabels
from infitah.network import selectors as network_selectors


@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    """The home page: what the network is, its principles, figures and partners.

    Without a network row yet (before ``load_reference_data``) the page explains that
    the network's data is not loaded. Constant number of queries (see selectors).
    """
    network = network_selectors.current_network()
    context: dict[str, object] = {"network": network}
    if network is not None:
        context.update(
            principles=network_selectors.principles(network),
            partners=network_selectors.partners(network),
            figures=network_selectors.member_figures(network),
        )
        if network.founded_on is not None:
            context.update(
                founded_on_iso=DateLabels.iso(network.founded_on),
                founded_on_shown=DateLabels().shown(network.founded_on),
            )
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for load balancers: ``{"status": "ok"}``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bare(request: HttpRequest) -> HttpResponse:
    """A minimal Django view: the benchmark's reference (only routed with INFITAH_BENCH)."""
    return HttpResponse("ok", content_type="text/plain")
