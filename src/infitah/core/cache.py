"""Caching of public pages for anonymous visitors, invalidated on every change.

Views mark their responses as public (:func:`cache_public_page`, :func:`mark_public`);
:class:`PublicPageCacheMiddleware` stores and serves them under a key made of the
public-content version (:class:`infitah.core.models.ContentVersion`), the path and the
query string (the language is in the path). Saving or deleting any model registered
with :func:`track_public_model` bumps the version (inside the same transaction), so the
next request misses the cache and nobody sees stale data, whatever the number of
processes or hosts.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers

from infitah.core.models import ContentVersion

ViewFunc = Callable[..., HttpResponse]
_TRACKED: set[type[models.Model]] = set()


def current_content_version() -> int:
    """Return the public-content version (an integer; 0 before the first change).

    One indexed read with a raw query: it runs on every cacheable request.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {ContentVersion._meta.db_table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row else 0


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
    """Mark a GET view's responses as cacheable for anonymous visitors.

    The storing and serving is done by :class:`PublicPageCacheMiddleware`, which sits
    near the top of the middleware stack so that a cache hit costs one indexed read
    (the content version) and no view, template, session or ORM work. Only 200
    responses without cookies, to anonymous visitors without a session, are stored.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            mark_public(response)
        return response

    return wrapper


def mark_public(response: HttpResponseBase) -> None:
    """Let :class:`PublicPageCacheMiddleware` store ``response`` (for anonymous visitors).

    Adds ``Vary: Cookie, Accept-Language`` so that shared caches outside Django never
    serve one visitor's page to a signed-in user.
    """
    response.infitah_public = True  # type: ignore[attr-defined]
    patch_vary_headers(response, ("Cookie", "Accept-Language"))


class PublicPageCacheMiddleware:
    """Serve anonymous visitors' public pages from the cache; store them on a miss.

    Placed right after WhiteNoise. A request is eligible when it is a GET or HEAD,
    ``PUBLIC_PAGE_CACHE_SECONDS`` > 0, and it carries no session or messages cookie.
    The key holds the public-content version (read first, so a change committed while
    a page renders can only ever be stored under a version nobody reads any more), the
    scheme, host, path and query string, and for language-neutral paths (the API) the ``Accept``,
    ``Accept-Language`` and language-cookie values. A response is stored only when the
    view marked it with :func:`mark_public`, its status is 200, it sets no cookie and
    the visitor is anonymous. Stored: status, headers and body bytes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)

    def _eligible(self, request: HttpRequest) -> bool:
        cookies = request.COOKIES
        return (
            settings.PUBLIC_PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in cookies
            and "messages" not in cookies
        )

    def _key(self, request: HttpRequest) -> str:
        path = request.get_full_path()
        # Scheme and host: bodies may hold absolute URLs (the API's links).
        parts: list[str] = [request.scheme or "", request.get_host(), path]
        if not path.startswith(self.prefixes):
            meta = request.META
            parts += [
                meta.get("HTTP_ACCEPT", ""),
                meta.get("HTTP_ACCEPT_LANGUAGE", ""),
                request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
            ]
        # Hashed: paths and query strings are visitor input (any length, any character).
        digest = hashlib.sha256("\n".join(parts).encode("utf-8", "replace")).hexdigest()
        return f"page:{current_content_version()}:{digest}"

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self._eligible(request):
            return self.get_response(request)
        key = self._key(request)
        entry = cache.get(key)
        if entry is not None:
            status, headers, body = entry
            hit = HttpResponse(body, status=status)
            for name, value in headers:
                hit[name] = value
            return hit
        response = self.get_response(request)
        if isinstance(response, HttpResponse) and self._storable(request, response):
            headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
            cache.set(
                key,
                (response.status_code, headers, response.content),
                settings.PUBLIC_PAGE_CACHE_SECONDS,
            )
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        if not getattr(response, "infitah_public", False):
            return False
        if request.method != "GET" or response.status_code != 200 or response.streaming:
            return False
        if response.cookies:
            return False
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated)
