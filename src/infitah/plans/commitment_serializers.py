"""Serializers of ``/api/v1/commitments/``: commitments with milestones and progress.

Reads use only what :class:`infitah.plans.api.CommitmentViewSet` prefetched. Progress
is derived (:func:`infitah.plans.commitments.commitment_progress`), never written.
Write serializers check shapes only; the services decide.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from infitah.plans import selectors
from infitah.plans.commitments import commitment_progress
from infitah.plans.models import ActionPlan, Commitment, Milestone, MilestoneEvidence
from infitah.plans.serializers import MonthField, _text_fields, _translated


@extend_schema_field(
    {
        "type": "string",
        "description": "not_started, in_progress, completed or cancelled",
    }
)
class MilestoneStatusField(serializers.ChoiceField):
    """A milestone status, documented inline (no shared ``StatusEnum`` name collision;
    settings' ``ENUM_NAME_OVERRIDES`` could name it ``MilestoneStatusEnum`` instead)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Milestone.Status.choices, **kwargs)


class EvidenceSerializer(serializers.ModelSerializer[MilestoneEvidence]):
    class Meta:
        model = MilestoneEvidence
        fields = ["id", "title", "url"]
        read_only_fields = fields


class MilestoneSerializer(serializers.ModelSerializer[Milestone]):
    """A milestone; ``is_late`` as of today (Africa/Casablanca)."""

    is_late = serializers.SerializerMethodField()
    status = MilestoneStatusField(read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            *_translated("title"),
            "expected_output",
            "due_on",
            "weight",
            "responsible_unit",
            "status",
            "completed_on",
            "order",
            "is_late",
            "evidence",
        ]
        read_only_fields = fields

    def get_is_late(self, obj: Milestone) -> bool:
        return obj.is_late_on(self.context.get("today") or selectors.today())


class CommitmentSerializer(serializers.ModelSerializer[Commitment]):
    """A commitment with its milestones and derived progress (percent, or null)."""

    plan: serializers.SlugRelatedField[ActionPlan] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    principles: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    cso_partners: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    proposals: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    milestones = MilestoneSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField(
        help_text=_("Percent (0–100) from the milestones' weights; null without milestones.")
    )

    class Meta:
        model = Commitment
        fields = [
            "reference",
            "plan",
            *_translated(
                "title", "problem", "status_quo", "action", "how_it_helps", "long_term_goal"
            ),
            "principles",
            "ogp_values",
            "lead_department",
            "other_government_actors",
            "cso_partners",
            "start_month",
            "end_month",
            "budget_mad",
            "funding_source",
            "proposals",
            "order",
            "is_published",
            "progress",
            "milestones",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_progress(self, obj: Commitment) -> int | None:
        return commitment_progress(obj)


class CommitmentWriteSerializer(serializers.Serializer[Any]):
    """Create (``plan`` and a title required) or change a commitment."""

    plan = serializers.SlugField(required=False, help_text=_("The plan (slug); creation only."))
    ogp_values = serializers.ListField(
        child=serializers.ChoiceField(choices=Commitment.OgpValue.choices), required=False
    )
    lead_department = serializers.CharField(required=False, allow_blank=True, max_length=250)
    other_government_actors = serializers.CharField(required=False, allow_blank=True)
    start_month = MonthField(required=False, allow_null=True)
    end_month = MonthField(required=False, allow_null=True)
    budget_mad = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    funding_source = serializers.CharField(required=False, allow_blank=True, max_length=250)
    order = serializers.IntegerField(required=False, min_value=0, max_value=32767)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields.update(_text_fields("title", max_length=250))
        for name in ("problem", "status_quo", "action", "how_it_helps", "long_term_goal"):
            fields.update(_text_fields(name, max_length=None, multiline=True))
        return fields


class MilestoneWriteSerializer(serializers.Serializer[Any]):
    """Add a milestone to a commitment."""

    expected_output = serializers.CharField(required=False, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    weight = serializers.IntegerField(required=False, min_value=1, max_value=100)
    responsible_unit = serializers.CharField(required=False, allow_blank=True, max_length=250)
    order = serializers.IntegerField(required=False, min_value=0, max_value=32767)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields.update(_text_fields("title", max_length=250))
        return fields


class MilestoneStatusSerializer(serializers.Serializer[Any]):
    """Set a milestone's status (``id`` of a milestone of this commitment)."""

    id = serializers.IntegerField()
    status = MilestoneStatusField()
    completed_on = serializers.DateField(required=False, allow_null=True)


class ProgressUpdateWriteSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    milestone_changes = serializers.CharField(required=False, allow_blank=True)
