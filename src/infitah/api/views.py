"""The public, read-only REST API (``/api/v1/``) and its documentation page.

Everything here is public data, so the API uses no authentication (no session
lookup, no CSRF) and answers every unsafe method with 405. The language of
translated fields is ``?lang=ar|fr|en``, else the language cookie or
``Accept-Language`` (Django's ``LocaleMiddleware``). Anonymous answers are cached by
public-content version (see :mod:`infitah.core.cache`): a change anywhere invalidates
them at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse as django_reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
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
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from infitah.api import filters, selectors
from infitah.api import serializers as api_serializers
from infitah.core.cache import current_content_version
from infitah.network.models import CharterVersion, Membership, Network
from infitah.territories.models import Collectivity

#: Codes contain dots (``01.011.01.03``): the default ``[^/.]+`` would cut them.
CODE_REGEX = r"[0-9A-Za-z.\-]+"

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


def _plain(data: Any) -> Any:
    """Return ``data`` as plain dicts, lists and strings, ready to be cached.

    DRF's links are ``Hyperlink`` strings that keep a reference to their model
    instance; pickling them would store (and unpickle on every hit) whole rows.
    """
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(value) for value in data]
    if isinstance(data, str):
        return str(data)
    return data


class PublicReadOnlyViewSet(viewsets.GenericViewSet):
    """Base of the public endpoints: anonymous, read-only, language-aware, cached."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        _activate_requested_language(request)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        # JSON and the browsable HTML share an address.
        patch_vary_headers(response, ("Accept",))
        return response

    def cached(self, request: Request, produce: Callable[[], Response]) -> Response:
        """Return ``produce()``, or its data cached for this exact address and language.

        The key holds the public-content version, so any change to public data makes
        the next request compute a fresh answer. ``PUBLIC_PAGE_CACHE_SECONDS = 0``
        turns caching off. Errors are never cached (they are raised, not returned).
        """
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if seconds <= 0:
            return produce()
        raw_key = "|".join(
            (
                str(current_content_version()),
                translation.get_language() or "",
                request.scheme or "",
                request.get_host(),
                request.get_full_path(),
            )
        )
        key = "api:" + hashlib.sha256(raw_key.encode()).hexdigest()
        data = cache.get(key)
        if data is not None:
            return Response(data)
        response = produce()
        if response.status_code == 200:
            payload = _plain(response.data)
            transaction.on_commit(lambda: cache.set(key, payload, seconds))
        return response


class CachedReadOnlyModelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicReadOnlyViewSet
):
    """List and detail, both cached (see :meth:`PublicReadOnlyViewSet.cached`)."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        parent = super().list
        return self.cached(request, lambda: parent(request, *args, **kwargs))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        parent = super().retrieve
        return self.cached(request, lambda: parent(request, *args, **kwargs))


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
class CollectivityViewSet(CachedReadOnlyModelViewSet):
    """Every territorial unit (members or not), by official code."""

    serializer_class = api_serializers.CollectivitySerializer
    filterset_class = filters.CollectivityFilter
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX

    def get_queryset(self) -> QuerySet[Collectivity]:
        return selectors.collectivity_list()


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
class MemberViewSet(mixins.ListModelMixin, PublicReadOnlyViewSet):
    """Public memberships of the network."""

    serializer_class = api_serializers.MembershipSerializer
    filterset_class = filters.MembershipFilter

    def get_queryset(self) -> QuerySet[Membership]:
        return selectors.membership_list()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        parent = super().list
        return self.cached(request, lambda: parent(request, *args, **kwargs))


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
class NetworkViewSet(CachedReadOnlyModelViewSet):
    """The network(s) with principles, partners and member counts."""

    serializer_class = api_serializers.NetworkSerializer
    lookup_field = "slug"
    filter_backends = ()

    def get_queryset(self) -> QuerySet[Network]:
        return selectors.network_list()


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
class CharterViewSet(CachedReadOnlyModelViewSet):
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
