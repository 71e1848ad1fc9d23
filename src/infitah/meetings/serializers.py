"""Serializers of the meetings API (:mod:`infitah.meetings.api`).

Times are ISO 8601 with the offset of ``settings.TIME_ZONE`` (Africa/Casablanca:
``2023-07-11T10:00:00+01:00``); a time sent without an offset is read as local time.
Translated text is given in the requested language (``title``) and per language
(``title_ar``, ``title_fr``, ``title_en``). Attendance is only ever given as figures
(:class:`AttendanceFiguresSerializer`); personal data appears only in the organisers'
endpoints and in a person's own registrations.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from modeltranslation.utils import build_localized_fieldname
from rest_framework import serializers

from infitah.accounts.models import Organisation
from infitah.meetings import selectors
from infitah.meetings.models import (
    AgendaItem,
    Attendance,
    BreakoutGroup,
    Meeting,
    Registration,
)
from infitah.plans.models import ActionPlan

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _localized(*names: str) -> list[str]:
    return [build_localized_fieldname(name, code) for name in names for code in LANGUAGES]


def _translated(*names: str) -> list[str]:
    """Each name followed by its per-language columns."""
    return [value for name in names for value in (name, *_localized(name))]


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The absolute address of the object's public page (in the answer's language)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return str(self.context["request"].build_absolute_uri(value.get_absolute_url()))


class OrganiserSerializer(serializers.Serializer):
    """A collectivity: official code, slug and name."""

    code = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class BreakoutGroupSerializer(serializers.ModelSerializer[BreakoutGroup]):
    """A parallel group of an agenda item."""

    class Meta:
        model = BreakoutGroup
        fields = [
            "id",
            "order",
            *_translated("name", "topic"),
            "room",
            "facilitator",
            "rapporteur",
            *_translated("output"),
        ]
        read_only_fields = fields


class AgendaItemSerializer(serializers.ModelSerializer[AgendaItem]):
    """An agenda item (local wall-clock times) with its parallel groups."""

    groups = BreakoutGroupSerializer(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "day",
            "start_time",
            "end_time",
            "order",
            "kind",
            *_translated("title", "description", "speakers"),
            "groups",
        ]
        read_only_fields = fields


class FigureRowSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    count = serializers.IntegerField()
    share = serializers.IntegerField(allow_null=True, help_text=_("Percent of the total."))


class AttendanceFiguresSerializer(serializers.Serializer):
    """Aggregated attendance: counts and shares (percent), never names.

    The breakdowns are empty below the disclosure threshold (too few people).
    """

    total = serializers.IntegerField()
    women = serializers.IntegerField(allow_null=True)
    youth = serializers.IntegerField(allow_null=True, help_text=_("Under 35."))
    associations = serializers.IntegerField(allow_null=True)
    share_women = serializers.IntegerField(allow_null=True)
    share_youth = serializers.IntegerField(allow_null=True)
    share_associations = serializers.IntegerField(allow_null=True)
    by_category = FigureRowSerializer(many=True)
    by_gender = FigureRowSerializer(many=True)
    by_age_band = FigureRowSerializer(many=True)
    is_breakdown_public = serializers.BooleanField()

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if not instance.is_breakdown_public and not self.context.get("is_organiser"):
            for key in ("women", "youth", "associations"):
                data[key] = None
            for key in ("share_women", "share_youth", "share_associations"):
                data[key] = None
            for key in ("by_category", "by_gender", "by_age_band"):
                data[key] = []
        return data


class RegistrationInfoSerializer(serializers.Serializer):
    """Registration settings and counts of a meeting (no names)."""

    enabled = serializers.BooleanField(source="registration_enabled")
    is_open = serializers.SerializerMethodField()
    opens_at = serializers.DateTimeField(source="registration_opens_at", allow_null=True)
    closes_at = serializers.DateTimeField(source="registration_closes_at", allow_null=True)
    capacity = serializers.IntegerField(allow_null=True)
    confirmed = serializers.IntegerField(source="confirmed_count", default=0)
    places_left = serializers.SerializerMethodField()
    waiting_list = serializers.BooleanField(source="waiting_list_enabled")

    def get_is_open(self, meeting: Meeting) -> bool:
        return meeting.registration_is_open() and selectors.is_public(meeting)

    def get_places_left(self, meeting: Meeting) -> int | None:
        if meeting.capacity is None:
            return None
        return max(meeting.capacity - getattr(meeting, "confirmed_count", 0), 0)


class MeetingListSerializer(serializers.ModelSerializer[Meeting]):
    """A published meeting in a list."""

    organiser = OrganiserSerializer(source="collectivity", read_only=True, allow_null=True)
    plan: serializers.SlugRelatedField[ActionPlan] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    registration = RegistrationInfoSerializer(source="*", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:meeting-detail", lookup_field="slug")
    web_url = PageURLField()
    ical_url = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "slug",
            "url",
            "web_url",
            "ical_url",
            "kind",
            "format",
            *_translated("title", "venue_name", "address", "city"),
            "online_url",
            "starts_at",
            "ends_at",
            "is_cancelled",
            *_translated("cancellation_reason"),
            "organiser",
            "plan",
            "registration",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_ical_url(self, meeting: Meeting) -> str:
        path = reverse("meetings:ical-meeting", kwargs={"slug": meeting.slug})
        return str(self.context["request"].build_absolute_uri(path))


class MeetingDocumentSerializer(serializers.Serializer):
    """A public document of a meeting, downloaded through the site."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, document: Any) -> str:
        path = reverse(
            "meetings:document-download",
            kwargs={"slug": document.meeting.slug, "pk": document.pk},
        )
        return str(self.context["request"].build_absolute_uri(path))


class MeetingDetailSerializer(MeetingListSerializer):
    """A published meeting with its agenda, participants, minutes, documents and figures."""

    agenda = serializers.SerializerMethodField()
    participating_collectivities = OrganiserSerializer(many=True, read_only=True)
    participating_organisations = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        many=True, slug_field="slug", read_only=True
    )
    minutes = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()

    class Meta(MeetingListSerializer.Meta):
        fields = [
            *MeetingListSerializer.Meta.fields,
            *_translated("description"),
            "agenda",
            "participating_collectivities",
            "participating_organisations",
            "minutes",
            "documents",
            "attendance",
        ]
        read_only_fields = fields

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_agenda(self, meeting: Meeting) -> Any:
        return AgendaItemSerializer(selectors.agenda_items(meeting), many=True).data

    @extend_schema_field(OpenApiTypes.STR)
    def get_minutes(self, meeting: Meeting) -> str | None:
        if meeting.minutes_published_at and meeting.minutes:
            return str(meeting.minutes)
        return None

    @extend_schema_field(MeetingDocumentSerializer(many=True))
    def get_documents(self, meeting: Meeting) -> Any:
        documents = selectors.meeting_documents(meeting)
        return MeetingDocumentSerializer(documents, many=True, context=self.context).data

    @extend_schema_field(AttendanceFiguresSerializer)
    def get_attendance(self, meeting: Meeting) -> Any:
        return AttendanceFiguresSerializer(selectors.attendance_figures(meeting)).data


# --- A person's own registrations ----------------------------------------------------------


class MeetingRefSerializer(serializers.ModelSerializer[Meeting]):
    web_url = PageURLField()

    class Meta:
        model = Meeting
        fields = ["slug", "title", "starts_at", "ends_at", "is_cancelled", "web_url"]
        read_only_fields = fields


class RegistrationSerializer(serializers.ModelSerializer[Registration]):
    """The signed-in person's registration. To register, send ``meeting`` (its slug)."""

    meeting: serializers.SlugRelatedField[Meeting] = serializers.SlugRelatedField(
        slug_field="slug", queryset=Meeting.objects.published(), write_only=True
    )
    meeting_detail = MeetingRefSerializer(source="meeting", read_only=True)
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug",
        required=False,
        allow_null=True,
        queryset=Organisation.objects.filter(is_verified=True),
    )
    waiting_position = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "meeting",
            "meeting_detail",
            "organisation",
            "status",
            "waiting_position",
            "created_at",
            "promoted_at",
            "cancelled_at",
        ]
        read_only_fields = ["id", "status", "created_at", "promoted_at", "cancelled_at"]

    def get_waiting_position(self, registration: Registration) -> int | None:
        if registration.status != Registration.Status.WAITING:
            return None
        return (
            Registration.objects.filter(
                meeting_id=registration.meeting_id, status=Registration.Status.WAITING
            )
            .filter(created_at__lte=registration.created_at)
            .exclude(created_at=registration.created_at, pk__gt=registration.pk)
            .count()
        )


# --- Organisers -------------------------------------------------------------------------------


class ManagedMeetingSerializer(serializers.ModelSerializer[Meeting]):
    """A meeting as its organisers write it (published or not).

    ``organiser`` (write): a collectivity's official code or slug, or ``null`` for a
    network meeting (coordinators). ``plan``: an action plan's slug.
    """

    organiser = serializers.CharField(write_only=True, allow_null=True, required=False)
    organiser_detail = OrganiserSerializer(source="collectivity", read_only=True)
    plan: serializers.SlugRelatedField[ActionPlan] = serializers.SlugRelatedField(
        slug_field="slug", queryset=ActionPlan.objects.all(), required=False, allow_null=True
    )
    participating_collectivities = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        write_only=True,
        help_text=_("Official codes or slugs."),
    )
    participating_organisations = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        write_only=True,
        help_text=_("Organisation slugs."),
    )
    web_url = PageURLField()

    class Meta:
        model = Meeting
        fields = [
            "slug",
            "organiser",
            "organiser_detail",
            "kind",
            "plan",
            "format",
            *_localized("title", "description", "venue_name", "address", "city"),
            "online_url",
            "starts_at",
            "ends_at",
            "registration_enabled",
            "registration_opens_at",
            "registration_closes_at",
            "capacity",
            "waiting_list_enabled",
            "participating_collectivities",
            "participating_organisations",
            "is_published",
            "is_cancelled",
            *_localized("cancellation_reason"),
            "web_url",
        ]
        read_only_fields = [
            "is_published",
            "is_cancelled",
            *_localized("cancellation_reason"),
        ]
        extra_kwargs = {
            "slug": {"required": False, "validators": []},
            **{name: {"required": False} for name in _localized("title")},
        }


class ManagedAgendaItemSerializer(serializers.ModelSerializer[AgendaItem]):
    """An agenda item as organisers write it; ``meeting`` is the meeting's slug."""

    meeting: serializers.SlugRelatedField[Meeting] = serializers.SlugRelatedField(
        slug_field="slug", queryset=Meeting.objects.all()
    )
    groups = BreakoutGroupSerializer(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "day",
            "start_time",
            "end_time",
            "order",
            "kind",
            *_localized("title", "description", "speakers"),
            "groups",
        ]
        read_only_fields = ["id", "order", "groups"]
        extra_kwargs = {name: {"required": False} for name in _localized("title")}


class ManagedAttendanceSerializer(serializers.ModelSerializer[Attendance]):
    """An attendance record (personal data: organisers only).

    Send ``registration`` (its id) for a registered person, or leave it empty and give
    ``name`` for a walk-in.
    """

    meeting: serializers.SlugRelatedField[Meeting] = serializers.SlugRelatedField(
        slug_field="slug", queryset=Meeting.objects.all()
    )
    registration = serializers.PrimaryKeyRelatedField(
        queryset=Registration.objects.all(), required=False, allow_null=True
    )
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Attendance
        fields = [
            "id",
            "meeting",
            "registration",
            "name",
            "category",
            "gender",
            "age_band",
            "organisation",
            "organisation_name",
            "walk_in",
            "created_at",
        ]
        read_only_fields = ["id", "walk_in", "created_at"]
