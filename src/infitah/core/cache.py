"""Caching of public pages for anonymous visitors, invalidated on every change.

A page is cached under a key made of the public-content version
(:class:`infitah.core.models.ContentVersion`), the language, the path and the query
string. Saving or deleting any model registered with :func:`track_public_model` bumps
the version (inside the same transaction), so the next request misses the cache and
nobody sees stale data, whatever the number of processes or hosts.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from infitah.core.models import ContentVersion

ViewFunc = Callable[..., HttpResponse]
_TRACKED: set[type[models.Model]] = set()


def current_content_version() -> int:
    """Return the public-content version (an integer; 0 before the first change)."""
    value = ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return int(value or 0)


def bump_content_version() -> None:
    """Increase the public-content version by one (creates the row when missing)."""
    updated = ContentVersion.objects.filter(pk=1).update(value=F("value") + 1)
    if not updated:
        ContentVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def _on_change(sender: type[models.Model], **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    bump_content_version()


def track_public_model(model: type[models.Model]) -> None:
    """Bump the content version whenever ``model`` rows are saved or deleted.

    Bulk updates (``QuerySet.update``/``bulk_create``) send no signals: code that uses
    them must call :func:`bump_content_version` itself (the loaders do).
    """
    if model in _TRACKED:
        return
    _TRACKED.add(model)
    uid = f"infitah-cache-{model._meta.label}"
    post_save.connect(_on_change, sender=model, dispatch_uid=uid + "-save", weak=False)
    post_delete.connect(_on_change, sender=model, dispatch_uid=uid + "-delete", weak=False)
    m2m_changed.connect(_on_change, dispatch_uid=uid + "-m2m", weak=False)


def cache_public_page(view: ViewFunc) -> ViewFunc:
    """Decorate a GET view so anonymous visitors get a cached copy of the page.

    Signed-in users, non-GET requests and requests carrying a session are never
    served from (nor stored in) the cache. Only 200 responses are stored.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if (
            seconds <= 0
            or request.method not in ("GET", "HEAD")
            or request.user.is_authenticated
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return view(request, *args, **kwargs)
        # Hashed: query strings are visitor input (length, characters, endless variety).
        digest = hashlib.sha256(request.get_full_path().encode("utf-8", "replace")).hexdigest()
        key = f"page:{current_content_version()}:{get_language()}:{digest}"
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not getattr(response, "streaming", False):
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
            transaction.on_commit(lambda: cache.set(key, response, seconds))
        return response

    return wrapper
