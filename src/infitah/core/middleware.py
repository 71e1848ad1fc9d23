"""Request hygiene shared by every page and endpoint."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.utils.translation import gettext as _

__all__ = ["NulCharacterMiddleware"]


class NulCharacterMiddleware:
    """Refuse a NUL character in the path; drop NUL characters from the query string.

    PostgreSQL refuses NUL (U+0000) in text, so a ``%00`` reaching a lookup would be a
    server error there and a silent mismatch on SQLite. A path holding one is never a
    real address: it is answered 400 (with the API's error body under ``/api/``). In
    the query string the character is removed from names and values, so such a filter
    simply matches nothing, on both databases.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return _bad_request(request)
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
            "QUERY_STRING", ""
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned  # type: ignore[assignment]  # read-only in the stubs
        return self.get_response(request)


def _bad_request(request: HttpRequest) -> HttpResponse:
    detail = _("This address contains a character that is not allowed.")
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"status": 400, "code": "bad_request", "detail": detail, "fields": {}}},
            status=400,
        )
    return HttpResponseBadRequest(detail)
