"""Template context shared by every page."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, ResolverMatch, reverse, translate_url
from django.utils.translation import get_language, get_language_info, override


def _translated(path: str, match: ResolverMatch | None, code: str) -> str:
    """``translate_url(path, code)`` without resolving ``path`` again.

    The request's own ``resolver_match`` is what ``translate_url`` would find; error
    pages (no match) fall back to ``translate_url`` itself.
    """
    if match is None:
        return translate_url(path, code)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    parsed = urlsplit(path)
    with override(code):
        try:
            url = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path
    return urlunsplit((parsed.scheme, parsed.netloc, url, parsed.query, parsed.fragment))


def site(request: HttpRequest) -> dict[str, object]:
    """Return ``language_links``: one entry per language with the current page's address.

    Each entry is ``{"code", "name" (in that language), "url", "is_current"}``, so the
    language switcher keeps the visitor on the same page (``/ar/members/`` ↔
    ``/fr/members/``), query string included.
    """
    current = get_language()
    path = request.get_full_path()
    match = getattr(request, "resolver_match", None)
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": _translated(path, match, code),
                "is_current": code == current,
            }
        )
    return {"language_links": links}
