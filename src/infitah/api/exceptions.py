"""Machine-readable error bodies for the API."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Wrap DRF's errors as ``{"error": {"status", "code", "detail", "fields"?}}``.

    ``code`` is DRF's error code (``not_found``, ``invalid``, ``throttled``...);
    ``fields`` maps field names to messages for validation errors.
    """
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    codes: Any = exc.get_codes() if hasattr(exc, "get_codes") else "error"
    body: dict[str, Any] = {"status": response.status_code}
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        body["code"] = codes.get("detail", "error") if isinstance(codes, dict) else codes
        body["detail"] = str(data["detail"])
    else:
        body["code"] = "invalid"
        body["detail"] = "Invalid input."
        body["fields"] = data
    response.data = {"error": body}
    return response
