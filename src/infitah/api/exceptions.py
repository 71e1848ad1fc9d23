"""Machine-readable error bodies for the API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Wrap DRF's errors as ``{"error": {"status", "code", "detail", "fields"?}}``.

    ``code`` is DRF's error code (``not_found``, ``invalid``, ``method_not_allowed``,
    ``throttled``...); ``fields`` maps field (query parameter) names to lists of
    messages for validation errors. Exceptions DRF does not handle (bugs) return
    ``None`` and become a plain 500.
    """
    # DRF turns Django's Http404/PermissionDenied into its own exceptions internally;
    # do the same here so their codes are known.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    codes: Any = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    body: dict[str, Any] = {"status": response.status_code}
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        code = codes.get("detail", "error") if isinstance(codes, dict) else codes
        body["code"] = code if isinstance(code, str) else "error"
        body["detail"] = str(data["detail"])
    else:
        body["code"] = "invalid"
        body["detail"] = gettext("Invalid input.")
        body["fields"] = data if isinstance(data, dict) else {"non_field_errors": data}
    response.data = {"error": body}
    return response
