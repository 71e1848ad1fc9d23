"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def site(request: HttpRequest) -> dict[str, object]:
    """Return ``language_links``: one entry per language with the current page's address.

    Each entry is ``{"code", "name" (in that language), "url", "is_current"}``, so the
    language switcher keeps the visitor on the same page (``/ar/members/`` ↔
    ``/fr/members/``), query string included.
    """
    current = get_language()
    path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(path, code),
                "is_current": code == current,
            }
        )
    return {"language_links": links}
