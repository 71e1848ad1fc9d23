"""Core pages: the home page and health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from infitah.core.cache import cache_public_page


@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    """The home page: what the network is, its principles, figures and partners."""
    return render(request, "core/home.html", {})


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for load balancers: ``{"status": "ok"}``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

