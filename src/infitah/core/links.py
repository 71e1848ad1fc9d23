"""Absolute links for text sent outside a request (e-mails written by background tasks).

A task has no request to take the host from, so every app builds its links with
:func:`absolute_url`, which has one rule for the whole platform:

1. ``settings.INFITAH_SITE_URL`` (e.g. ``https://infitah.example.org``) when it is set:
   the address the deployment declares;
2. otherwise the current site of ``django.contrib.sites`` (as allauth's e-mails do),
   with ``https`` unless ``settings.DEBUG`` (a development server speaks plain http).
"""

from __future__ import annotations

import re

from django.conf import settings

__all__ = ["absolute_url", "site_base_url"]

_HAS_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://")


def site_base_url() -> str:
    """Return the platform's public address without a trailing slash.

    Returns:
        ``settings.INFITAH_SITE_URL`` stripped of its trailing ``/`` when set; else
        ``"<scheme>://<domain>"`` from the current ``Site`` (``https``, or ``http``
        when ``settings.DEBUG``). One query for the ``Site`` the first time (Django
        caches it per process).
    """
    base = str(getattr(settings, "INFITAH_SITE_URL", "") or "").strip().rstrip("/")
    if base:
        return base
    from django.contrib.sites.models import Site

    domain = Site.objects.get_current().domain.strip().rstrip("/")
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{domain}"


def absolute_url(path: str) -> str:
    """Return ``path`` (an absolute path such as ``/fr/plans/x/``) as a full address.

    Args:
        path: a path starting with ``/`` (``reverse()`` or ``get_absolute_url()``);
            a path without the leading slash gets one. An address that already has a
            scheme (``https://…``) is returned unchanged.

    Returns:
        ``site_base_url() + path``, e.g. ``https://infitah.example.org/fr/plans/x/``.
    """
    if _HAS_SCHEME.match(path) or path.startswith("//"):
        return path
    if not path.startswith("/"):
        path = f"/{path}"
    return f"{site_base_url()}{path}"
