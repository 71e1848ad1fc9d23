"""Pagination of API lists: page numbers with a total ``count``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class StandardPagination(PageNumberPagination):
    """``?page=N&page_size=M`` (at most 200 rows a page); the body carries ``count``.

    A page past the end or a page that is not a number answers 404 (DRF's
    ``NotFound``); a ``page_size`` that is not a positive integer answers 400 instead of
    being silently replaced by the default. Sizes above ``max_page_size`` are capped.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        """Return the requested page size (1–200) or the default of 50.

        Raises:
            ValidationError: ``page_size`` is present but not a positive integer.
        """
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError(
                {self.page_size_query_param: [_("Enter a whole number of at least 1.")]}
            )
        return min(size, self.max_page_size)
