"""REST API of the plans app, registered on ``/api/v1/`` by :mod:`infitah.api.urls`.

Endpoints (route names in the ``api`` namespace):

- ``plans/`` (``plan-list``, ``plan-detail``): published action plans, filterable
  (``region``, ``kind``, ``state``, ``collectivity``, ``q``), paginated; a plan's
  detail has its phases, state changes and follow-up committee with its members.
  ``POST`` creates a plan, ``PATCH``/``PUT`` changes it; ``POST
  plans/<slug>/transition/`` moves it to another state; ``POST .../publish/`` and
  ``.../unpublish/``; ``GET``/``PUT``/``PATCH .../committee/`` reads, sets up or
  changes its committee.
- ``plan-phases/`` (``plan-phase-*``): phases, ``?plan=<slug>``; create, change, delete.
- ``committee-members/`` (``committee-member-*``): members, ``?plan=<slug>``; add,
  change, remove.

Reading is public and anonymous. Writing needs a signed-in session (with its CSRF
token) and the same permissions as the pages (:mod:`infitah.plans.rules`); the
services decide and their refusals come back as the API's error body (403, 400 with
``fields``). Unpublished plans (and their phases and members) exist only for users
with ``plans.view_actionplan`` on them: for everyone else they are 404s and absent
from the lists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from infitah.accounts.selectors import scope_to_collectivities
from infitah.api import filters as api_filters
from infitah.api.views import ERROR_RESPONSE, LANG_PARAMETER, PublicReadOnlyViewSet, write_responses
from infitah.core.text import search_tokens
from infitah.plans import commitment_serializers, commitments, selectors, serializers, services
from infitah.plans.models import (
    ActionPlan,
    Commitment,
    CommitteeMember,
    Milestone,
    Phase,
    PlanTransition,
)
from infitah.territories.models import Collectivity

T = TypeVar("T")

PLAN_PARAMETER = OpenApiParameter(
    name="plan", type=str, location=OpenApiParameter.QUERY, description=_("plan (slug)")
)


def _call(service: Callable[..., T], **kwargs: Any) -> T:
    """Run a service; its Django ``ValidationError`` becomes the API's 400 body."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(error.message_dict) from error
        raise ValidationError({"non_field_errors": error.messages}) from error


def _present(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: data[name] for name in names if name in data}


class PlanFilter(django_filters.FilterSet):
    """Filters of ``/api/v1/plans/``."""

    region = api_filters.code_filter(
        Collectivity.objects.regions(), field_name="collectivity__region", label=_("region (code)")
    )
    collectivity = api_filters.code_filter(
        Collectivity.objects.all(), field_name="collectivity", label=_("collectivity (code)")
    )
    kind = django_filters.ChoiceFilter(
        field_name="collectivity__kind", choices=Collectivity.Kind.choices, label=_("kind")
    )
    state = django_filters.ChoiceFilter(choices=ActionPlan.State.choices, label=_("state"))
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=api_filters.MAX_QUERY_LENGTH,
        label=_("search in titles and collectivity names"),
    )

    class Meta:
        model = ActionPlan
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """Plans whose title or collectivity's names hold every word (folded)."""
        if not search_tokens(value):
            return queryset
        return queryset.filter(pk__in=ActionPlan.objects.search(value).values("pk"))


class PlanFilteredMixin:
    """``?plan=<slug>`` on the phases and members lists (a plan the user may read)."""

    plan_lookup: str

    def filter_by_plan(self, request: Request, queryset: QuerySet[Any]) -> QuerySet[Any]:
        slug = request.query_params.get("plan")
        if slug is None:
            return queryset
        if not slug or len(slug) > 80 or not slug.isprintable():
            raise ValidationError({"plan": [_("Unknown plan: %(value)s.") % {"value": slug}]})
        if not selectors.visible_plans(request.user).filter(slug=slug).exists():
            raise ValidationError({"plan": [_("Unknown plan: %(value)s.") % {"value": slug}]})
        return queryset.filter(**{self.plan_lookup: slug})


class StaffWritableViewSet(PublicReadOnlyViewSet):
    """Public reads (anonymous, cacheable) and staff writes through a signed-in session.

    Reads are marked public as in the rest of the API (the page cache only ever
    stores answers to anonymous visitors). Writes need a signed-in user (else 403
    ``not_authenticated``) and the permission the service checks.
    """

    authentication_classes = (SessionAuthentication,)  # type: ignore[assignment]
    permission_classes = (IsAuthenticatedOrReadOnly,)  # type: ignore[assignment]

    def _plan_for_write(self, slug: Any) -> ActionPlan:
        """A plan the user may read, by slug (404 otherwise, as for reads)."""
        if not isinstance(slug, str) or not slug:
            raise ValidationError({"plan": [_("This field is required.")]})
        plan = (
            selectors.visible_plans(self.request.user)
            .select_related("collectivity")
            .filter(slug=slug)
            .first()
        )
        if plan is None:
            raise ValidationError({"plan": [_("Unknown plan: %(value)s.") % {"value": slug}]})
        return plan


@extend_schema_view(
    list=extend_schema(
        summary=_("Action plans"),
        description=_(
            "Published openness action plans, newest period first: collectivity, "
            "period, state and publication. Paginated."
        ),
        parameters=[LANG_PARAMETER],
        responses={200: serializers.PlanSerializer(many=True), 400: ERROR_RESPONSE},
    ),
    retrieve=extend_schema(
        summary=_("One action plan, by slug"),
        description=_(
            "The plan with its phases (and their status today), its state changes (who, "
            "when, why) and its follow-up committee (members, composition, last meeting, "
            "whether a meeting is overdue)."
        ),
        parameters=[LANG_PARAMETER],
        responses={200: serializers.PlanDetailSerializer, 404: ERROR_RESPONSE},
    ),
    create=extend_schema(
        summary=_("Create an action plan (staff)"),
        request=serializers.PlanWriteSerializer,
        responses={
            201: serializers.PlanDetailSerializer,
            400: ERROR_RESPONSE,
            403: ERROR_RESPONSE,
        },
    ),
    update=extend_schema(
        summary=_("Change an action plan (staff)"),
        request=serializers.PlanWriteSerializer,
        responses=write_responses(serializers.PlanDetailSerializer),
    ),
    partial_update=extend_schema(
        summary=_("Change some fields of an action plan (staff)"),
        request=serializers.PlanWriteSerializer,
        responses=write_responses(serializers.PlanDetailSerializer),
    ),
)
class PlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    StaffWritableViewSet,
):
    """Action plans: public reads, staff writes."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_class = PlanFilter

    def get_queryset(self) -> QuerySet[ActionPlan]:
        queryset = selectors.visible_plans(self.request.user).select_related(
            "collectivity", "collectivity__region"
        )
        if self.action == "list":
            return queryset.order_by("-start_month", "collectivity__code", "pk")
        return queryset.select_related("committee").prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "order", "pk")),
            Prefetch(
                "transitions",
                queryset=PlanTransition.objects.select_related("actor").order_by("at", "pk"),
            ),
            Prefetch(
                "committee__members",
                queryset=CommitteeMember.objects.select_related("organisation").order_by(
                    "side", "person_name", "pk"
                ),
            ),
        )

    def get_serializer_class(self) -> type[Any]:
        if self.action == "list":
            return serializers.PlanSerializer
        return serializers.PlanDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": selectors.today()}

    def _detail(self, slug: str, status_code: int = status.HTTP_200_OK) -> Response:
        plan = self.get_queryset().get(slug=slug)
        return Response(
            serializers.PlanDetailSerializer(plan, context=self.get_serializer_context()).data,
            status=status_code,
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._validated(serializers.PlanWriteSerializer, request.data)
        code = data.get("collectivity")
        collectivity = Collectivity.objects.filter(code=code).first() if code else None
        if collectivity is None:
            raise ValidationError({"collectivity": [_("Give the code of a collectivity.")]})
        plan = _call(
            services.plan_create,
            actor=request.user,
            collectivity=collectivity,
            slug=data.get("slug") or "",
            data=_present(data, services.PLAN_FIELDS),
        )
        return self._detail(plan.slug, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.get_object()
        data = self._validated(
            serializers.PlanWriteSerializer, request.data, partial=kwargs.get("partial", False)
        )
        _call(
            services.plan_update,
            plan=plan,
            actor=request.user,
            data=_present(data, services.PLAN_FIELDS),
        )
        return self._detail(plan.slug)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @staticmethod
    def _validated(serializer_class: type[Any], data: Any, *, partial: bool = False) -> Any:
        serializer = serializer_class(data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary=_("Move the plan to another state (staff)"),
        description=_(
            "preparation → co_creation → consultation → adopted → implementation → "
            "closed, one step at a time, or one step back with a reason. Each move "
            "needs its own permission and preconditions and is recorded on the "
            "public timeline. Moving to adopted needs adopted_on and the council "
            "session in reason."
        ),
        request=serializers.TransitionInputSerializer,
        responses=write_responses(serializers.PlanDetailSerializer),
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, slug: str, **kwargs: Any) -> Response:
        plan = self.get_object()
        data = self._validated(serializers.TransitionInputSerializer, request.data)
        _call(
            services.plan_transition,
            plan=plan,
            to_state=data["to_state"],
            actor=request.user,
            reason=data.get("reason") or "",
            adopted_on=data.get("adopted_on"),
        )
        return self._detail(plan.slug)

    @extend_schema(
        summary=_("Publish the plan (staff)"),
        request=None,
        responses={200: serializers.PlanDetailSerializer, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, slug: str, **kwargs: Any) -> Response:
        plan = self.get_object()
        _call(services.plan_publish, plan=plan, actor=request.user)
        return self._detail(plan.slug)

    @extend_schema(
        summary=_("Unpublish the plan, while in preparation (staff)"),
        request=None,
        responses=write_responses(serializers.PlanDetailSerializer),
    )
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, slug: str, **kwargs: Any) -> Response:
        plan = self.get_object()
        _call(services.plan_unpublish, plan=plan, actor=request.user)
        return self._detail(plan.slug)

    @extend_schema(
        methods=["GET"],
        summary=_("The plan's follow-up committee"),
        parameters=[LANG_PARAMETER],
        responses={200: serializers.CommitteeSerializer, 404: ERROR_RESPONSE},
    )
    @extend_schema(
        methods=["PUT", "PATCH"],
        summary=_("Set up or change the plan's follow-up committee (staff)"),
        request=serializers.CommitteeWriteSerializer,
        responses={
            200: serializers.CommitteeSerializer,
            201: serializers.CommitteeSerializer,
            400: ERROR_RESPONSE,
            403: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    )
    @action(detail=True, methods=["get", "put", "patch"])
    def committee(self, request: Request, slug: str, **kwargs: Any) -> Response:
        plan = self.get_object()
        committee = selectors.plan_committee(plan)
        code: int = status.HTTP_200_OK
        if request.method != "GET":
            data = self._validated(
                serializers.CommitteeWriteSerializer,
                request.data,
                partial=request.method == "PATCH",
            )
            values = _present(data, services.COMMITTEE_FIELDS)
            if committee is None:
                _call(services.committee_create, plan=plan, actor=request.user, data=values)
                code = status.HTTP_201_CREATED
            else:
                committee.plan = plan
                _call(
                    services.committee_update, committee=committee, actor=request.user, data=values
                )
            plan = self.get_queryset().get(pk=plan.pk)
            committee = selectors.plan_committee(plan)
        if committee is None:
            raise NotFound(_("This plan has no follow-up committee yet."))
        committee.plan = plan
        return Response(
            serializers.CommitteeSerializer(committee, context=self.get_serializer_context()).data,
            status=code,
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Phases of action plans"),
        parameters=[LANG_PARAMETER, PLAN_PARAMETER],
        responses={200: serializers.PhaseSerializer(many=True), 400: ERROR_RESPONSE},
    ),
    retrieve=extend_schema(
        summary=_("One phase"),
        parameters=[LANG_PARAMETER],
        responses={200: serializers.PhaseSerializer, 404: ERROR_RESPONSE},
    ),
    create=extend_schema(
        summary=_("Add a phase to a plan (staff)"),
        request=serializers.PhaseWriteSerializer,
        responses={201: serializers.PhaseSerializer, 400: ERROR_RESPONSE, 403: ERROR_RESPONSE},
    ),
    update=extend_schema(
        summary=_("Change a phase (staff)"),
        request=serializers.PhaseWriteSerializer,
        responses=write_responses(serializers.PhaseSerializer),
    ),
    partial_update=extend_schema(
        summary=_("Change some fields of a phase (staff)"),
        request=serializers.PhaseWriteSerializer,
        responses=write_responses(serializers.PhaseSerializer),
    ),
    destroy=extend_schema(
        summary=_("Delete a phase (staff)"),
        responses={204: None, 400: ERROR_RESPONSE, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE},
    ),
)
class PhaseViewSet(
    PlanFilteredMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    StaffWritableViewSet,
):
    """Phases of the plans the user may read; staff add, change and delete them."""

    serializer_class = serializers.PhaseSerializer
    filter_backends = ()
    plan_lookup = "plan__slug"

    def get_queryset(self) -> QuerySet[Phase]:
        queryset: QuerySet[Phase] = Phase.objects.filter(
            plan__in=selectors.visible_plans(self.request.user)
        ).select_related("plan")
        if self.action == "list":
            queryset = self.filter_by_plan(self.request, queryset)
        return queryset.order_by("plan_id", "starts_on", "order", "pk")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": selectors.today()}

    def _respond(self, phase: Phase, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            serializers.PhaseSerializer(phase, context=self.get_serializer_context()).data,
            status=code,
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = serializers.PhaseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = self._plan_for_write(data.get("plan"))
        phase = _call(
            services.phase_create,
            plan=plan,
            actor=request.user,
            data=_present(data, services.PHASE_FIELDS),
        )
        return self._respond(phase, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        phase = self.get_object()
        serializer = serializers.PhaseWriteSerializer(
            data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        _call(
            services.phase_update,
            phase=phase,
            actor=request.user,
            data=_present(serializer.validated_data, services.PHASE_FIELDS),
        )
        return self._respond(phase)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        phase = self.get_object()
        _call(services.phase_delete, phase=phase, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary=_("Members of follow-up committees"),
        parameters=[PLAN_PARAMETER],
        responses={200: serializers.CommitteeMemberSerializer(many=True), 400: ERROR_RESPONSE},
    ),
    retrieve=extend_schema(
        summary=_("One committee member"),
        responses={200: serializers.CommitteeMemberSerializer, 404: ERROR_RESPONSE},
    ),
    create=extend_schema(
        summary=_("Add a member to a plan's committee (staff)"),
        request=serializers.MemberWriteSerializer,
        responses={
            201: serializers.CommitteeMemberSerializer,
            400: ERROR_RESPONSE,
            403: ERROR_RESPONSE,
        },
    ),
    update=extend_schema(
        summary=_("Change a committee member (staff)"),
        request=serializers.MemberWriteSerializer,
        responses=write_responses(serializers.CommitteeMemberSerializer),
    ),
    partial_update=extend_schema(
        summary=_("Change some fields of a committee member (staff)"),
        request=serializers.MemberWriteSerializer,
        responses=write_responses(serializers.CommitteeMemberSerializer),
    ),
    destroy=extend_schema(
        summary=_("Remove a committee member (staff)"),
        responses={204: None, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE},
    ),
)
class CommitteeMemberViewSet(
    PlanFilteredMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    StaffWritableViewSet,
):
    """Members of the committees of plans the user may read; staff manage them."""

    serializer_class = serializers.CommitteeMemberSerializer
    filter_backends = ()
    plan_lookup = "committee__plan__slug"

    def get_queryset(self) -> QuerySet[CommitteeMember]:
        queryset: QuerySet[CommitteeMember] = CommitteeMember.objects.filter(
            committee__plan__in=selectors.visible_plans(self.request.user)
        ).select_related("committee__plan", "organisation")
        if self.action == "list":
            queryset = self.filter_by_plan(self.request, queryset)
        return queryset.order_by("committee_id", "side", "person_name", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = serializers.MemberWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = self._plan_for_write(data.get("plan"))
        if not request.user.has_perm("plans.add_committeemember", plan):
            raise PermissionDenied(_("You are not allowed to do this."))
        committee = selectors.plan_committee(plan)
        if committee is None:
            raise ValidationError({"plan": [_("This plan has no follow-up committee yet.")]})
        committee.plan = plan
        member = _call(
            services.committee_member_add,
            committee=committee,
            actor=request.user,
            data=_present(data, services.MEMBER_FIELDS),
        )
        return Response(
            serializers.CommitteeMemberSerializer(member).data, status=status.HTTP_201_CREATED
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        serializer = serializers.MemberWriteSerializer(
            data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        _call(
            services.committee_member_update,
            member=member,
            actor=request.user,
            data=_present(serializer.validated_data, services.MEMBER_FIELDS),
        )
        return Response(serializers.CommitteeMemberSerializer(member).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        _call(services.committee_member_remove, member=member, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Commitments ----------------------------------------------------------------------


def visible_commitments(user: Any) -> QuerySet[Commitment]:
    """Commitments ``user`` may read: published ones of published plans, and every one
    of the plans of collectivities where they hold ``plans.view_commitment``."""
    public = Commitment.objects.published()
    if user is None or not user.is_authenticated:
        return public
    own = scope_to_collectivities(
        Commitment.objects.all(),
        user=user,
        perm="plans.view_commitment",
        field="plan__collectivity",
    )
    return Commitment.objects.filter(Q(pk__in=public.values("pk")) | Q(pk__in=own.values("pk")))


@extend_schema_view(
    list=extend_schema(
        summary=_("Commitments of action plans"),
        description=_(
            "Published commitments with their milestones and derived progress "
            "(percent of the weight of completed milestones over those not cancelled). "
            "Filter with ?plan=<slug>. Paginated."
        ),
        parameters=[PLAN_PARAMETER, LANG_PARAMETER],
        responses={
            200: commitment_serializers.CommitmentSerializer(many=True),
            400: ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary=_("One commitment, by reference"),
        parameters=[LANG_PARAMETER],
        responses={200: commitment_serializers.CommitmentSerializer, 404: ERROR_RESPONSE},
    ),
    create=extend_schema(
        summary=_("Draft a commitment (staff)"),
        request=commitment_serializers.CommitmentWriteSerializer,
        responses={
            201: commitment_serializers.CommitmentSerializer,
            400: ERROR_RESPONSE,
            403: ERROR_RESPONSE,
        },
    ),
    partial_update=extend_schema(
        summary=_("Change a draft commitment (staff)"),
        request=commitment_serializers.CommitmentWriteSerializer,
        responses=write_responses(commitment_serializers.CommitmentSerializer),
    ),
)
class CommitmentViewSet(
    PlanFilteredMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    StaffWritableViewSet,
):
    """Commitments with milestones and progress; staff draft, publish and update them."""

    serializer_class = commitment_serializers.CommitmentSerializer
    filter_backends = ()
    plan_lookup = "plan__slug"
    lookup_field = "reference"
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Commitment]:
        queryset: QuerySet[Commitment] = (
            visible_commitments(self.request.user)
            .filter(plan__in=selectors.visible_plans(self.request.user))
            .select_related("plan__collectivity")
            .prefetch_related(
                Prefetch(
                    "milestones",
                    queryset=Milestone.objects.prefetch_related("evidence").order_by(
                        "order", "due_on", "pk"
                    ),
                ),
                "principles",
                "cso_partners",
                "proposals",
            )
        )
        if self.action == "list":
            queryset = self.filter_by_plan(self.request, queryset)
        return queryset.order_by("plan_id", "order", "pk")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": selectors.today()}

    def _respond(self, reference: str, code: int = status.HTTP_200_OK) -> Response:
        commitment = self.get_queryset().get(reference=reference)
        return Response(
            self.get_serializer_class()(commitment, context=self.get_serializer_context()).data,
            status=code,
        )

    def _writable(self) -> Commitment:
        commitment = self.get_object()
        if not self.request.user.has_perm("plans.view_commitment", commitment):
            raise PermissionDenied(_("You are not allowed to do this."))
        return commitment

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = commitment_serializers.CommitmentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = self._plan_for_write(data.get("plan"))
        commitment = _call(
            commitments.commitment_create,
            plan=plan,
            actor=request.user,
            data=_present(data, commitments.COMMITMENT_FIELDS),
        )
        return self._respond(commitment.reference, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        commitment = self._writable()
        serializer = commitment_serializers.CommitmentWriteSerializer(
            data=request.data, partial=True
        )
        serializer.is_valid(raise_exception=True)
        _call(
            commitments.commitment_update,
            commitment=commitment,
            actor=request.user,
            data=_present(serializer.validated_data, commitments.COMMITMENT_FIELDS),
        )
        return self._respond(commitment.reference)

    @extend_schema(
        summary=_("Publish a draft commitment (staff)"),
        request=None,
        responses=write_responses(commitment_serializers.CommitmentSerializer),
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, reference: str, **kwargs: Any) -> Response:
        commitment = self._writable()
        _call(commitments.commitment_publish, commitment=commitment, actor=request.user)
        return self._respond(commitment.reference)

    @extend_schema(
        summary=_("Add a milestone to a draft commitment (staff)"),
        request=commitment_serializers.MilestoneWriteSerializer,
        responses=write_responses(commitment_serializers.CommitmentSerializer, status_code=201),
    )
    @action(detail=True, methods=["post"])
    def milestones(self, request: Request, reference: str, **kwargs: Any) -> Response:
        commitment = self._writable()
        serializer = commitment_serializers.MilestoneWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _call(
            commitments.milestone_create,
            commitment=commitment,
            actor=request.user,
            data=_present(serializer.validated_data, commitments.MILESTONE_FIELDS),
        )
        return self._respond(commitment.reference, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Set a milestone's status (staff)"),
        request=commitment_serializers.MilestoneStatusSerializer,
        responses=write_responses(commitment_serializers.CommitmentSerializer),
    )
    @action(detail=True, methods=["post"], url_path="milestone-status")
    def milestone_status(self, request: Request, reference: str, **kwargs: Any) -> Response:
        commitment = self._writable()
        serializer = commitment_serializers.MilestoneStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        milestone = Milestone.objects.filter(pk=data["id"], commitment=commitment).first()
        if milestone is None:
            raise ValidationError({"id": [_("Unknown milestone of this commitment.")]})
        milestone.commitment = commitment
        _call(
            commitments.milestone_set_status,
            milestone=milestone,
            actor=request.user,
            status=data["status"],
            completed_on=data.get("completed_on"),
        )
        return self._respond(commitment.reference)

    @extend_schema(
        summary=_("Post a progress update (staff)"),
        request=commitment_serializers.ProgressUpdateWriteSerializer,
        responses=write_responses(commitment_serializers.CommitmentSerializer, status_code=201),
    )
    @action(detail=True, methods=["post"])
    def updates(self, request: Request, reference: str, **kwargs: Any) -> Response:
        commitment = self._writable()
        serializer = commitment_serializers.ProgressUpdateWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _call(
            commitments.progress_update_post,
            commitment=commitment,
            actor=request.user,
            text=serializer.validated_data["text"],
            milestone_changes=serializer.validated_data.get("milestone_changes", ""),
        )
        return self._respond(commitment.reference, status.HTTP_201_CREATED)


def register(router: SimpleRouter) -> None:
    """Register this app's viewsets on the API router (see :mod:`infitah.api.urls`)."""
    router.register("plans", PlanViewSet, basename="plan")
    router.register("plan-phases", PhaseViewSet, basename="plan-phase")
    router.register("committee-members", CommitteeMemberViewSet, basename="committee-member")
    router.register("commitments", CommitmentViewSet, basename="commitment")
