"""REST API of the meetings app, registered on ``/api/v1/`` by :mod:`infitah.api.urls`.

- ``meetings/``: public, anonymous and cacheable, like the rest of the public API
  (:class:`infitah.api.views.PublicReadOnlyViewSet`): published meetings with their
  agenda and groups, participants, public documents and attendance *figures*.
  Filters: ``when`` (upcoming, past, all), ``kind``, ``collectivity`` and ``region``
  (code or slug), ``plan`` (slug), ``network`` (true/false), ``q``.
- ``meeting-registrations/``: the signed-in person's own registrations (session
  authentication, CSRF): list, detail, create (= register) and ``cancel``.
- ``manage/meetings/``, ``manage/agenda-items/``, ``manage/attendance/``: the
  organisers' writes, with the permissions of the pages (:mod:`infitah.meetings.rules`).
  An object the user may not see answers 404; one they see but may not change, 403.

Unpublished meetings never appear in the public endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import UserRateThrottle

from infitah.accounts.models import Organisation, User
from infitah.api.views import ERROR_RESPONSE, LANG_PARAMETER, PublicReadOnlyViewSet
from infitah.meetings import selectors, services
from infitah.meetings import serializers as meeting_serializers
from infitah.meetings.models import AgendaItem, Attendance, Meeting, Registration
from infitah.network.selectors import current_network
from infitah.territories.models import Collectivity

__all__ = [
    "ManagedAgendaItemViewSet",
    "ManagedAttendanceViewSet",
    "ManagedMeetingViewSet",
    "MeetingRegistrationViewSet",
    "MeetingViewSet",
    "register",
]

TRUE_VALUES = frozenset({"true", "1", "yes"})
FALSE_VALUES = frozenset({"false", "0", "no"})

FILTER_PARAMETERS = [
    OpenApiParameter(
        "when",
        str,
        enum=["upcoming", "past", "all"],
        description=_("upcoming (default: not ended, soonest first), past or all."),
    ),
    OpenApiParameter("kind", str, enum=list(Meeting.Kind.values)),
    OpenApiParameter(
        "collectivity",
        str,
        description=_("Official code or slug: meetings it organised or took part in."),
    ),
    OpenApiParameter("region", str, description=_("Region's official code or slug.")),
    OpenApiParameter("plan", str, description=_("Action plan's slug.")),
    OpenApiParameter("network", bool, description=_("true: network meetings only.")),
    OpenApiParameter("q", str, description=_("Words of the title, place or collectivities.")),
]


def _drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's ``ValidationError`` as DRF's (400 with the fields named)."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


def _filters(params: Mapping[str, str]) -> selectors.MeetingFilters:
    """Read the list's query parameters.

    Raises:
        serializers.ValidationError: an unknown value (400, the parameter named).
    """
    errors: dict[str, list[str]] = {}
    when = params.get("when") or "upcoming"
    if when not in ("upcoming", "past", "all"):
        errors["when"] = [str(_("Choose upcoming, past or all."))]
    kind = params.get("kind") or ""
    if kind and kind not in Meeting.Kind.values:
        errors["kind"] = [str(_("Unknown kind of meeting."))]
    collectivity = region = plan = None
    if value := params.get("collectivity"):
        collectivity = selectors.resolve_collectivity(value)
        if collectivity is None:
            errors["collectivity"] = [str(_("No collectivity has this code or slug."))]
    if value := params.get("region"):
        region = selectors.resolve_collectivity(value, regions_only=True)
        if region is None:
            errors["region"] = [str(_("No region has this code or slug."))]
    if value := params.get("plan"):
        plan = selectors.plan_by_slug(value)
        if plan is None:
            errors["plan"] = [str(_("No published action plan has this slug."))]
    network_only = False
    if (raw := params.get("network")) is not None and raw != "":
        if raw.lower() in TRUE_VALUES:
            network_only = True
        elif raw.lower() not in FALSE_VALUES:
            errors["network"] = [str(_("Enter true or false."))]
    query = (params.get("q") or "").replace("\x00", " ").strip()[:200]
    if errors:
        raise serializers.ValidationError(errors)
    return selectors.MeetingFilters(
        when="" if when == "all" else when,
        kind=kind,
        collectivity=collectivity,
        region=region,
        plan=plan,
        network_only=network_only,
        query=query,
    )


# --- Public --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=_("Meetings"),
        description=_(
            "Published meetings (workshops, trainings, awareness meetings, "
            "consultations, committee meetings) with their organiser and registration "
            "figures. Times carry the Morocco offset."
        ),
        parameters=[LANG_PARAMETER, *FILTER_PARAMETERS],
        responses={
            200: meeting_serializers.MeetingListSerializer(many=True),
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary=_("One meeting, by slug"),
        description=_(
            "With its agenda and parallel groups, participants, published minutes, "
            "public documents and aggregated attendance figures (no names)."
        ),
        parameters=[LANG_PARAMETER],
        responses={200: meeting_serializers.MeetingDetailSerializer, 404: ERROR_RESPONSE},
    ),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicReadOnlyViewSet):
    """Published meetings."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filter_backends = ()

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "retrieve":
            return meeting_serializers.MeetingDetailSerializer
        return meeting_serializers.MeetingListSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        if self.action == "retrieve":
            return selectors.public_meetings(selectors.MeetingFilters(when="")).prefetch_related(
                Prefetch(
                    "participating_collectivities",
                    queryset=Collectivity.objects.order_by("kind", "code"),
                ),
                "participating_organisations",
            )
        return selectors.public_meetings(_filters(self.request.query_params))


# --- A person's own registrations ---------------------------------------------------------


class SignedInViewSet(viewsets.GenericViewSet):
    """Base of the endpoints for signed-in people: session authentication with CSRF."""

    authentication_classes = (SessionAuthentication,)
    permission_classes = (IsAuthenticated,)
    throttle_classes = (UserRateThrottle,)
    filter_backends = ()

    @property
    def user(self) -> User:
        return cast(User, self.request.user)


@extend_schema_view(
    list=extend_schema(summary=_("My meeting registrations")),
    retrieve=extend_schema(summary=_("One of my registrations")),
    create=extend_schema(
        summary=_("Register for a meeting"),
        description=_(
            "A confirmed place, or the waiting list when the meeting is full. Needs a "
            "confirmed e-mail address; 400 when registration is closed, the meeting is "
            "full without a waiting list, or you are already registered."
        ),
        responses={
            201: meeting_serializers.RegistrationSerializer,
            400: ERROR_RESPONSE,
            403: ERROR_RESPONSE,
        },
    ),
)
class MeetingRegistrationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SignedInViewSet
):
    """The signed-in person's registrations."""

    serializer_class = meeting_serializers.RegistrationSerializer

    def get_queryset(self) -> QuerySet[Registration]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular's schema run
            return Registration.objects.none()
        return selectors.user_registrations(self.user)

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        try:
            registration = services.registration_create(
                meeting=data["meeting"], user=self.user, organisation=data.get("organisation")
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        serializer.instance = registration

    @extend_schema(
        summary=_("Cancel my registration"),
        request=None,
        responses={
            200: meeting_serializers.RegistrationSerializer,
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Cancel the registration; the waiting list moves up when a place frees."""
        registration = self.get_object()
        try:
            services.registration_cancel(registration=registration, actor=self.user)
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        registration.refresh_from_db()
        return Response(self.get_serializer(registration).data)


# --- Organisers ----------------------------------------------------------------------------


def _visible_or_404(user: Any, meeting: Meeting, perm: str, obj: Any = None) -> None:
    """Raise 404 when the user may not see the meeting, 403 when they lack ``perm``."""
    if user.has_perm(perm, obj if obj is not None else meeting):
        return
    if selectors.is_public(meeting) or user.has_perm("meetings.view_meeting", meeting):
        raise PermissionDenied
    raise Http404


def _collectivity(value: str | None) -> Collectivity | None:
    if value in (None, ""):
        return None
    collectivity = selectors.resolve_collectivity(str(value))
    if collectivity is None:
        raise serializers.ValidationError(
            {"organiser": [_("No collectivity has this code or slug.")]}
        )
    return collectivity


def _participants(data: Mapping[str, Any]) -> dict[str, Any]:
    """Resolve ``participating_*`` lists of codes/slugs; absent keys are left out."""
    resolved: dict[str, Any] = {}
    if "participating_collectivities" in data:
        values = list(data["participating_collectivities"])
        found = list(Collectivity.objects.filter(Q(code__in=values) | Q(slug__in=values)))
        known = {c.code for c in found} | {c.slug for c in found}
        unknown = [v for v in values if v not in known]
        if unknown:
            raise serializers.ValidationError(
                {
                    "participating_collectivities": [
                        _("Unknown: %(values)s") % {"values": ", ".join(unknown)}
                    ]
                }
            )
        resolved["participating_collectivities"] = found
    if "participating_organisations" in data:
        values = list(data["participating_organisations"])
        organisations = list(Organisation.objects.filter(slug__in=values))
        unknown = sorted(set(values) - {o.slug for o in organisations})
        if unknown:
            raise serializers.ValidationError(
                {
                    "participating_organisations": [
                        _("Unknown: %(values)s") % {"values": ", ".join(unknown)}
                    ]
                }
            )
        resolved["participating_organisations"] = organisations
    return resolved


def _meeting_data(validated: Mapping[str, Any]) -> dict[str, Any]:
    return {name: validated[name] for name in services.MEETING_FIELDS if name in validated}


CANCEL_REQUEST = inline_serializer(
    name="MeetingCancel", fields={"reason": serializers.CharField(max_length=2000)}
)


@extend_schema_view(
    list=extend_schema(summary=_("Meetings I organise (published or not)")),
    retrieve=extend_schema(summary=_("A meeting I organise")),
    create=extend_schema(
        summary=_("Create a meeting"),
        responses={
            201: meeting_serializers.ManagedMeetingSerializer,
            400: ERROR_RESPONSE,
            403: ERROR_RESPONSE,
        },
    ),
    update=extend_schema(summary=_("Change a meeting")),
    partial_update=extend_schema(summary=_("Change some fields of a meeting")),
)
class ManagedMeetingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    SignedInViewSet,
):
    """The organisers' meetings: create, change, publish, cancel."""

    serializer_class = meeting_serializers.ManagedMeetingSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self) -> QuerySet[Meeting]:
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        return selectors.manageable_meetings(self.user).prefetch_related(
            "participating_collectivities", "participating_organisations"
        )

    def get_object(self) -> Meeting:
        meeting = (
            Meeting.objects.select_related("collectivity", "plan", "network")
            .filter(slug=self.kwargs["slug"])
            .first()
        )
        if meeting is None:
            raise Http404
        perm = "meetings.change_meeting"
        if self.action in ("publish", "unpublish"):
            perm = "meetings.publish_meeting"
        elif self.action == "cancel":
            perm = "meetings.cancel_meeting"
        _visible_or_404(self.user, meeting, perm)
        return meeting

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        validated = dict(serializer.validated_data)
        network = current_network()
        if network is None:
            raise Http404
        try:
            meeting = services.meeting_create(
                actor=self.user,
                network=network,
                collectivity=_collectivity(validated.get("organiser")),
                data=_meeting_data(validated),
                slug=validated.get("slug", ""),
                **_participants(validated),
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        serializer.instance = meeting

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        validated = dict(serializer.validated_data)
        meeting = serializer.instance
        try:
            serializer.instance = services.meeting_update(
                actor=self.user,
                meeting=cast(Meeting, meeting),
                data=_meeting_data(validated),
                **_participants(validated),
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error

    def _act(self, function: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        try:
            meeting = function(actor=self.user, meeting=meeting, **kwargs)
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(self.get_serializer(meeting).data)

    @extend_schema(summary=_("Publish a meeting"), request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Publish the meeting."""
        return self._act(services.meeting_publish)

    @extend_schema(summary=_("Withdraw a meeting from the public"), request=None)
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Unpublish the meeting."""
        return self._act(services.meeting_unpublish)

    @extend_schema(
        summary=_("Cancel a meeting (everyone registered is e-mailed)"), request=CANCEL_REQUEST
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Cancel the meeting with a reason."""
        reason = request.data.get("reason", "") if hasattr(request.data, "get") else ""
        return self._act(services.meeting_cancel, reason=str(reason or ""))


MEETING_PARAMETER = OpenApiParameter(
    "meeting", str, required=True, description=_("The meeting's slug.")
)


def _meeting_from_query(request: Request, perm: str) -> Meeting:
    """The meeting of ``?meeting=<slug>`` if the user has ``perm`` on it (404/403 else)."""
    slug = request.query_params.get("meeting", "")
    if not slug:
        raise serializers.ValidationError({"meeting": [_("Give the meeting's slug.")]})
    meeting = Meeting.objects.select_related("plan").filter(slug=slug[:120]).first()
    if meeting is None:
        raise Http404
    _visible_or_404(request.user, meeting, perm)
    return meeting


class ManagedChildViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    SignedInViewSet,
):
    """Base of the organisers' endpoints for rows of one meeting."""

    view_perm = ""

    def _pk(self) -> int | None:
        raw = str(self.kwargs.get("pk", ""))
        return int(raw) if raw.isdecimal() and len(raw) < 19 else None


@extend_schema_view(
    list=extend_schema(
        summary=_("Agenda items of a meeting I organise"), parameters=[MEETING_PARAMETER]
    ),
    retrieve=extend_schema(summary=_("An agenda item")),
    create=extend_schema(summary=_("Add an agenda item")),
    update=extend_schema(summary=_("Change an agenda item")),
    partial_update=extend_schema(summary=_("Change some fields of an agenda item")),
    destroy=extend_schema(summary=_("Delete an agenda item")),
)
class ManagedAgendaItemViewSet(ManagedChildViewSet):
    """Agenda items (with their groups, read-only here) of meetings the user organises."""

    serializer_class = meeting_serializers.ManagedAgendaItemSerializer
    view_perm = "meetings.change_agendaitem"

    def get_queryset(self) -> QuerySet[AgendaItem]:
        queryset = AgendaItem.objects.select_related("meeting").prefetch_related("groups")
        if self.action == "list" and not getattr(self, "swagger_fake_view", False):
            meeting = _meeting_from_query(self.request, self.view_perm)
            queryset = queryset.filter(meeting=meeting)
        return queryset.order_by("day", "start_time", "order", "pk")

    def get_object(self) -> AgendaItem:
        pk = self._pk()
        item = self.get_queryset().filter(pk=pk).first() if pk is not None else None
        if item is None:
            raise Http404
        perm = "meetings.delete_agendaitem" if self.action == "destroy" else self.view_perm
        _visible_or_404(self.user, item.meeting, perm, item)
        return item

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        validated = dict(serializer.validated_data)
        meeting = validated.pop("meeting")
        _visible_or_404(self.user, meeting, "meetings.add_agendaitem")
        try:
            serializer.instance = services.agenda_item_create(
                actor=self.user, meeting=meeting, data=validated
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        validated = dict(serializer.validated_data)
        item = cast(AgendaItem, serializer.instance)
        moved_to = validated.pop("meeting", item.meeting)
        if moved_to.pk != item.meeting_id:
            raise serializers.ValidationError(
                {"meeting": [_("An item cannot move to another meeting.")]}
            )
        try:
            services.agenda_item_update(actor=self.user, item=item, data=validated)
        except DjangoValidationError as error:
            raise _drf_error(error) from error

    def perform_destroy(self, instance: AgendaItem) -> None:
        services.agenda_item_delete(actor=self.user, item=instance)


@extend_schema_view(
    list=extend_schema(
        summary=_("Attendance records of a meeting I organise (personal data)"),
        parameters=[MEETING_PARAMETER],
    ),
    retrieve=extend_schema(summary=_("An attendance record")),
    create=extend_schema(summary=_("Record a participant (registered or walk-in)")),
    update=extend_schema(summary=_("Correct an attendance record")),
    partial_update=extend_schema(summary=_("Correct some fields of an attendance record")),
    destroy=extend_schema(summary=_("Delete an attendance record")),
)
class ManagedAttendanceViewSet(ManagedChildViewSet):
    """Attendance of meetings the user organises."""

    serializer_class = meeting_serializers.ManagedAttendanceSerializer
    view_perm = "meetings.view_attendance"

    def get_queryset(self) -> QuerySet[Attendance]:
        queryset = Attendance.objects.select_related("meeting", "registration", "organisation")
        if self.action == "list" and not getattr(self, "swagger_fake_view", False):
            meeting = _meeting_from_query(self.request, self.view_perm)
            queryset = queryset.filter(meeting=meeting)
        return queryset.order_by("pk")

    def get_object(self) -> Attendance:
        pk = self._pk()
        record = self.get_queryset().filter(pk=pk).first() if pk is not None else None
        if record is None:
            raise Http404
        perm = {
            "destroy": "meetings.delete_attendance",
            "update": "meetings.change_attendance",
            "partial_update": "meetings.change_attendance",
        }.get(self.action or "", self.view_perm)
        _visible_or_404(self.user, record.meeting, perm, record)
        return record

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        validated = dict(serializer.validated_data)
        meeting = validated.pop("meeting")
        registration = validated.pop("registration", None)
        _visible_or_404(self.user, meeting, "meetings.add_attendance")
        data = {name: validated[name] for name in services.ATTENDANCE_FIELDS if name in validated}
        try:
            serializer.instance = services.attendance_record(
                actor=self.user, meeting=meeting, data=data, registration=registration
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        validated = dict(serializer.validated_data)
        record = cast(Attendance, serializer.instance)
        if validated.pop("meeting", record.meeting).pk != record.meeting_id:
            raise serializers.ValidationError(
                {"meeting": [_("A record cannot move to another meeting.")]}
            )
        if "registration" in validated and validated.pop("registration") != record.registration:
            raise serializers.ValidationError(
                {"registration": [_("Delete the record and record the person again instead.")]}
            )
        data = {name: validated[name] for name in services.ATTENDANCE_FIELDS if name in validated}
        try:
            services.attendance_update(actor=self.user, attendance=record, data=data)
        except DjangoValidationError as error:
            raise _drf_error(error) from error

    def perform_destroy(self, instance: Attendance) -> None:
        services.attendance_delete(actor=self.user, attendance=instance)


def register(router: SimpleRouter) -> None:
    """Register this app's viewsets on the API router (see :mod:`infitah.api.urls`)."""
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register(
        "meeting-registrations", MeetingRegistrationViewSet, basename="meeting-registration"
    )
    router.register("manage/meetings", ManagedMeetingViewSet, basename="managed-meeting")
    router.register("manage/agenda-items", ManagedAgendaItemViewSet, basename="managed-agenda-item")
    router.register("manage/attendance", ManagedAttendanceViewSet, basename="managed-attendance")
