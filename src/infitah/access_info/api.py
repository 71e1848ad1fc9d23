"""REST API of access to information, registered on ``/api/v1/`` by :mod:`infitah.api.urls`.

Authenticated endpoints (session authentication, CSRF on writes):

- ``information-requests/`` — the signed-in requester's own requests: list, file one
  (POST), ``{reference}/`` detail with timeline and complaints, and the actions
  ``{reference}/withdraw/``, ``{reference}/clarify/``, ``{reference}/complaint/``.
  Another person's request answers 404.
- ``officer-requests/`` — the requests of the collectivities the user handles
  (information officers and administrators; coordinators and everyone else: 403):
  list (filters ``collectivity`` code, ``status``, ``flag``, ``q``), register a paper
  request (POST), ``{reference}/`` detail with the requester's identity, and one
  action per workflow step (``start``, ``clarification``, ``clarified``, ``extend``,
  ``answer``, ``refuse``, ``transfer``, ``withdraw``, ``publish``, ``complaint``,
  ``decide-complaint``). A request of another collectivity answers 404.

The public register and statistics are in :mod:`.api_public` (anonymous). Errors use
the project's body (``{"error": {"status", "code", "detail", "fields"?}}``); the
services' ``ValidationError`` become 400 with ``fields``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from infitah.access_info import api_public, deadlines, services
from infitah.access_info import selectors_requests as selectors
from infitah.access_info.models import Complaint, InformationRequest, RequestEvent
from infitah.access_info.rules import handled_collectivity_ids
from infitah.accounts.models import User
from infitah.api.views import ERROR_RESPONSE
from infitah.territories.models import Collectivity

__all__ = ["InformationRequestViewSet", "OfficerRequestViewSet", "register"]

T = TypeVar("T")
Status = InformationRequest.Status

REFERENCE_REGEX = r"[^/]+"


def _service(call: Callable[[], T]) -> T:
    """Run a service; its ``ValidationError`` becomes the API's 400 with ``fields``."""
    try:
        return call()
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(error.message_dict) from error
        raise ValidationError({"non_field_errors": error.messages}) from error


# ================================================================ serializers
class CollectivityRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Official code."))
    name = serializers.CharField(help_text=_("Name in the active language."))


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestEvent
        fields = ["kind", "from_status", "to_status", "at", "note"]


class ComplaintSerializer(serializers.ModelSerializer):
    class Meta:
        model = Complaint
        fields = [
            "id",
            "stage",
            "ground",
            "filed_at",
            "text",
            "response_due_on",
            "outcome",
            "decided_on",
            "outcome_text",
        ]


class ComplaintOptionSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Complaint.Stage.choices)
    ground = serializers.ChoiceField(choices=Complaint.Ground.choices)
    deadline = serializers.DateField(allow_null=True)


class RequestDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    is_public = serializers.BooleanField()


class RequestSummarySerializer(serializers.ModelSerializer):
    """A request in a list: no identity, with its deadline figures."""

    collectivity = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField(
        help_text=_("Working days to the due date (open, on-time requests); null otherwise.")
    )
    lateness = serializers.SerializerMethodField(
        help_text=_("on_time, late or very_late (open requests against today).")
    )

    class Meta:
        model = InformationRequest
        fields = [
            "reference",
            "subject",
            "collectivity",
            "channel",
            "status",
            "is_urgent",
            "received_at",
            "due_on",
            "extended_at",
            "closed_at",
            "days_left",
            "lateness",
        ]

    def _row(self, obj: InformationRequest) -> selectors.QueueRow:
        rows: dict[int, selectors.QueueRow] = self.context.setdefault("_rows", {})
        row = rows.get(obj.pk)
        if row is None:
            calendar = self.context.setdefault("_calendar", deadlines.WorkingCalendar())
            today = deadlines.local_date(timezone.now())
            row = rows[obj.pk] = selectors.queue_rows([obj], today=today, calendar=calendar)[0]
        return row

    @extend_schema_field(CollectivityRefSerializer)
    def get_collectivity(self, obj: InformationRequest) -> dict[str, str]:
        return {"code": obj.collectivity.code, "name": str(obj.collectivity)}

    def get_days_left(self, obj: InformationRequest) -> int | None:
        return self._row(obj).days_left

    def get_lateness(self, obj: InformationRequest) -> str:
        return self._row(obj).lateness


class RequestDetailSerializer(RequestSummarySerializer):
    """One request with its identity (for its requester and its handlers), log and complaints."""

    events = EventSerializer(many=True, read_only=True)
    complaints = ComplaintSerializer(many=True, read_only=True)
    documents = RequestDocumentSerializer(many=True, read_only=True)
    next_complaint = serializers.SerializerMethodField(
        help_text=_("The complaint the request allows now (stage, ground, last day), or null.")
    )

    class Meta(RequestSummarySerializer.Meta):
        fields = [
            *RequestSummarySerializer.Meta.fields,
            "requester_name",
            "id_document_kind",
            "id_document_number",
            "postal_address",
            "email",
            "phone",
            "identity_removed_at",
            "language",
            "information_requested",
            "preferred_form",
            "urgency_reason",
            "extension_reason",
            "clarification_asked_at",
            "working_days_taken",
            "answered_on_time",
            "refusal_ground",
            "refusal_text",
            "transferred_to",
            "released_text",
            "released_published_at",
            "fee_amount",
            "fee_reason",
            "events",
            "complaints",
            "documents",
            "next_complaint",
        ]

    @extend_schema_field(ComplaintOptionSerializer(allow_null=True))
    def get_next_complaint(self, obj: InformationRequest) -> dict[str, Any] | None:
        option = services.complaint_next_stage(obj, complaints=list(obj.complaints.all()))
        if option is None:
            return None
        return {"stage": option.stage, "ground": option.ground, "deadline": option.deadline}


class RequestCreateSerializer(serializers.Serializer):
    collectivity = serializers.CharField(help_text=_("Official code of a member collectivity."))
    subject = serializers.CharField(max_length=250)
    information_requested = serializers.CharField(max_length=10000)
    preferred_form = serializers.ChoiceField(choices=InformationRequest.PreferredForm.choices)
    is_urgent = serializers.BooleanField(default=False)
    urgency_reason = serializers.CharField(required=False, allow_blank=True, default="")
    requester_name = serializers.CharField(max_length=200)
    id_document_kind = serializers.ChoiceField(choices=InformationRequest.IdDocument.choices)
    id_document_number = serializers.CharField(max_length=40)
    postal_address = serializers.CharField(max_length=1000)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class RegisterSerializer(RequestCreateSerializer):
    collectivity = serializers.CharField(help_text=_("Official code of a collectivity you handle."))
    channel = serializers.ChoiceField(
        choices=InformationRequest.Channel.choices,
        help_text=_("paper, post or email (online requests are filed by the requester)."),
    )
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")


class TextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class QuestionSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=5000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ComplaintFileSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Complaint.Stage.choices)
    text = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ComplaintRecordSerializer(ComplaintFileSerializer):
    ground = serializers.ChoiceField(
        choices=Complaint.Ground.choices, required=False, allow_null=True, default=None
    )
    filed_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ComplaintDecideSerializer(serializers.Serializer):
    complaint = serializers.IntegerField(help_text=_("The complaint's id."))
    outcome = serializers.ChoiceField(
        choices=Complaint.Outcome.choices, help_text=_("Any outcome but pending.")
    )
    outcome_text = serializers.CharField(max_length=5000)
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)


class AnswerSerializer(serializers.Serializer):
    is_partial = serializers.BooleanField(
        default=False, help_text=_("Part of the information is withheld (ground and reasons).")
    )
    released_text = serializers.CharField(max_length=50000, allow_blank=True)
    fee_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0"), min_value=Decimal("0")
    )
    fee_reason = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    refusal_ground = serializers.ChoiceField(
        choices=InformationRequest.RefusalGround.choices,
        required=False,
        allow_blank=True,
        default="",
    )
    refusal_text = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )


class RefuseSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=InformationRequest.RefusalGround.choices)
    text = serializers.CharField(max_length=5000)


class TransferSerializer(serializers.Serializer):
    to_body = serializers.CharField(max_length=250)


class PublishSerializer(serializers.Serializer):
    released_text = serializers.CharField(max_length=50000)
    subject = serializers.CharField(max_length=250, required=False, allow_null=True, default=None)
    public_documents = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )


class EmptySerializer(serializers.Serializer):
    """No body."""


# ================================================================ helpers
def _with_details(queryset: QuerySet[InformationRequest]) -> QuerySet[InformationRequest]:
    return queryset.select_related("collectivity").prefetch_related(
        "events", "complaints", "documents"
    )


def _errors(*codes: int) -> dict[int, Any]:
    return dict.fromkeys(codes, ERROR_RESPONSE)


REFERENCE_PARAMETER = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description=_("The request's reference.")
)


class _Base(viewsets.GenericViewSet):
    permission_classes: tuple[type[permissions.BasePermission], ...] = (
        permissions.IsAuthenticated,
    )
    lookup_field = "reference"
    lookup_value_regex = REFERENCE_REGEX
    filter_backends = ()

    def get_object(self) -> InformationRequest:
        reference = str(self.kwargs.get("reference", ""))
        if not selectors.valid_reference(reference):
            raise NotFound(_("No such request."))
        obj = _with_details(self.get_queryset()).filter(reference=reference).first()
        if obj is None:
            raise NotFound(_("No such request."))
        self.check_object_permissions(self.request, obj)
        return obj

    def _detail(self, obj: InformationRequest, code: int = status.HTTP_200_OK) -> Response:
        fresh = _with_details(InformationRequest.objects.filter(pk=obj.pk)).get()
        return Response(
            RequestDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )


# ================================================================ requesters
_REQUESTER_ERRORS = _errors(400, 403, 404)


@extend_schema_view(
    list=extend_schema(
        summary=_("My information requests"),
        responses={200: RequestSummarySerializer(many=True), 403: ERROR_RESPONSE},
    ),
    retrieve=extend_schema(
        summary=_("One of my requests"),
        parameters=[REFERENCE_PARAMETER],
        responses={200: RequestDetailSerializer, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE},
    ),
    create=extend_schema(
        summary=_("File a request"),
        request=RequestCreateSerializer,
        responses={201: RequestDetailSerializer, **_errors(400, 403)},
    ),
)
class InformationRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, _Base
):
    """The signed-in requester's own information requests."""

    serializer_class = RequestSummarySerializer

    def get_queryset(self) -> QuerySet[InformationRequest]:
        return selectors.my_requests(self.request.user)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "create":
            return RequestCreateSerializer
        if self.action == "retrieve":
            return RequestDetailSerializer
        return RequestSummarySerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = RequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        collectivity = Collectivity.objects.filter(code=data.pop("collectivity")).first()
        if collectivity is None:
            raise ValidationError({"collectivity": [_("No collectivity has this code.")]})
        info = _service(
            lambda: services.request_file(
                requester=cast(User, request.user), collectivity=collectivity, **data
            )
        )
        return self._detail(info, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Withdraw my request"),
        parameters=[REFERENCE_PARAMETER],
        request=None,
        responses={200: RequestDetailSerializer, **_REQUESTER_ERRORS},
    )
    @action(detail=True, methods=["post"], serializer_class=EmptySerializer)
    def withdraw(self, request: Request, **kwargs: Any) -> Response:
        info = self.get_object()
        _service(lambda: services.request_withdraw(actor=request.user, request=info))
        return self._detail(info)

    @extend_schema(
        summary=_("Send the clarification asked for"),
        parameters=[REFERENCE_PARAMETER],
        request=TextSerializer,
        responses={200: RequestDetailSerializer, **_REQUESTER_ERRORS},
    )
    @action(detail=True, methods=["post"], serializer_class=TextSerializer)
    def clarify(self, request: Request, **kwargs: Any) -> Response:
        info = self.get_object()
        body = TextSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _service(
            lambda: services.request_clarify(
                actor=request.user, request=info, text=body.validated_data["text"]
            )
        )
        return self._detail(info)

    @extend_schema(
        summary=_("Complain about my request"),
        description=_(
            "To the head of the collectivity after a refusal, a partial answer or no answer "
            "in time; then to the CDAI; then an appeal to the administrative court."
        ),
        parameters=[REFERENCE_PARAMETER],
        request=ComplaintFileSerializer,
        responses={201: ComplaintSerializer, **_REQUESTER_ERRORS},
    )
    @action(detail=True, methods=["post"], serializer_class=ComplaintFileSerializer)
    def complaint(self, request: Request, **kwargs: Any) -> Response:
        info = self.get_object()
        body = ComplaintFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        filed = _service(
            lambda: services.complaint_file(
                actor=request.user,
                request=info,
                stage=body.validated_data["stage"],
                text=body.validated_data["text"],
            )
        )
        return Response(ComplaintSerializer(filed).data, status=status.HTTP_201_CREATED)


# ================================================================ officers
class IsHandler(permissions.BasePermission):
    """Holds an information officer or administrator role in some collectivity."""

    message = _("Only the information officers of a collectivity may use this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and bool(
            handled_collectivity_ids(request.user)
        )

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        return bool(request.user.has_perm("access_info.handle_request", obj))


_OFFICER_ERRORS = _errors(400, 403, 404)


def _officer_action(
    summary: Any, body: type[serializers.Serializer] | None, response: Any = None
) -> Callable[[T], T]:
    return extend_schema(  # type: ignore[return-value]
        summary=summary,
        parameters=[REFERENCE_PARAMETER],
        request=body,
        responses={200: response or RequestDetailSerializer, **_OFFICER_ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("Requests to handle"),
        parameters=[
            OpenApiParameter("collectivity", str, description=_("Official code.")),
            OpenApiParameter(
                "status", str, description=_("open (default), all, or a status value.")
            ),
            OpenApiParameter("flag", str, enum=list(selectors.QUEUE_FLAGS)),
            OpenApiParameter("q", str, description=_("Reference or words of the subject.")),
        ],
        responses={200: RequestSummarySerializer(many=True), **_errors(400, 403)},
    ),
    retrieve=extend_schema(
        summary=_("One request, with the requester's identity"),
        parameters=[REFERENCE_PARAMETER],
        responses={200: RequestDetailSerializer, **_errors(403, 404)},
    ),
    create=extend_schema(
        summary=_("Register a paper, post or e-mail request"),
        request=RegisterSerializer,
        responses={201: RequestDetailSerializer, **_errors(400, 403)},
    ),
)
class OfficerRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, _Base
):
    """Requests of the collectivities the user handles, and the workflow's steps."""

    permission_classes = (permissions.IsAuthenticated, IsHandler)
    serializer_class = RequestSummarySerializer

    def get_queryset(self) -> QuerySet[InformationRequest]:
        if self.action != "list":
            return InformationRequest.objects.filter(
                collectivity_id__in=handled_collectivity_ids(self.request.user)
            )
        params = self.request.query_params
        collectivity_id: int | None = None
        code = params.get("collectivity")
        if code:
            found = (
                Collectivity.objects.filter(
                    code=code, pk__in=handled_collectivity_ids(self.request.user)
                )
                .values_list("pk", flat=True)
                .first()
            )
            if found is None:
                raise ValidationError(
                    {"collectivity": [_("You handle no collectivity with this code.")]}
                )
            collectivity_id = found
        status_value = params.get("status") or "open"
        if status_value not in ("open", "all", *Status.values):
            raise ValidationError({"status": [_("Unknown status.")]})
        flag = params.get("flag") or ""
        if flag and flag not in selectors.QUEUE_FLAGS:
            raise ValidationError({"flag": [_("Unknown flag.")]})
        query = (params.get("q") or "").replace("\x00", "")[:100]
        return selectors.officer_queue(
            self.request.user,
            collectivity_id=collectivity_id,
            status=status_value,
            flag=flag,
            query=query,
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "create":
            return RegisterSerializer
        if self.action == "retrieve":
            return RequestDetailSerializer
        return RequestSummarySerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = RegisterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        collectivity = Collectivity.objects.filter(
            code=data.pop("collectivity"), pk__in=handled_collectivity_ids(request.user)
        ).first()
        if collectivity is None:
            raise ValidationError(
                {"collectivity": [_("You handle no collectivity with this code.")]}
            )
        info = _service(
            lambda: services.request_register(
                officer=request.user, collectivity=collectivity, **data
            )
        )
        return self._detail(info, status.HTTP_201_CREATED)

    def _step(self, serializer_class: type[serializers.Serializer] | None, run: Any) -> Response:
        info = self.get_object()
        data: dict[str, Any] = {}
        if serializer_class is not None:
            body = serializer_class(data=self.request.data)
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
        _service(lambda: run(self.request.user, info, data))
        return self._detail(info)

    @_officer_action(_("Start working on the request"), None)
    @action(detail=True, methods=["post"], serializer_class=EmptySerializer)
    def start(self, request: Request, **kwargs: Any) -> Response:
        return self._step(None, lambda u, i, d: services.request_start(actor=u, request=i))

    @_officer_action(_("Ask the requester for a clarification"), QuestionSerializer)
    @action(detail=True, methods=["post"], serializer_class=QuestionSerializer)
    def clarification(self, request: Request, **kwargs: Any) -> Response:
        return self._step(
            QuestionSerializer,
            lambda u, i, d: services.request_ask_clarification(actor=u, request=i, **d),
        )

    @_officer_action(_("Record the clarification received"), TextSerializer)
    @action(detail=True, methods=["post"], serializer_class=TextSerializer)
    def clarified(self, request: Request, **kwargs: Any) -> Response:
        return self._step(
            TextSerializer, lambda u, i, d: services.request_clarify(actor=u, request=i, **d)
        )

    @_officer_action(_("Extend the deadline once"), ReasonSerializer)
    @action(detail=True, methods=["post"], serializer_class=ReasonSerializer)
    def extend(self, request: Request, **kwargs: Any) -> Response:
        return self._step(
            ReasonSerializer, lambda u, i, d: services.request_extend(actor=u, request=i, **d)
        )

    @_officer_action(_("Answer, fully or partly"), AnswerSerializer)
    @action(detail=True, methods=["post"], serializer_class=AnswerSerializer)
    def answer(self, request: Request, **kwargs: Any) -> Response:
        def run(user: Any, info: InformationRequest, data: dict[str, Any]) -> Any:
            return services.request_answer(
                actor=user, request=info, partial=data.pop("is_partial"), **data
            )

        return self._step(AnswerSerializer, run)

    @_officer_action(_("Refuse, with a legal ground and reasons"), RefuseSerializer)
    @action(detail=True, methods=["post"], serializer_class=RefuseSerializer)
    def refuse(self, request: Request, **kwargs: Any) -> Response:
        return self._step(
            RefuseSerializer, lambda u, i, d: services.request_refuse(actor=u, request=i, **d)
        )

    @_officer_action(_("Transfer to the body that holds the information"), TransferSerializer)
    @action(detail=True, methods=["post"], serializer_class=TransferSerializer)
    def transfer(self, request: Request, **kwargs: Any) -> Response:
        return self._step(
            TransferSerializer, lambda u, i, d: services.request_transfer(actor=u, request=i, **d)
        )

    @_officer_action(_("Record the requester's withdrawal"), None)
    @action(detail=True, methods=["post"], serializer_class=EmptySerializer)
    def withdraw(self, request: Request, **kwargs: Any) -> Response:
        return self._step(None, lambda u, i, d: services.request_withdraw(actor=u, request=i))

    @_officer_action(_("Publish the redacted answer in the public register"), PublishSerializer)
    @action(detail=True, methods=["post"], serializer_class=PublishSerializer)
    def publish(self, request: Request, **kwargs: Any) -> Response:
        def run(user: Any, info: InformationRequest, data: dict[str, Any]) -> Any:
            return services.request_publish_answer(
                actor=user,
                request=info,
                released_text=data["released_text"],
                subject=data["subject"],
                public_document_ids=data["public_documents"],
            )

        return self._step(PublishSerializer, run)

    @_officer_action(_("Record a complaint"), ComplaintRecordSerializer, ComplaintSerializer)
    @action(detail=True, methods=["post"], serializer_class=ComplaintRecordSerializer)
    def complaint(self, request: Request, **kwargs: Any) -> Response:
        info = self.get_object()
        body = ComplaintRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        filed = _service(
            lambda: services.complaint_file(actor=request.user, request=info, **body.validated_data)
        )
        return Response(ComplaintSerializer(filed).data, status=status.HTTP_201_CREATED)

    @_officer_action(
        _("Record the decision on a complaint"), ComplaintDecideSerializer, ComplaintSerializer
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="decide-complaint",
        serializer_class=ComplaintDecideSerializer,
    )
    def decide_complaint(self, request: Request, **kwargs: Any) -> Response:
        info = self.get_object()
        body = ComplaintDecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        complaint = info.complaints.filter(pk=data.pop("complaint")).first()
        if complaint is None:
            raise ValidationError({"complaint": [_("This request has no such complaint.")]})
        decided = _service(
            lambda: services.complaint_decide(actor=request.user, complaint=complaint, **data)
        )
        return Response(ComplaintSerializer(decided).data)


def register(router: SimpleRouter) -> None:
    """Register requester and officer viewsets, then the public ones (``api_public``)."""
    router.register(
        "information-requests", InformationRequestViewSet, basename="information-request"
    )
    router.register("officer-requests", OfficerRequestViewSet, basename="officer-request")
    api_public.register(router)
