"""The public, read-only REST API (``/api/v1/``) and its documentation page.

Everything here is public data, so the API uses no authentication (no session
lookup, no CSRF) and answers every unsafe method with 405. The language of
translated fields is ``?lang=ar|fr|en``, else the language cookie or
``Accept-Language`` (Django's ``LocaleMiddleware``). Answers are marked public
(:func:`infitah.core.cache.mark_public`): the public-page cache middleware serves
anonymous visitors a stored copy, keyed by public-content version, so a change
anywhere invalidates them at once.

Collectivities and members, the large lists, are built as plain dicts from
``values_list`` tuples (:mod:`infitah.api.rows`) instead of DRF's field-by-field
serializers, which stay the documented shape (the OpenAPI schema) and the reference
the tests compare with, byte for byte.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse as django_reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
)
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from infitah.api import filters, rows, selectors
from infitah.api import serializers as api_serializers
from infitah.core.cache import mark_public
from infitah.network.models import CharterVersion, Membership, Network
from infitah.territories.models import Collectivity

#: Codes contain dots (``01.011.01.03``): the default ``[^/.]+`` would cut them.
CODE_REGEX = rows.CODE_REGEX

LANG_PARAMETER = OpenApiParameter(
    name="lang",
    type=str,
    location=OpenApiParameter.QUERY,
    enum=[code for code, _name in settings.LANGUAGES],
    description=_(
        "Language of name, title and the other fields without a language suffix "
        "(name_ar, name_fr, name_en are always given). Default: the language cookie, "
        "then the Accept-Language header, then Arabic."
    ),
)

ERROR_RESPONSE = OpenApiResponse(
    response=inline_serializer(
        name="Error",
        fields={
            "error": inline_serializer(
                name="ErrorBody",
                fields={
                    "status": serializers.IntegerField(help_text=_("HTTP status code.")),
                    "code": serializers.CharField(
                        help_text=_("Machine-readable code: invalid, not_found, ...")
                    ),
                    "detail": serializers.CharField(help_text=_("Human-readable message.")),
                    "fields": serializers.DictField(
                        child=serializers.ListField(child=serializers.CharField()),
                        required=False,
                        help_text=_("Messages by query parameter, for invalid input."),
                    ),
                },
            )
        },
    ),
    description=_("Machine-readable error."),
)


def write_responses(body: Any, *, status_code: int = 200) -> dict[int, Any]:
    """The documented responses of a write endpoint (for ``extend_schema``).

    ``status_code`` (200, or 201 for a creation) with ``body``, then the API's error
    body for 400 (invalid input), 403 (not allowed) and 404 (no such object).
    """
    return {status_code: body, 400: ERROR_RESPONSE, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE}


def _activate_requested_language(request: Request) -> None:
    """Activate ``?lang=`` when given; raise ``ValidationError`` for an unknown code."""
    lang = request.query_params.get("lang")
    if lang is None:
        return
    if lang not in dict(settings.LANGUAGES):
        raise ValidationError(
            {"lang": [_("Unknown language: choose one of ar, fr, en.")]}, code="invalid"
        )
    translation.activate(lang)
    request._request.LANGUAGE_CODE = lang


class PublicReadOnlyViewSet(viewsets.GenericViewSet):
    """Base of the public endpoints: anonymous, read-only, language-aware, cacheable."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    filter_backends: tuple[type[BaseFilterBackend], ...] = (filters.FilterBackend,)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        _activate_requested_language(request)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        # JSON and the browsable HTML share an address.
        patch_vary_headers(response, ("Accept",))
        if request.method in ("GET", "HEAD"):
            # Stored by PublicPageCacheMiddleware (200s to anonymous visitors only).
            mark_public(response)
        return response


class ReadOnlyModelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicReadOnlyViewSet):
    """List and detail through the serializer (small answers: network, charter)."""


class PlainRowsListMixin(mixins.ListModelMixin, PublicReadOnlyViewSet):
    """A list whose rows are built by :attr:`row_builder` from ``values_list`` tuples.

    Filtering and pagination are the usual ones (same queries, same page body); only
    the rows skip the serializer. ``plain_rows = False`` serves the same answer
    through :attr:`serializer_class` (the reference the tests compare with).
    """

    row_builder: ClassVar[type[rows.RowBuilder]]
    plain_rows: ClassVar[bool] = True

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not self.plain_rows:
            return super().list(request, *args, **kwargs)
        build = self.row_builder(request)
        source = build.source()
        filtered = self.filter_queryset(source)
        # Nothing filtered (the usual case): the prebuilt tuples query applies.
        queryset = build.all_values() if filtered is source else build.values(filtered)
        page = self.paginate_queryset(rows.CountedRows(queryset, count_queryset=filtered))  # type: ignore[arg-type]
        if page is None:
            return Response(build.many(queryset))
        return self.get_paginated_response(build.many(page))


@extend_schema_view(
    list=extend_schema(
        summary=_("Territorial units"),
        description=_(
            "Every region, prefecture, province and commune, members or not, by "
            "official code. Paginated; `count` is the total number of matching units."
        ),
        parameters=[LANG_PARAMETER],
        responses={
            200: api_serializers.CollectivitySerializer(many=True),
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary=_("One territorial unit, by official code"),
        parameters=[LANG_PARAMETER],
        responses={200: api_serializers.CollectivitySerializer, 404: ERROR_RESPONSE},
    ),
)
class CollectivityViewSet(mixins.RetrieveModelMixin, PlainRowsListMixin):
    """Every territorial unit (members or not), by official code."""

    serializer_class = api_serializers.CollectivitySerializer
    row_builder = rows.CollectivityRows
    filterset_class = filters.CollectivityFilter
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX

    def get_queryset(self) -> QuerySet[Collectivity]:
        return selectors.collectivity_list()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # One unit as a plain row (see PlainRowsListMixin); no docstring: drf-spectacular
        # would publish it. Http404 (-> 404 error body) when no unit has this code or
        # the query string filters it out, as DRF's get_object does.
        if not self.plain_rows:
            return super().retrieve(request, *args, **kwargs)
        build = self.row_builder(request)
        queryset = build.values(self.filter_queryset(build.source()))
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        row = get_object_or_404(queryset, **{self.lookup_field: self.kwargs[lookup_url_kwarg]})
        return Response(build(row))


@extend_schema_view(
    list=extend_schema(
        summary=_("Member collectivities"),
        description=_(
            "Public memberships (active or suspended) with the member's code, name, "
            "kind and region, the date it joined (null when undocumented), cohort and "
            "focal point."
        ),
        parameters=[LANG_PARAMETER],
        responses={
            200: api_serializers.MembershipSerializer(many=True),
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
)
class MemberViewSet(PlainRowsListMixin):
    """Public memberships of the network."""

    serializer_class = api_serializers.MembershipSerializer
    row_builder = rows.MembershipRows
    filterset_class = filters.MembershipFilter

    def get_queryset(self) -> QuerySet[Membership]:
        return selectors.membership_list()


@extend_schema_view(
    list=extend_schema(
        summary=_("The network"),
        description=_(
            "The network(s): names and description in every language, founding date "
            "and composition, principles, partners and today's member counts by kind."
        ),
        parameters=[LANG_PARAMETER],
        responses={
            200: api_serializers.NetworkSerializer(many=True),
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary=_("One network, by slug"),
        parameters=[LANG_PARAMETER],
        responses={200: api_serializers.NetworkSerializer, 404: ERROR_RESPONSE},
    ),
)
class NetworkViewSet(ReadOnlyModelViewSet):
    """The network(s) with principles, partners and member counts."""

    serializer_class = api_serializers.NetworkSerializer
    lookup_field = "slug"
    filter_backends = ()

    def get_queryset(self) -> QuerySet[Network]:
        return selectors.network_list()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Counted without the member-count aggregates (a GROUP BY over every membership).
        queryset = self.get_queryset()
        page = self.paginate_queryset(
            rows.CountedRows(queryset, count_queryset=Network.objects.all())  # type: ignore[arg-type]
        )
        if page is None:  # pragma: no cover - the API always paginates
            return Response(self.get_serializer(queryset, many=True).data)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary=_("Charter versions"),
        description=_(
            "Every version of the charter, newest effective date first, with its "
            "sections; `is_in_force` marks the version in force today."
        ),
        parameters=[LANG_PARAMETER],
        responses={
            200: api_serializers.CharterVersionSerializer(many=True),
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary=_("One charter version, by version string"),
        description=_(
            "When several networks have a version with this name, the first network's "
            "is returned unless `network` names one."
        ),
        parameters=[
            LANG_PARAMETER,
            OpenApiParameter(
                name="network",
                type=str,
                location=OpenApiParameter.QUERY,
                description=_("network (slug)"),
            ),
        ],
        responses={
            200: api_serializers.CharterVersionSerializer,
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
)
class CharterViewSet(ReadOnlyModelViewSet):
    """Charter versions (newest first) and their sections."""

    serializer_class = api_serializers.CharterVersionSerializer
    filterset_class = filters.CharterVersionFilter
    lookup_field = "version"
    # "version" in the URL is the API version (URLPathVersioning).
    lookup_url_kwarg = "charter_version"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[CharterVersion]:
        return selectors.charter_version_list()

    def get_object(self) -> CharterVersion:
        """The version named in the address, of ``?network=`` or else the first network.

        Raises:
            NotFound: no network has a charter version with that name.
        """
        queryset = self.filter_queryset(self.get_queryset())
        obj = (
            queryset.filter(version=self.kwargs[self.lookup_url_kwarg])
            .order_by("network_id")
            .first()
        )
        if obj is None:
            raise NotFound(_("No charter version has this name."))
        self.check_object_permissions(self.request, obj)
        return obj


#: Endpoints listed by the root, in order: key -> URL name of their list.
ROOT_ENDPOINTS = {
    "collectivities": "api:collectivity-list",
    "members": "api:member-list",
    "network": "api:network-list",
    "charter": "api:charter-list",
    "plans": "api:plan-list",
    "commitments": "api:commitment-list",
    "plan-phases": "api:plan-phase-list",
    "committee-members": "api:committee-member-list",
    "meetings": "api:meeting-list",
    "proposals": "api:proposal-list",
    "publications": "api:publication-list",
    "documents": "api:document-list",
    "good-practices": "api:good-practice-list",
    "information-register": "api:information-register-list",
    "information-statistics": "api:information-statistics-list",
    "disclosure-categories": "api:disclosure-category-list",
    "disclosure-items": "api:disclosure-item-list",
}


@extend_schema(
    summary=_("API root"),
    description=_("The endpoints of this version of the API, as absolute addresses."),
    responses=inline_serializer(
        name="ApiRoot",
        fields={
            **{key: serializers.URLField() for key in ROOT_ENDPOINTS},
            "schema": serializers.URLField(help_text=_("OpenAPI 3 schema.")),
            "docs": serializers.URLField(help_text=_("Interactive documentation.")),
        },
    ),
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def api_root(request: Request, version: str) -> Response:
    """List the endpoints of ``/api/<version>/`` with absolute URLs."""
    links: dict[str, str] = {
        key: reverse(name, request=request) for key, name in ROOT_ENDPOINTS.items()
    }
    # Unversioned addresses: Django's reverse (DRF's would add the version).
    links["schema"] = request.build_absolute_uri(django_reverse("api:schema"))
    links["docs"] = request.build_absolute_uri(django_reverse("api:docs"))
    return Response(links)


def api_index(request: HttpRequest) -> HttpResponse:
    """Redirect ``/api/`` to the current version's root."""
    return HttpResponseRedirect(django_reverse("api:root", kwargs={"version": "v1"}))


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (drf-spectacular-sidecar), no CDN.

    Runs under the site's strict Content-Security-Policy unchanged: the page's
    script is served from this same address (``?script``, so ``script-src 'self'``
    holds) and ``api/swagger_ui.html`` moves drf-spectacular's one inline ``<style>``
    into a static file. Swagger UI itself only sets styles through the DOM, which
    ``style-src 'self'`` allows (checked in Chromium: no violation while loading,
    expanding every operation and model, and running "Try it out").
    """

    url_name = "api:schema"
    template_name = "api/swagger_ui.html"


docs = DocsView.as_view()


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any ``/api/`` address no route matches: 404 with the API's error body (JSON)."""
    return JsonResponse(
        {
            "error": {
                "status": 404,
                "code": "not_found",
                "detail": gettext("No endpoint or object at this address."),
                "fields": {},
            }
        },
        status=404,
    )
