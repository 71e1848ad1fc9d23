"""REST API of the proposals app, registered on ``/api/v1/`` by :mod:`infitah.api.urls`.

``proposals/`` (route names ``api:proposal-list``, ``api:proposal-detail``):

- ``GET``: public proposals with their support and comment counts and answers,
  paginated (never an unpaginated list). Filters: ``plan`` (slug), ``collectivity``
  (code or slug), ``principle`` (code), ``status``, ``origin``, ``meeting`` (slug),
  ``q`` (words; Arabic spelling variants match, through the platform's search index;
  the 1,000 best matches), ``ordering`` (``newest`` — default —, ``supported``,
  ``commented``). An unknown value answers 400 naming the parameter. Hidden proposals
  and proposals of unpublished plans never appear, for anyone; withdrawn ones only
  with ``status=withdrawn``. A proposal's comments are served by the comments
  endpoint (``comments_url``).
- ``POST``: make a proposal (online; ``origin=workshop``/``paper`` for staff entries);
  ``PATCH``/``PUT`` ``proposals/<slug>/``: the author edits it.
- ``POST``/``DELETE`` ``proposals/<slug>/support/``: support it, withdraw the support.
- ``POST proposals/<slug>/withdraw/``: the author withdraws it.
- ``POST proposals/<slug>/answer/``: staff give status and answer.
- ``POST``/``DELETE`` ``proposals/<slug>/hide/``: moderators hide it (with a reason)
  or show it again.

Reading is public and anonymous (cacheable). Writing needs a signed-in session (with
its CSRF token) and the permissions of the pages (:mod:`infitah.proposals.rules`);
the services decide and their refusals come back as the API's error body (403, 400
with ``fields``). A proposal the user may not see is a 404 for every action.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import BaseThrottle, UserRateThrottle

from infitah.accounts.models import Organisation
from infitah.api.pagination import StandardPagination
from infitah.api.views import ERROR_RESPONSE, LANG_PARAMETER, PublicReadOnlyViewSet, write_responses
from infitah.core.selectors import cached_aggregate
from infitah.library import search
from infitah.meetings.models import BreakoutGroup, Meeting
from infitah.network.models import Principle
from infitah.plans.models import ActionPlan
from infitah.proposals import selectors, services
from infitah.proposals import serializers as proposal_serializers
from infitah.proposals.models import Proposal

__all__ = ["ProposalViewSet", "register"]

T = TypeVar("T")

ORDERINGS = tuple(selectors.SORTS)

FILTER_PARAMETERS = [
    OpenApiParameter("plan", str, description=_("The action plan's slug.")),
    OpenApiParameter("collectivity", str, description=_("Official code or slug.")),
    OpenApiParameter("principle", str, description=_("A principle's code.")),
    OpenApiParameter("status", str, enum=list(Proposal.Status.values)),
    OpenApiParameter("origin", str, enum=list(Proposal.Origin.values)),
    OpenApiParameter("meeting", str, description=_("Slug of the meeting it came from.")),
    OpenApiParameter(
        "q", str, description=_("Words of the title or text (Arabic variants match).")
    ),
    OpenApiParameter(
        "ordering",
        str,
        enum=list(ORDERINGS),
        description=_("newest (default), supported (most supported), commented."),
    ),
]


def _call(service: Callable[..., T], **kwargs: Any) -> T:
    """Run a service; its Django errors become the API's 400 and 403 bodies."""
    try:
        return service(**kwargs)
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from error
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(error.message_dict) from error
        raise ValidationError({"non_field_errors": error.messages}) from error


def _filters(params: Mapping[str, str]) -> tuple[selectors.ProposalFilters, str]:
    """Read the list's query parameters (400 naming the parameter for unknown values)."""
    errors: dict[str, list[str]] = {}
    plan = collectivity = meeting = principle = None
    if value := params.get("plan"):
        plan = selectors.resolve_plan(value)
        if plan is None:
            errors["plan"] = [str(_("No published action plan has this slug."))]
    if value := params.get("collectivity"):
        collectivity = selectors.resolve_collectivity(value)
        if collectivity is None:
            errors["collectivity"] = [str(_("No collectivity has this code or slug."))]
    if value := params.get("principle"):
        principle = Principle.objects.filter(code=value[:50]).order_by("pk").first()
        if principle is None:
            errors["principle"] = [str(_("Unknown principle."))]
    if value := params.get("meeting"):
        meeting = selectors.resolve_meeting(value)
        if meeting is None:
            errors["meeting"] = [str(_("No published meeting has this slug."))]
    status_value = params.get("status") or ""
    if status_value and status_value not in Proposal.Status.values:
        errors["status"] = [str(_("Unknown status."))]
    origin = params.get("origin") or ""
    if origin and origin not in Proposal.Origin.values:
        errors["origin"] = [str(_("Unknown origin."))]
    ordering = params.get("ordering") or "newest"
    if ordering not in ORDERINGS:
        errors["ordering"] = [str(_("Choose newest, supported or commented."))]
    query = (params.get("q") or "").replace("\x00", " ").strip()[:200]
    if errors:
        raise ValidationError(errors)
    filters = selectors.ProposalFilters(
        plan=plan,
        collectivity=collectivity,
        principle=principle,
        meeting=meeting,
        status=status_value,
        origin=origin,
        query=query,
        sort=ordering,
    )
    return filters, ordering


def _with_related(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return queryset.select_related(
        "plan", "collectivity", "organisation", "author", "meeting", "breakout_group"
    ).prefetch_related(Prefetch("principles", queryset=Principle.objects.order_by("order", "pk")))


def _principles_from(codes: Any) -> list[Principle]:
    codes = [str(code) for code in codes or []]
    found = list(Principle.objects.filter(code__in=codes).order_by("order", "pk"))
    unknown = sorted(set(codes) - {p.code for p in found})
    if unknown:
        raise ValidationError(
            {"principles": [_("Unknown: %(values)s") % {"values": ", ".join(unknown)}]}
        )
    return found


class ProposalThrottle(UserRateThrottle):
    """Signed-in writes are rate-limited like the rest of the API's writes."""


#: The attribute of a list's queryset naming its cached count (see ``ProposalPagination``).
COUNT_KEY_ATTR = "infitah_count_key"


class CachedCountPaginator(Paginator):
    """Django's paginator whose total comes from the aggregate cache when it can.

    Counting 100,000 proposals costs tens of milliseconds on every request; the count of
    a list (per filters and search) only changes with public content, so it is cached
    by :func:`infitah.core.selectors.cached_aggregate` (keyed by the content version).
    """

    @cached_property
    def count(self) -> int:
        key = getattr(self.object_list, COUNT_KEY_ATTR, None)
        if key is None:
            return int(super().count)
        object_list = self.object_list
        value: int = cached_aggregate(key, lambda: int(object_list.count()))  # type: ignore[attr-defined]
        return value


class ProposalPagination(StandardPagination):
    """The API's page numbers, with the cached total of :class:`CachedCountPaginator`."""

    django_paginator_class = CachedCountPaginator


@extend_schema_view(
    list=extend_schema(
        summary=_("Proposals"),
        description=_(
            "Public proposals to the openness action plans, with their support and "
            "comment counts and the collectivities' answers. Paginated."
        ),
        parameters=[LANG_PARAMETER, *FILTER_PARAMETERS],
        responses={
            200: proposal_serializers.ProposalSerializer(many=True),
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary=_("One proposal, by reference"),
        parameters=[LANG_PARAMETER],
        responses={200: proposal_serializers.ProposalSerializer, 404: ERROR_RESPONSE},
    ),
    create=extend_schema(
        summary=_("Make a proposal (signed in), or enter a workshop or paper one (staff)"),
        request=proposal_serializers.ProposalWriteSerializer,
        responses={
            201: proposal_serializers.ProposalSerializer,
            400: ERROR_RESPONSE,
            403: ERROR_RESPONSE,
        },
    ),
    update=extend_schema(
        summary=_("Change my proposal"),
        request=proposal_serializers.ProposalUpdateSerializer,
        responses=write_responses(proposal_serializers.ProposalSerializer),
    ),
    partial_update=extend_schema(
        summary=_("Change some fields of my proposal"),
        request=proposal_serializers.ProposalUpdateSerializer,
        responses=write_responses(proposal_serializers.ProposalSerializer),
    ),
)
class ProposalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    PublicReadOnlyViewSet,
):
    """Proposals: public reads, signed-in writes."""

    authentication_classes = (SessionAuthentication,)  # type: ignore[assignment]
    permission_classes = (IsAuthenticatedOrReadOnly,)  # type: ignore[assignment]
    pagination_class = ProposalPagination
    serializer_class = proposal_serializers.ProposalSerializer
    filter_backends = ()
    lookup_field = "slug"
    lookup_value_regex = r"[a-z0-9]{1,20}"

    def get_throttles(self) -> list[BaseThrottle]:
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return []
        return [ProposalThrottle()]

    def get_queryset(self) -> QuerySet[Proposal]:
        if getattr(self, "swagger_fake_view", False):
            return Proposal.objects.none()
        if self.action == "list":
            filters, ordering = _filters(self.request.query_params)
            queryset = selectors.public_proposals(filters)
            if filters.query:
                parsed = search.SearchQuery.parse(filters.query)
                hits = search.search_hits(
                    parsed,
                    object_types=[services.PROPOSAL_TYPE],
                    within=queryset.values("pk"),
                    limit=selectors.SEARCH_SORT_LIMIT,
                )
                queryset = queryset.filter(pk__in=[hit.object_id for hit in hits])
            listed = _with_related(queryset.order_by(*selectors.SORTS[ordering][1]))
            setattr(listed, COUNT_KEY_ATTR, f"proposals-api-count:1:{filters.cache_key()}")
            return listed
        return _with_related(Proposal.objects.public())

    # --- Objects for the writes ---

    def _visible(self) -> Proposal:
        """The proposal of the URL if the user may see it (404 otherwise)."""
        proposal = selectors.proposal_for_page(str(self.kwargs.get("slug", "")), self.request.user)
        if proposal is None:
            raise Http404
        return proposal

    def _checked(self, perm: str) -> Proposal:
        proposal = self._visible()
        if not self.request.user.has_perm(perm, proposal):
            raise PermissionDenied
        return proposal

    def _answer(self, proposal: Proposal, code: int = status.HTTP_200_OK) -> Response:
        fresh = _with_related(Proposal.objects.filter(pk=proposal.pk)).get()
        return Response(self.get_serializer(fresh).data, status=code)

    # --- Create and update ---

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Make a proposal online, or enter one from a workshop or a paper form."""
        data = proposal_serializers.ProposalWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        plan = (
            ActionPlan.objects.select_related("collectivity")
            .filter(slug=values["plan"], is_published=True)
            .first()
        )
        if plan is None:
            raise ValidationError({"plan": [_("No published action plan has this slug.")]})
        principles = _principles_from(values.get("principles"))
        origin = values.get("origin") or Proposal.Origin.ONLINE
        common = {"plan": plan, "title": values["title"], "body": values["body"]}
        if origin == Proposal.Origin.ONLINE:
            organisation = None
            if slug := values.get("organisation"):
                organisation = Organisation.objects.filter(slug=slug).first()
                if organisation is None:
                    raise ValidationError({"organisation": [_("Unknown organisation.")]})
            proposal = _call(
                services.proposal_submit,
                author=request.user,
                principles=principles,
                organisation=organisation,
                **common,
            )
            return self._answer(proposal, status.HTTP_201_CREATED)
        if not request.user.has_perm("proposals.enter_proposal", plan):
            raise PermissionDenied
        meeting = None
        if slug := values.get("meeting"):
            meeting = Meeting.objects.filter(slug=slug).first()
            if meeting is None:
                raise ValidationError({"meeting": [_("Unknown meeting.")]})
        group = None
        if (group_id := values.get("breakout_group")) is not None:
            group = BreakoutGroup.objects.select_related("agenda_item").filter(pk=group_id).first()
            if group is None:
                raise ValidationError({"breakout_group": [_("Unknown workshop group.")]})
        extra = {
            "actor": request.user,
            "principles": principles,
            "contributor_name": values.get("contributor_name") or "",
        }
        if origin == Proposal.Origin.WORKSHOP:
            if meeting is None:
                raise ValidationError(
                    {"meeting": [_("Give the workshop the proposal comes from.")]}
                )
            proposal = _call(
                services.proposal_enter_from_workshop,
                meeting=meeting,
                breakout_group=group,
                **common,
                **extra,
            )
        else:
            if group is not None:
                raise ValidationError(
                    {"breakout_group": [_("A paper form has no workshop group.")]}
                )
            proposal = _call(services.proposal_enter_from_paper, meeting=meeting, **common, **extra)
        return self._answer(proposal, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change the proposal's title, text or principles (its author)."""
        proposal = self._checked("proposals.edit_proposal")
        partial = bool(kwargs.get("partial"))
        data = proposal_serializers.ProposalUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not partial and ("title" not in values or "body" not in values):
            raise ValidationError(
                {
                    name: [_("This field is required.")]
                    for name in ("title", "body")
                    if name not in values
                }
            )
        principles = _principles_from(values["principles"]) if "principles" in values else None
        _call(
            services.proposal_edit,
            proposal=proposal,
            actor=request.user,
            title=values.get("title", proposal.title),
            body=values.get("body", proposal.body),
            principles=principles,
        )
        return self._answer(proposal)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change some of the proposal's fields (its author)."""
        return self.update(request, *args, partial=True, **kwargs)

    # --- Actions ---

    @extend_schema(
        summary=_("Support the proposal (POST) or withdraw my support (DELETE)"),
        request=None,
        responses=write_responses(proposal_serializers.ProposalSupportStateSerializer),
    )
    @action(detail=True, methods=["post", "delete"])
    def support(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One support per person; a second POST (or DELETE) changes nothing."""
        proposal = self._checked("proposals.support_proposal")
        if request.method == "DELETE":
            _call(services.proposal_unsupport, proposal=proposal, user=request.user)
            supported = False
        else:
            _call(services.proposal_support, proposal=proposal, user=request.user)
            supported = True
        count = Proposal.objects.filter(pk=proposal.pk).values_list("support_count", flat=True)
        return Response({"supported": supported, "support_count": count.get()})

    @extend_schema(
        summary=_("Withdraw my proposal"),
        request=None,
        responses=write_responses(proposal_serializers.ProposalSerializer),
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The author withdraws the proposal (before it is answered)."""
        proposal = self._checked("proposals.withdraw_proposal")
        _call(services.proposal_withdraw, proposal=proposal, actor=request.user)
        return self._answer(proposal)

    @extend_schema(
        summary=_("Answer the proposal (staff)"),
        request=proposal_serializers.ProposalAnswerSerializer,
        responses=write_responses(proposal_serializers.ProposalSerializer),
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Give the status (evaluating, accepted, rejected) and the public answer."""
        proposal = self._checked("proposals.answer_proposal")
        data = proposal_serializers.ProposalAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _call(
            services.proposal_answer,
            proposal=proposal,
            actor=request.user,
            status=data.validated_data["status"],
            answer=data.validated_data.get("answer", ""),
        )
        if proposal.is_hidden:
            return Response(status=status.HTTP_204_NO_CONTENT)  # never shown in the API
        return self._answer(proposal)

    @extend_schema(
        summary=_("Hide the proposal (POST, with a reason) or show it again (DELETE)"),
        request=proposal_serializers.ProposalHideSerializer,
        responses={204: None, 400: ERROR_RESPONSE, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE},
    )
    @action(detail=True, methods=["post", "delete"])
    def hide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Moderators hide a proposal from the public, or show it again."""
        proposal = self._checked("proposals.moderate_proposal")
        if request.method == "DELETE":
            _call(services.proposal_unhide, proposal=proposal, actor=request.user)
        else:
            data = proposal_serializers.ProposalHideSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            _call(
                services.proposal_hide,
                proposal=proposal,
                actor=request.user,
                reason=data.validated_data["reason"],
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router: SimpleRouter) -> None:
    """Register this app's viewsets on the API router (see :mod:`infitah.api.urls`)."""
    router.register("proposals", ProposalViewSet, basename="proposal")
