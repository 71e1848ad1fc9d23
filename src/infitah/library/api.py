"""REST API of the library, registered on ``/api/v1/`` by :mod:`infitah.api.urls`.

- ``GET /api/v1/documents/`` — published documents, filterable (``kind``,
  ``language``, ``principle``, ``collectivity``, ``year``) and searchable (``q``: best
  match first, each with ``snippet_html``); ``GET /api/v1/documents/<slug>/``.
- ``POST /api/v1/documents/`` — staff: a new document (multipart, with ``file``, or a
  ``link``); same permission and checks as the upload page.
- ``GET /api/v1/good-practices/`` and ``/<slug>/`` — good practices with adoptions.
- ``POST /api/v1/good-practices/<slug>/adoptions/`` — staff of a member collectivity:
  "we adopted this".

Reads are anonymous and cached like the rest of the public API; writes use the
session (with its CSRF token) and answer 401/403 with the API's error body.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from infitah.accounts.models import User
from infitah.api.filters import MAX_QUERY_LENGTH, code_filter
from infitah.api.views import ERROR_RESPONSE, LANG_PARAMETER, PublicReadOnlyViewSet
from infitah.library import conf, indexing, search, selectors, services
from infitah.library import serializers as library_serializers
from infitah.library.models import Document, GoodPractice, GoodPracticeAdoption
from infitah.network.models import Principle
from infitah.territories.models import Collectivity


def register(router: SimpleRouter) -> None:
    """Register the library's viewsets on the API router."""
    router.register("documents", DocumentViewSet, basename="document")
    router.register("good-practices", GoodPracticeViewSet, basename="good-practice")


class DocumentFilter(django_filters.FilterSet):
    """Filters of ``/api/v1/documents/``."""

    kind = django_filters.ChoiceFilter(choices=Document.Kind.choices, label=_("kind"))
    language = django_filters.ChoiceFilter(choices=Document.Language.choices, label=_("language"))
    principle = code_filter(
        Principle.objects.all(), field_name="principles", label=_("principle (code)")
    )
    collectivity = code_filter(
        Collectivity.objects.all(), field_name="collectivity", label=_("collectivity (code)")
    )
    year = django_filters.NumberFilter(
        method="filter_year", label=_("year of the document"), min_value=1900, max_value=2999
    )
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        label=_("words to search for (titles, summaries, text of the files); best match first"),
    )

    class Meta:
        model = Document
        fields: list[str] = []

    def filter_year(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        start = datetime.date(int(value), 1, 1)
        return queryset.filter(
            issued_on__gte=start, issued_on__lt=start.replace(year=start.year + 1)
        )

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # Ranking is done by the list itself (search index); the filter documents ``q``.
        return queryset


class RankedDocuments:
    """What the paginator pages through for a search: counted and sliced by the index.

    ``count()`` is one query on the search index; a slice is one ranked query on the
    index and one read of the documents (their principles prefetched), in rank order,
    each with its ``snippet``.
    """

    ordered = True

    def __init__(self, query: search.SearchQuery, within: QuerySet[Any]) -> None:
        self.query = query
        self.within = within

    def count(self) -> int:
        return search.search_count(
            self.query, object_types=[indexing.DOCUMENT_TYPE], within=self.within
        )

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Document]:
        start = index.start or 0
        stop = index.stop if index.stop is not None else start + 50
        hits = search.search_hits(
            self.query,
            object_types=[indexing.DOCUMENT_TYPE],
            within=self.within,
            limit=max(stop - start, 0),
            offset=start,
        )
        ids = [hit.object_id for hit in hits]
        found = {d.pk: d for d in _documents().filter(pk__in=ids)}
        documents = [found[pk] for pk in ids if pk in found]
        heads = dict(
            Document.objects.filter(pk__in=ids)
            .annotate(head=Substr("extracted_text", 1, conf.SNIPPET_SCAN_CHARS))
            .values_list("pk", "head")
        )
        for document in documents:
            document.snippet = search.snippet(  # type: ignore[attr-defined]
                [document.summary, heads.get(document.pk, "")], self.query
            )
        return documents


def _documents() -> QuerySet[Document]:
    return (
        Document.objects.published()
        .defer(*selectors.HEAVY_FIELDS)
        .select_related("collectivity")
        .prefetch_related(
            Prefetch("principles", queryset=Principle.objects.order_by("order", "pk"))
        )
        .order_by("-issued_on", "-pk")
    )


class _ReadOrAuthenticated(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )


class _StaffWritesMixin:
    """Reads anonymous (as the public API); writes through the signed-in session."""

    request: Any

    def get_authenticators(self) -> list[BaseAuthentication]:
        if getattr(self, "request", None) is not None and self.request.method not in SAFE_METHODS:
            return [SessionAuthentication()]
        return []

    def get_permissions(self) -> list[BasePermission]:
        return [_ReadOrAuthenticated()]


def _raise_api_error(error: DjangoValidationError) -> None:
    if hasattr(error, "error_dict"):
        raise ValidationError(
            {
                name: [m for e in errors for m in e.messages]
                for name, errors in error.error_dict.items()
            }
        )
    raise ValidationError({"non_field_errors": error.messages})


@extend_schema_view(
    list=extend_schema(
        summary=_("Documents of the library"),
        description=_(
            "Published documents, newest first; with `q`, the best matches first (Arabic "
            "spelling variants, French accents and word forms are matched), each with an "
            "HTML `snippet_html` around the matches. Paginated."
        ),
        parameters=[LANG_PARAMETER],
        responses={
            200: library_serializers.DocumentSerializer(many=True),
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary=_("One document, by address (slug)"),
        parameters=[LANG_PARAMETER],
        responses={200: library_serializers.DocumentSerializer, 404: ERROR_RESPONSE},
    ),
    create=extend_schema(
        summary=_("Add a document (staff)"),
        description=_(
            "Multipart form: the metadata and the `file` (PDF, DOCX, ODT, XLSX, PNG, JPEG; "
            "type checked from the content), or a `link`. Needs a signed-in session of "
            "an administrator or editor of the collectivity (coordinators for the network)."
        ),
        request=library_serializers.DocumentCreateSerializer,
        responses={
            201: library_serializers.DocumentSerializer,
            400: ERROR_RESPONSE,
            401: ERROR_RESPONSE,
            403: ERROR_RESPONSE,
        },
    ),
)
class DocumentViewSet(
    _StaffWritesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicReadOnlyViewSet
):
    """Published documents; search with ``q``; staff add documents."""

    serializer_class = library_serializers.DocumentSerializer
    filterset_class = DocumentFilter
    lookup_field = "slug"
    parser_classes = (MultiPartParser, FormParser, JSONParser)

    def get_queryset(self) -> QuerySet[Document]:
        return _documents()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        query = search.SearchQuery.parse((request.query_params.get("q") or "")[:MAX_QUERY_LENGTH])
        if request.query_params.get("q") and query.is_empty:
            rows: Any = []
        elif not query.is_empty:
            rows = RankedDocuments(query, within=queryset.values("pk"))
        else:
            rows = queryset
        page = self.paginate_queryset(rows)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = library_serializers.DocumentCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        upload = data.get("file")
        metadata = services.DocumentMetadata(
            titles={code: data.get(f"title_{code}", "") for code in ("ar", "fr", "en")},
            summaries={code: data.get(f"summary_{code}", "") for code in ("ar", "fr", "en")},
            kind=data["kind"],
            language=data["language"],
            collectivity=data.get("collectivity"),
            principles=list(data.get("principles", [])),
            issued_on=data.get("issued_on"),
            licence=data["licence"],
            link=data.get("link", ""),
            is_published=data["is_published"],
        )
        try:
            document = services.document_create(
                user=cast(User, request.user),
                metadata=metadata,
                file=upload,
                filename=upload.name if upload else "",
                size=upload.size if upload else None,
            )
        except DjangoValidationError as error:
            _raise_api_error(error)
        document = _documents().get(pk=document.pk) if document.is_published else document
        body = self.get_serializer(document).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary=_("Good practices"),
        description=_("Published good practices with their structured fields and adoptions."),
        parameters=[LANG_PARAMETER],
        responses={
            200: library_serializers.GoodPracticeSerializer(many=True),
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary=_("One good practice, by its document's address (slug)"),
        parameters=[LANG_PARAMETER],
        responses={200: library_serializers.GoodPracticeSerializer, 404: ERROR_RESPONSE},
    ),
    adopt=extend_schema(
        summary=_('Say "we adopted this" (staff)'),
        description=_(
            "For a member collectivity other than the practice's own, by one of its "
            "administrators or editors (signed-in session)."
        ),
        request=library_serializers.AdoptionCreateSerializer,
        responses={
            201: library_serializers.AdoptionSerializer,
            400: ERROR_RESPONSE,
            401: ERROR_RESPONSE,
            403: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
)
class GoodPracticeViewSet(
    _StaffWritesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicReadOnlyViewSet
):
    """Published good practices with their adoptions; staff record adoptions."""

    serializer_class = library_serializers.GoodPracticeSerializer
    lookup_field = "document__slug"
    lookup_url_kwarg = "slug"
    filter_backends = ()
    parser_classes = (JSONParser, FormParser, MultiPartParser)

    def get_queryset(self) -> QuerySet[GoodPractice]:
        return (
            GoodPractice.objects.filter(
                document__is_published=True, document__kind=Document.Kind.GOOD_PRACTICE
            )
            .select_related("document", "document__collectivity")
            .defer(*(f"document__{name}" for name in selectors.HEAVY_FIELDS))
            .prefetch_related(
                Prefetch(
                    "adoptions",
                    queryset=GoodPracticeAdoption.objects.select_related("collectivity").order_by(
                        "-adopted_on", "-pk"
                    ),
                )
            )
            .order_by("-document__issued_on", "-pk")
        )

    @action(detail=True, methods=["post"], url_path="adoptions")
    def adopt(self, request: Request, slug: str = "", version: str = "") -> Response:
        practice = cast(GoodPractice, self.get_object())
        incoming = library_serializers.AdoptionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            adoption = services.good_practice_adopt(
                user=cast(User, request.user),
                practice=practice,
                collectivity=data["collectivity"],
                adopted_on=data.get("adopted_on"),
                note=data.get("note", ""),
                commitment_reference=data.get("commitment_reference", ""),
            )
        except DjangoValidationError as error:
            _raise_api_error(error)
        return Response(
            library_serializers.AdoptionSerializer(adoption, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
