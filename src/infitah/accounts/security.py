"""Helpers for django-axes (sign-in lockout)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """Return the identifier being tried, from allauth's form or the admin's.

    allauth posts ``login``; the Django admin posts ``username`` (the e-mail address).
    Lower-cased so that case variations count as the same account.
    """
    value: Any = None
    if credentials:
        value = credentials.get("login") or credentials.get("username") or credentials.get("email")
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("username")
    return str(value or "").strip().lower()
