"""Serializers of the plans API (``/api/v1/plans/``, ``plan-phases``, ``committee-members``).

Read serializers follow the API's conventions (:mod:`infitah.api.serializers`):
translated text in the requested language (``title``) and per language
(``title_ar``, ``title_fr``, ``title_en``; ``null`` where missing), absolute ``url``
(API) and ``web_url`` (public page). They read only what
:mod:`infitah.plans.api` loaded, so serialising runs no query.

Write serializers only check the shape and types of the input; the services decide
(permissions, preconditions) and their errors come back as the API's error body.

Committee members' names, organisations, sides, genders and roles are public
(membership of the committee is a public role); no contact detail is stored.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from infitah.accounts.models import Organisation
from infitah.api.serializers import WebURLField
from infitah.core.selectors import localized_fields
from infitah.plans import selectors
from infitah.plans.models import (
    ActionPlan,
    CommitteeMember,
    FollowUpCommittee,
    Phase,
    PlanTransition,
)
from infitah.territories.models import Collectivity

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


def _translated(*names: str) -> list[str]:
    """Each name followed by its ``_ar``, ``_fr`` and ``_en`` columns."""
    return [column for name in names for column in (name, *localized_fields(name))]


# --- Read -----------------------------------------------------------------------------


class PlanCollectivitySerializer(serializers.Serializer[Collectivity]):
    """The collectivity that owns the plan."""

    code = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=Collectivity.Kind.choices, read_only=True)
    name = serializers.CharField(read_only=True)
    region = serializers.CharField(
        source="region.code",
        read_only=True,
        allow_null=True,
        help_text=_("Official code of the collectivity's region."),
    )


class PhaseSerializer(serializers.ModelSerializer[Phase]):
    """A dated phase of the plan's timeline; ``status`` is as of today (Africa/Casablanca)."""

    plan: serializers.SlugRelatedField[ActionPlan] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    status = serializers.SerializerMethodField(help_text=_("upcoming, current or done, today."))

    class Meta:
        model = Phase
        fields = [
            "id",
            "plan",
            "kind",
            *_translated("title", "description"),
            "starts_on",
            "ends_on",
            "dates_are_tentative",
            "order",
            "status",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Phase.Status.choices))
    def get_status(self, obj: Phase) -> str:
        return obj.status_on(self.context.get("today") or selectors.today())


class TransitionSerializer(serializers.ModelSerializer[PlanTransition]):
    """One change of the plan's state: when, from, to, why, and who (public name)."""

    by = serializers.SerializerMethodField(
        help_text=_("Public name of the person who made the change (never an e-mail).")
    )

    class Meta:
        model = PlanTransition
        fields = ["from_state", "to_state", "at", "reason", "by"]
        read_only_fields = fields

    def get_by(self, obj: PlanTransition) -> str | None:
        actor = obj.actor
        if actor is None:
            return None
        return actor.display_name or actor.get_full_name() or None


class CommitteeMemberSerializer(serializers.ModelSerializer[CommitteeMember]):
    """A committee member: name, organisation, side, gender, role, dates (public role)."""

    plan = serializers.SerializerMethodField(help_text=_("The plan (slug)."))
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    organisation_label = serializers.CharField(
        read_only=True, help_text=_("The registered organisation's name, else the typed one.")
    )

    class Meta:
        model = CommitteeMember
        fields = [
            "id",
            "plan",
            "person_name",
            "organisation",
            "organisation_label",
            "side",
            "gender",
            "role",
            "joined_on",
            "left_on",
        ]
        read_only_fields = fields

    def get_plan(self, obj: CommitteeMember) -> str:
        return obj.committee.plan.slug


class SideFiguresSerializer(serializers.Serializer[Any]):
    side = serializers.ChoiceField(choices=CommitteeMember.Side.choices, read_only=True)
    total = serializers.IntegerField(read_only=True)
    women = serializers.IntegerField(read_only=True)


class CompositionSerializer(serializers.Serializer[Any]):
    """Current members' figures: total, women (count and percent 0–100), by side."""

    total = serializers.IntegerField(read_only=True)
    women = serializers.IntegerField(read_only=True)
    men = serializers.IntegerField(read_only=True)
    not_stated = serializers.IntegerField(read_only=True)
    women_percent = serializers.IntegerField(read_only=True, allow_null=True)
    by_side = SideFiguresSerializer(many=True, read_only=True)


class CommitteeSerializer(serializers.ModelSerializer[FollowUpCommittee]):
    """The follow-up committee, when it last met, whether it is overdue, its members."""

    last_met_on = serializers.SerializerMethodField(
        help_text=_("Day of its latest meeting (Africa/Casablanca); null if none.")
    )
    next_meeting_due_on = serializers.SerializerMethodField(
        help_text=_("Last meeting (or establishment) plus the maximum number of months.")
    )
    is_overdue = serializers.SerializerMethodField()
    max_months_between_meetings = serializers.SerializerMethodField()
    composition = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpCommittee
        fields = [
            *_translated("name", "mandate"),
            "established_on",
            "last_met_on",
            "next_meeting_due_on",
            "max_months_between_meetings",
            "is_overdue",
            "composition",
            "members",
        ]
        read_only_fields = fields

    def _status(self, obj: FollowUpCommittee) -> selectors.CommitteeStatus:
        cached = getattr(obj, "_api_status", None)
        if cached is None:
            cached = selectors.committee_status(
                obj,
                plan_state=obj.plan.state,
                last_meeting_at=selectors.committee_last_meeting_at(obj.plan_id),
            )
            obj._api_status = cached  # type: ignore[attr-defined]
        return cached

    def _members(self, obj: FollowUpCommittee) -> list[CommitteeMember]:
        members = list(obj.members.all())
        for member in members:
            member.committee = obj
        return members

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_last_met_on(self, obj: FollowUpCommittee) -> Any:
        return self._status(obj).last_met_on

    @extend_schema_field(serializers.DateField())
    def get_next_meeting_due_on(self, obj: FollowUpCommittee) -> Any:
        return self._status(obj).due_on

    def get_is_overdue(self, obj: FollowUpCommittee) -> bool:
        return self._status(obj).is_overdue

    def get_max_months_between_meetings(self, obj: FollowUpCommittee) -> int:
        return self._status(obj).max_months

    @extend_schema_field(CompositionSerializer)
    def get_composition(self, obj: FollowUpCommittee) -> dict[str, Any]:
        current, _former = selectors.current_members(self._members(obj), selectors.today())
        figures = selectors.committee_composition(current)
        return dict(CompositionSerializer(figures).data)

    @extend_schema_field(CommitteeMemberSerializer(many=True))
    def get_members(self, obj: FollowUpCommittee) -> list[Any]:
        return list(CommitteeMemberSerializer(self._members(obj), many=True).data)


class PlanSerializer(serializers.ModelSerializer[ActionPlan]):
    """An action plan as listed: collectivity, period, state, publication."""

    collectivity = PlanCollectivitySerializer(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:plan-detail", lookup_field="slug")
    web_url = WebURLField(help_text=_("The plan's public page."))

    class Meta:
        model = ActionPlan
        fields = [
            "slug",
            *_translated("title"),
            "collectivity",
            "start_month",
            "end_month",
            "state",
            "state_changed_at",
            "planned_adoption_month",
            "adopted_on",
            "is_published",
            "url",
            "web_url",
        ]
        read_only_fields = fields


class PlanDetailSerializer(PlanSerializer):
    """An action plan with its summary, phases, state changes and follow-up committee."""

    phases = PhaseSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)
    current_phases = serializers.SerializerMethodField(
        help_text=_("Ids of the phases in progress today (Africa/Casablanca).")
    )
    committee = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [
            *PlanSerializer.Meta.fields,
            *_translated("summary"),
            "current_phases",
            "phases",
            "transitions",
            "committee",
        ]
        read_only_fields = fields

    def get_current_phases(self, obj: ActionPlan) -> list[int]:
        day = self.context.get("today") or selectors.today()
        return [p.pk for p in obj.phases.all() if p.status_on(day) == Phase.Status.CURRENT]

    @extend_schema_field(CommitteeSerializer(allow_null=True))
    def get_committee(self, obj: ActionPlan) -> dict[str, Any] | None:
        committee = selectors.plan_committee(obj)
        if committee is None:
            return None
        committee.plan = obj
        return dict(CommitteeSerializer(committee, context=self.context).data)


# --- Write ------------------------------------------------------------------------------


class MonthField(serializers.DateField):
    """A month: ``YYYY-MM`` (or a full date, whose day is ignored)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", MONTH_FORMATS)
        super().__init__(**kwargs)


def _text_fields(name: str, *, max_length: int | None, multiline: bool = False) -> dict[str, Any]:
    options: dict[str, Any] = {"required": False, "allow_blank": True, "allow_null": True}
    if max_length is not None:
        options["max_length"] = max_length
    if multiline:
        options["style"] = {"base_template": "textarea.html"}
    return {column: serializers.CharField(**options) for column in localized_fields(name)}


class PlanWriteSerializer(serializers.Serializer[Any]):
    """Create (``collectivity`` and the months required) or change a plan."""

    collectivity = serializers.CharField(
        required=False, help_text=_("Official code of the collectivity (creation only).")
    )
    slug = serializers.SlugField(
        required=False, allow_blank=True, max_length=80, help_text=_("Creation only.")
    )
    start_month = MonthField(required=False)
    end_month = MonthField(required=False)
    planned_adoption_month = MonthField(required=False, allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields.update(_text_fields("title", max_length=250))
        fields.update(_text_fields("summary", max_length=None, multiline=True))
        return fields


class TransitionInputSerializer(serializers.Serializer[Any]):
    """A move of the plan's state (see the plans services for the rules)."""

    to_state = serializers.ChoiceField(choices=ActionPlan.State.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    adopted_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("Moving to adopted only.")
    )


class PhaseWriteSerializer(serializers.Serializer[Any]):
    """Create (``plan``, ``kind``, ``starts_on`` required) or change a phase."""

    plan = serializers.SlugField(required=False, help_text=_("The plan (slug); creation only."))
    kind = serializers.ChoiceField(choices=Phase.Kind.choices, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)
    dates_are_tentative = serializers.BooleanField(required=False)
    order = serializers.IntegerField(required=False, min_value=0, max_value=32767)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields.update(_text_fields("title", max_length=200))
        fields.update(_text_fields("description", max_length=None, multiline=True))
        return fields


class CommitteeWriteSerializer(serializers.Serializer[Any]):
    """Create or change the plan's follow-up committee."""

    established_on = serializers.DateField(required=False, allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields.update(_text_fields("name", max_length=200))
        fields.update(_text_fields("mandate", max_length=None, multiline=True))
        return fields


class MemberWriteSerializer(serializers.Serializer[Any]):
    """Add (``plan``, ``person_name``, ``side`` required) or change a committee member."""

    plan = serializers.SlugField(required=False, help_text=_("The plan (slug); creation only."))
    person_name = serializers.CharField(required=False, max_length=200)
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("A registered organisation (slug)."),
    )
    organisation_name = serializers.CharField(required=False, allow_blank=True, max_length=250)
    side = serializers.ChoiceField(choices=CommitteeMember.Side.choices, required=False)
    gender = serializers.ChoiceField(choices=CommitteeMember.Gender.choices, required=False)
    role = serializers.ChoiceField(choices=CommitteeMember.Role.choices, required=False)
    joined_on = serializers.DateField(required=False, allow_null=True)
    left_on = serializers.DateField(required=False, allow_null=True)
