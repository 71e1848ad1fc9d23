"""Apply a signed-in user's preferred language when the address names none."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class PreferredLanguageMiddleware:
    """Remember the signed-in user's preferred language in the language cookie.

    The language of a page is always the one in its address (``/ar/``, ``/fr/``,
    ``/en/``); this only makes the bare ``/`` redirect to the user's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from django.conf import settings

            preferred = getattr(user, "preferred_language", "")
            if preferred and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != preferred:
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    preferred,
                    max_age=365 * 24 * 3600,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
        return response
