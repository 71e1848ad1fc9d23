"""REST API of the publications app, registered on ``/api/v1/`` by :mod:`infitah.api.urls`.

``/api/v1/publications/``: the published press releases, invitations and agendas of
public meetings (read-only, anonymous, paginated, cached like the rest of the API),
filterable by meeting (slug), kind and language, each with the addresses of its web
page and PDF. Drafts and documents of unpublished meetings never appear.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from infitah.api.filters import code_filter
from infitah.api.views import ERROR_RESPONSE, ReadOnlyModelViewSet
from infitah.meetings.models import Meeting
from infitah.publications.models import Publication
from infitah.publications.selectors import public_publications


@extend_schema_field(OpenApiTypes.URI)
class DocumentURLField(serializers.Field):
    """The absolute address of the document's web page or PDF (``view_name``).

    Pages are addressed in the document's own language (``/ar/...`` for an Arabic
    document), so the page around the text is in the same language.
    """

    def __init__(self, view_name: str, **kwargs: Any) -> None:
        self.view_name = view_name
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Publication) -> str:
        request = self.context["request"]
        with translation.override(value.language):
            path = reverse(
                self.view_name,
                kwargs={
                    "slug": value.meeting.slug,
                    "kind": value.kind,
                    "language": value.language,
                },
            )
        return str(request.build_absolute_uri(path))


class PublicationSerializer(serializers.ModelSerializer[Publication]):
    """A published document of a meeting, in one language (plain-text body)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:publication-detail")
    meeting: serializers.SlugRelatedField[Meeting] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("The meeting's reference (slug).")
    )
    body = serializers.CharField(
        read_only=True,
        help_text=_(
            "Plain text: paragraphs separated by blank lines, list items on lines "
            "starting with “- ”."
        ),
    )
    web_url = DocumentURLField("publications:detail", help_text=_("The document's web page."))
    pdf_url = DocumentURLField("publications:pdf", help_text=_("The document as PDF (A4)."))

    class Meta:
        model = Publication
        fields = [
            "id",
            "url",
            "meeting",
            "kind",
            "language",
            "title",
            "body",
            "published_at",
            "updated_at",
            "web_url",
            "pdf_url",
        ]
        read_only_fields = fields


class PublicationFilter(django_filters.FilterSet):
    """Filters of ``/api/v1/publications/``."""

    meeting = code_filter(
        Meeting.objects.published(),
        field_name="meeting",
        label=_("meeting (slug)"),
        to_field_name="slug",
    )
    kind = django_filters.ChoiceFilter(choices=Publication.Kind.choices, label=_("kind"))
    language = django_filters.ChoiceFilter(
        choices=Publication.Language.choices, label=_("language")
    )

    class Meta:
        model = Publication
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary=_("Published documents of meetings"),
        description=_(
            "Press releases, invitations and agendas of public meetings, in Arabic and "
            "French, latest meeting first, with the addresses of their web page and PDF."
        ),
        responses={
            200: PublicationSerializer(many=True),
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary=_("One published document"),
        responses={200: PublicationSerializer, 404: ERROR_RESPONSE},
    ),
)
class PublicationViewSet(ReadOnlyModelViewSet):
    """Published documents (press release, invitation, agenda) of public meetings."""

    serializer_class = PublicationSerializer
    filterset_class = PublicationFilter

    def get_queryset(self) -> QuerySet[Publication]:
        return (
            public_publications()
            .select_related("meeting")
            .order_by("-meeting__starts_at", "meeting_id", "kind", "language", "pk")
        )


def register(router: SimpleRouter) -> None:
    """Register this app's viewsets on the API router (see :mod:`infitah.api.urls`)."""
    router.register("publications", PublicationViewSet, basename="publication")
