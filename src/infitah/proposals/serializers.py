"""Serializers of the proposals API (:mod:`infitah.proposals.api`).

A proposal is given with its plan and collectivity, principles (codes and names),
origin (and the workshop it came from), the public author's name (never an e-mail
address), status, the collectivity's answer, its support and visible-comment counts
and the address of its public comments. Who supported it is never given.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from infitah.meetings.models import Meeting
from infitah.proposals.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Proposal
from infitah.proposals.services import ANSWER_STATUSES

__all__ = [
    "ProposalAnswerSerializer",
    "ProposalHideSerializer",
    "ProposalSerializer",
    "ProposalUpdateSerializer",
    "ProposalWriteSerializer",
    "ProposalSupportStateSerializer",
    "comments_url",
]


def comments_url(proposal: Proposal, request: Any) -> str | None:
    """The absolute address of the proposal's public comments in the comments API.

    ``None`` while the comments API has no list endpoint.
    """
    try:
        path = reverse("api:comment-list", kwargs={"version": "v1"})
    except NoReverseMatch:
        return None
    url = f"{path}?target_type=proposals.proposal&target_id={proposal.pk}"
    return str(request.build_absolute_uri(url)) if request is not None else url


class ProposalPlanSerializer(serializers.Serializer):
    """The action plan a proposal was made to."""

    slug = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)


class ProposalCollectivitySerializer(serializers.Serializer):
    """A collectivity: official code, slug and name (in the answer's language)."""

    code = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProposalPrincipleSerializer(serializers.Serializer):
    """A network principle: code and name (in the answer's language)."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    """A public proposal with its answer and counts."""

    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    plan = ProposalPlanSerializer(read_only=True)
    collectivity = ProposalCollectivitySerializer(read_only=True)
    principles = ProposalPrincipleSerializer(many=True, read_only=True)
    meeting: serializers.SlugRelatedField[Meeting] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    breakout_group = serializers.SerializerMethodField()
    author_name = serializers.CharField(source="public_author", read_only=True)
    comments_url = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "slug",
            "url",
            "page_url",
            "plan",
            "collectivity",
            "title",
            "body",
            "principles",
            "origin",
            "meeting",
            "breakout_group",
            "author_name",
            "status",
            "status_changed_at",
            "answer",
            "answered_at",
            "support_count",
            "comment_count",
            "comments_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, proposal: Proposal) -> str:
        request = self.context.get("request")
        path = reverse("api:proposal-detail", kwargs={"version": "v1", "slug": proposal.slug})
        return str(request.build_absolute_uri(path)) if request is not None else path

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, proposal: Proposal) -> str:
        request = self.context.get("request")
        path = proposal.get_absolute_url()
        return str(request.build_absolute_uri(path)) if request is not None else path

    @extend_schema_field(OpenApiTypes.STR)
    def get_breakout_group(self, proposal: Proposal) -> str | None:
        group = proposal.breakout_group if proposal.breakout_group_id else None
        return str(group.name) if group is not None else None

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_comments_url(self, proposal: Proposal) -> str | None:
        return comments_url(proposal, self.context.get("request"))


class ProposalWriteSerializer(serializers.Serializer):
    """A new proposal: online by the signed-in person, or a workshop/paper entry (staff)."""

    plan = serializers.CharField(max_length=80, help_text=_("The action plan's slug."))
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    body = serializers.CharField(max_length=BODY_MAX_LENGTH)
    principles = serializers.ListField(
        child=serializers.CharField(max_length=50),
        required=False,
        help_text=_("Codes of the principles the proposal serves."),
    )
    organisation = serializers.CharField(
        max_length=260,
        required=False,
        allow_blank=True,
        help_text=_("Slug of an organisation you represent (online proposals)."),
    )
    origin = serializers.ChoiceField(
        choices=Proposal.Origin.choices,
        required=False,
        default=Proposal.Origin.ONLINE,
        help_text=_("workshop and paper: entered by the collectivity's staff."),
    )
    meeting = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text=_("The meeting's slug.")
    )
    breakout_group = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("The workshop group's id.")
    )
    contributor_name = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ProposalUpdateSerializer(serializers.Serializer):
    """The author's changes (or staff corrections of an entry)."""

    title = serializers.CharField(max_length=TITLE_MAX_LENGTH, required=False)
    body = serializers.CharField(max_length=BODY_MAX_LENGTH, required=False)
    principles = serializers.ListField(child=serializers.CharField(max_length=50), required=False)


class ProposalAnswerSerializer(serializers.Serializer):
    """The collectivity's status and public answer."""

    status = serializers.ChoiceField(
        choices=[(v, label) for v, label in Proposal.Status.choices if v in ANSWER_STATUSES]
    )
    answer = serializers.CharField(max_length=BODY_MAX_LENGTH, required=False, allow_blank=True)


class ProposalHideSerializer(serializers.Serializer):
    """Why the proposal is hidden."""

    reason = serializers.CharField(max_length=2000)


class ProposalSupportStateSerializer(serializers.Serializer):
    """Whether the signed-in person supports the proposal, and its count."""

    supported = serializers.BooleanField()
    support_count = serializers.IntegerField()
