"""REST API of the comments app, registered on ``/api/v1/`` by :mod:`infitah.api.urls`.

``comments/``:

- ``GET ?target_type=proposals.proposal&target_id=N``: the public thread of an object,
  paginated, in reading order (newest conversation first, each followed by its replies
  oldest first), threaded by ``parent``. Anonymous and cacheable like the rest of the
  public API. Hidden and withdrawn comments never give their text, author or
  organisation: they appear only as placeholders (``state`` ``hidden`` or ``deleted``,
  ``body`` null) when they have visible replies, so that ``parent`` always points at
  a listed row.
- ``GET {id}/``: one visible comment of a public object (404 otherwise).
- Writes, for signed-in people (session authentication with CSRF, as the pages):
  ``POST`` (comment or reply), ``PATCH {id}/`` (edit one's own, within the edit
  window), ``DELETE {id}/`` (withdraw one's own), ``POST {id}/report/``; for the
  moderators of the comment's collectivity and coordinators: ``POST {id}/hide/``,
  ``{id}/unhide/``, ``{id}/dismiss-reports/``. The permissions are the pages'
  (:mod:`infitah.comments.rules`). Errors use the API's error body
  (:mod:`infitah.api.exceptions`): 400 with ``fields`` for refused input, 403, 404.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from django.http import Http404
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import BaseThrottle, UserRateThrottle

from infitah.accounts.models import Organisation, User
from infitah.api.views import ERROR_RESPONSE, write_responses
from infitah.comments import registry, selectors, services
from infitah.comments.models import Comment, CommentReport, ModerationReason
from infitah.core.cache import mark_public

__all__ = ["CommentViewSet", "register"]

STATES = [
    ("visible", _("visible")),
    ("hidden", _("hidden by a moderator")),
    ("deleted", _("withdrawn by its author")),
]


# --- Serializers ---------------------------------------------------------------------------


class CommentOrganisationSerializer(serializers.Serializer):
    """The organisation a comment was posted for."""

    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class CommentSerializer(serializers.Serializer):
    """A comment, or the placeholder of a hidden or withdrawn comment that has replies."""

    id = serializers.IntegerField(read_only=True)
    target_type = serializers.CharField(
        read_only=True, help_text=_("The commented object's type, e.g. proposals.proposal.")
    )
    target_id = serializers.IntegerField(read_only=True)
    parent = serializers.IntegerField(  # type: ignore[assignment]  # DRF's Field.parent
        read_only=True, allow_null=True, help_text=_("Id of the comment this one replies to.")
    )
    depth = serializers.IntegerField(read_only=True, help_text=_("0 for a top-level comment."))
    state = serializers.ChoiceField(choices=STATES, read_only=True)
    body = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("Plain text; null for a placeholder.")
    )
    author_name = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("The author's public name; null for a placeholder."),
    )
    organisation = CommentOrganisationSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("Null for a placeholder.")
    )
    edited_at = serializers.DateTimeField(read_only=True, allow_null=True)
    hidden_reason = serializers.ChoiceField(
        choices=ModerationReason.choices,
        read_only=True,
        allow_null=True,
        help_text=_("Why a moderator hid the comment (hidden comments only)."),
    )
    web_url = serializers.URLField(read_only=True, help_text=_("The comment on its object's page."))


class CommentCreateSerializer(serializers.Serializer):
    """A new comment or reply."""

    target_type = serializers.CharField(
        max_length=100, help_text=_("The commented object's type, e.g. proposals.proposal.")
    )
    target_id = serializers.IntegerField(min_value=1)
    parent = serializers.IntegerField(  # type: ignore[assignment]  # DRF's Field.parent
        min_value=1, required=False, allow_null=True, help_text=_("Reply to this comment.")
    )
    body = serializers.CharField(trim_whitespace=False, help_text=_("Plain text."))
    organisation = serializers.CharField(
        max_length=260,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=_("Slug of an organisation you represent, to post on its behalf."),
    )


class CommentEditSerializer(serializers.Serializer):
    """The corrected text of one's comment."""

    body = serializers.CharField(trim_whitespace=False)


class CommentReportSerializer(serializers.Serializer):
    """A report of a comment to the moderators."""

    reason = serializers.ChoiceField(choices=ModerationReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CommentReportResultSerializer(serializers.Serializer):
    """A report as recorded (the reporter's own view)."""

    id = serializers.IntegerField(read_only=True)
    comment = serializers.IntegerField(read_only=True, source="comment_id")
    reason = serializers.ChoiceField(choices=ModerationReason.choices, read_only=True)
    note = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class CommentHideSerializer(serializers.Serializer):
    """A moderator's reason (public) and note (not public) for hiding."""

    reason = serializers.ChoiceField(choices=ModerationReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ModeratedCommentSerializer(CommentSerializer):
    """A comment as its moderators see it (hidden ones with their text)."""

    open_report_count = serializers.IntegerField(read_only=True)


# --- Rows ----------------------------------------------------------------------------------


def _web_url(request: Request, pk: int) -> str:
    return str(request.build_absolute_uri(reverse("comments:go", kwargs={"pk": pk})))


def _organisation(comment: Comment) -> dict[str, str] | None:
    if comment.organisation_id is None or comment.organisation is None:
        return None
    return {"slug": comment.organisation.slug, "name": str(comment.organisation.name)}


def _row(
    request: Request, label: str, target_id: int, node: selectors.ThreadNode
) -> dict[str, Any]:
    """A thread node as the API gives it (placeholders without text, author nor org)."""
    row = node.comment
    organisation = (
        {"slug": row.organisation_slug, "name": row.organisation_name}
        if row is not None and row.organisation_id is not None
        else None
    )
    return {
        "id": node.pk,
        "target_type": label,
        "target_id": target_id,
        "parent": node.parent_id,
        "depth": node.depth,
        "state": node.state,
        "body": row.body if row is not None else None,
        "author_name": row.author_name if row is not None else None,
        "organisation": organisation,
        "created_at": row.created_at if row is not None else None,
        "edited_at": row.edited_at if row is not None else None,
        "hidden_reason": node.hidden_reason or None,
        "web_url": _web_url(request, node.pk),
    }


def _comment_row(request: Request, comment: Comment, *, moderated: bool = False) -> dict[str, Any]:
    """One comment (its author, a moderator, or the public for a visible one)."""
    if comment.is_deleted_by_author:
        state = "deleted"
    else:
        state = "hidden" if comment.is_hidden else "visible"
    entry = registry.entry_for_content_type(comment.content_type_id)
    row = {
        "id": comment.pk,
        "target_type": entry.label if entry is not None else "",
        "target_id": comment.object_id,
        "parent": comment.parent_id,
        "depth": comment.depth,
        "state": state,
        "body": comment.body,
        "author_name": comment.author_display_name,
        "organisation": _organisation(comment),
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "hidden_reason": comment.hidden_reason or None,
        "web_url": _web_url(request, comment.pk),
    }
    if moderated:
        row["open_report_count"] = comment.open_report_count
    return row


def _drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's ``ValidationError`` as DRF's (400 with the fields named)."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


# --- The endpoint ----------------------------------------------------------------------------

TARGET_PARAMETERS = [
    OpenApiParameter(
        "target_type",
        str,
        required=True,
        description=_("The commented object's type: app label and model, e.g. proposals.proposal."),
    ),
    OpenApiParameter("target_id", int, required=True, description=_("The object's id.")),
]


@extend_schema_view(
    list=extend_schema(
        summary=_("Public comments of an object"),
        description=_(
            "The thread of a public object, paginated, newest conversation first, each "
            "followed by its replies (oldest first); `parent` links a reply to the "
            "comment it answers. Hidden and withdrawn comments appear only as "
            "placeholders without text (state hidden or deleted), and only when they "
            "have visible replies."
        ),
        parameters=TARGET_PARAMETERS,
        responses={200: CommentSerializer(many=True), 400: ERROR_RESPONSE, 404: ERROR_RESPONSE},
    ),
    retrieve=extend_schema(
        summary=_("One public comment"),
        responses={200: CommentSerializer, 404: ERROR_RESPONSE},
    ),
    create=extend_schema(
        summary=_("Post a comment or a reply"),
        description=_(
            "Needs a signed-in account with a confirmed e-mail address. The object must "
            "be public and open for comments; a reply to a comment on the deepest level "
            "is attached to that comment's parent. At most a few comments a minute."
        ),
        request=CommentCreateSerializer,
        responses=write_responses(CommentSerializer, status_code=201),
    ),
    partial_update=extend_schema(
        summary=_("Edit my comment"),
        description=_(
            "Only in the minutes after posting; the earlier text is kept in its history."
        ),
        request=CommentEditSerializer,
        responses=write_responses(CommentSerializer),
    ),
    destroy=extend_schema(
        summary=_("Withdraw my comment"),
        description=_("The comment is no longer shown; its replies stay."),
        responses={204: None, 400: ERROR_RESPONSE, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE},
    ),
)
class CommentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Comments: the public threads, and the writes of signed-in people and moderators."""

    serializer_class = CommentSerializer
    filter_backends = ()
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    # Reads are public, anonymous and cacheable; writes use the session (and CSRF).
    def _is_read(self) -> bool:
        request = getattr(self, "request", None)  # None while the schema is generated
        return request is not None and request.method in SAFE_METHODS

    def get_authenticators(self) -> list[BaseAuthentication]:
        return [] if self._is_read() else [SessionAuthentication()]

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self._is_read() else [IsAuthenticated()]

    def get_throttles(self) -> list[BaseThrottle]:
        return [] if self._is_read() else [UserRateThrottle()]

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Accept",))
        if request.method in ("GET", "HEAD"):
            mark_public(response)
        return response

    @property
    def user(self) -> User:
        return cast(User, self.request.user)

    def get_queryset(self) -> Any:
        return Comment.objects.none()  # every action reads through the selectors

    # --- Reads -----------------------------------------------------------------------------

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = request.query_params
        errors: dict[str, list[str]] = {}
        if not params.get("target_type"):
            errors["target_type"] = [str(_("Give the commented object's type."))]
        if not params.get("target_id"):
            errors["target_id"] = [str(_("Give the commented object's id."))]
        if errors:
            raise serializers.ValidationError(errors)
        entry, target = registry.resolve_target(params["target_type"], params["target_id"])
        if entry is None:
            raise serializers.ValidationError(
                {
                    "target_type": [
                        str(_("Objects of this type cannot be commented: %(types)s."))
                        % {"types": ", ".join(registry.registered_labels()) or "—"}
                    ]
                }
            )
        if target is None or not entry.is_public(target):
            raise Http404
        roots, _count = selectors.thread_nodes(target)
        flat = selectors.flatten(roots)
        page = self.paginate_queryset(flat)
        nodes: list[selectors.ThreadNode] = list(page if page is not None else flat)
        selectors.fill(nodes)
        rows = [_row(request, entry.label, cast(int, target.pk), node) for node in nodes]
        data = CommentSerializer(rows, many=True).data
        if page is None:  # pragma: no cover - pagination is always on
            return Response(data)
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        comment = selectors.public_comment(kwargs.get("pk"))
        if comment is None or not _target_is_public(comment):
            raise Http404
        return Response(CommentSerializer(_comment_row(request, comment)).data)

    # --- Writes ----------------------------------------------------------------------------

    def _own_or_public(self) -> Comment:
        """The comment of the URL if it is visible on a public object (else 404)."""
        comment = selectors.public_comment(self.kwargs.get("pk"))
        if comment is None or not _target_is_public(comment):
            raise Http404
        return comment

    def _moderated(self) -> Comment:
        """The comment of the URL for a moderator (404 when unseen, 403 when not theirs)."""
        pk = str(self.kwargs.get("pk", ""))
        comment = (
            Comment.objects.select_related("author", "organisation").filter(pk=int(pk)).first()
            if pk.isdecimal() and len(pk) <= 18
            else None
        )
        if comment is None:
            raise Http404
        if self.user.has_perm("comments.moderate_comment", comment):
            return comment
        if comment.is_visible and _target_is_public(comment):
            raise PermissionDenied(_("You may not moderate the comments of this collectivity."))
        raise Http404

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        entry, target = registry.resolve_target(values["target_type"], values["target_id"])
        if entry is None:
            raise serializers.ValidationError(
                {"target_type": [str(_("Objects of this type cannot be commented."))]}
            )
        if target is None or not entry.is_public(target):
            raise Http404
        parent = None
        if values.get("parent"):
            parent = Comment.objects.filter(pk=values["parent"]).first()
            if parent is None:
                raise serializers.ValidationError({"parent": [str(_("No such comment."))]})
        organisation = None
        if values.get("organisation"):
            organisation = Organisation.objects.filter(slug=values["organisation"]).first()
            if organisation is None:
                raise serializers.ValidationError(
                    {"organisation": [str(_("No organisation has this slug."))]}
                )
        try:
            comment = services.comment_create(
                target=target,
                author=self.user,
                body=values["body"],
                parent=parent,
                organisation=organisation,
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(
            CommentSerializer(_comment_row(request, comment)).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        comment = self._own_or_public()
        data = CommentEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            comment = services.comment_edit(
                comment=comment, actor=self.user, body=data.validated_data["body"]
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        comment = selectors.public_comment(comment.pk) or comment
        return Response(CommentSerializer(_comment_row(request, comment)).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        comment = self._own_or_public()
        try:
            services.comment_delete_by_author(comment=comment, actor=self.user)
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=_("Report a comment to the moderators"),
        request=CommentReportSerializer,
        responses=write_responses(CommentReportResultSerializer, status_code=201),
    )
    @action(detail=True, methods=["post"])
    def report(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One report per person and comment; not one's own comment."""
        comment = self._own_or_public()
        data = CommentReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report: CommentReport = services.comment_report(
                comment=comment,
                reporter=self.user,
                reason=data.validated_data["reason"],
                note=data.validated_data.get("note", ""),
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(CommentReportResultSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Hide a comment (moderators)"),
        request=CommentHideSerializer,
        responses=write_responses(ModeratedCommentSerializer),
    )
    @action(detail=True, methods=["post"])
    def hide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Hide the comment from the public with a reason; its open reports are resolved."""
        comment = self._moderated()
        data = CommentHideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            comment = services.comment_hide(
                comment=comment,
                moderator=self.user,
                reason=data.validated_data["reason"],
                note=data.validated_data.get("note", ""),
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(
            ModeratedCommentSerializer(_comment_row(request, _reload(comment), moderated=True)).data
        )

    @extend_schema(
        summary=_("Show a hidden comment again (moderators)"),
        request=None,
        responses=write_responses(ModeratedCommentSerializer),
    )
    @action(detail=True, methods=["post"])
    def unhide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Show the comment again."""
        comment = self._moderated()
        try:
            comment = services.comment_unhide(comment=comment, moderator=self.user)
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(
            ModeratedCommentSerializer(_comment_row(request, _reload(comment), moderated=True)).data
        )

    @extend_schema(
        summary=_("Dismiss the open reports of a comment (moderators)"),
        request=None,
        responses=write_responses(ModeratedCommentSerializer),
    )
    @action(detail=True, methods=["post"], url_path="dismiss-reports")
    def dismiss_reports(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The comment is fine: every open report is dismissed."""
        comment = self._moderated()
        try:
            services.comment_reports_dismiss(comment=comment, moderator=self.user)
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(
            ModeratedCommentSerializer(_comment_row(request, _reload(comment), moderated=True)).data
        )


def _reload(comment: Comment) -> Comment:
    return Comment.objects.select_related("author", "organisation").get(pk=comment.pk)


def _target_is_public(comment: Comment) -> bool:
    """Whether ``comment``'s object is registered, exists and is public (one query)."""
    entry = registry.entry_for_content_type(comment.content_type_id)
    if entry is None:
        return False
    target: Model | None = entry.model._default_manager.filter(pk=comment.object_id).first()
    return target is not None and bool(entry.is_public(target))


def register(router: SimpleRouter) -> None:
    """Register this app's viewsets on the API router (see :mod:`infitah.api.urls`)."""
    router.register("comments", CommentViewSet, basename="comment")
