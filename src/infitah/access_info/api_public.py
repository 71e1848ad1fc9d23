"""Public (anonymous) API of access to information: register and statistics."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter


def register(router: SimpleRouter) -> None:
    """Register the public register and statistics viewsets on the API router."""
