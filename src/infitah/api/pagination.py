"""Pagination of API lists: page numbers with a total ``count``."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """``?page=N&page_size=M`` (at most 200 rows a page); the body carries ``count``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
