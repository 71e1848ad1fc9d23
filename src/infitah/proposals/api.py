"""REST API of the proposals app, registered on ``/api/v1/`` by :mod:`infitah.api.urls`."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter


def register(router: SimpleRouter) -> None:
    """Register this app's viewsets on the API router."""
