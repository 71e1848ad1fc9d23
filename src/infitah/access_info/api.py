"""REST API of access to information, registered on ``/api/v1/`` by :mod:`infitah.api.urls`."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from infitah.access_info import api_public


def register(router: SimpleRouter) -> None:
    """Register requester and officer viewsets, then the public ones (``api_public``)."""
    api_public.register(router)
