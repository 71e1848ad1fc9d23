"""Writes of the comments app: posting, editing, withdrawing, reporting, moderating.

Each function is keyword-only, runs in one transaction, validates with ``full_clean()``
and checks the acting user's permission itself (defence in depth: the pages and the API
check it too). Whenever the number of visible comments of a target changes (a comment
posted, hidden, unhidden or withdrawn), the target's ``on_change`` callback of the
registry (:mod:`infitah.comments.registry`) is called inside the same transaction.
Saving a comment bumps the public-content version (``track_public_model`` in
:mod:`infitah.comments.apps`), so cached anonymous pages never show a hidden comment.

Errors: ``PermissionDenied`` when the person may not act at all (not signed in, an
unconfirmed e-mail address, not the author, not a moderator of this collectivity);
``ValidationError`` (with a ``code``; for an error about one input, the code is on the
field's error: ``error.error_dict["body"][0].code``) when the action is refused for
this object or this input: ``not_commentable``, ``closed``, ``empty``, ``too_long``, ``bad_parent``,
``rate_limited``, ``too_late``, ``hidden``, ``deleted``, ``duplicate``,
``own_comment``, ``reason``, ``already_hidden``, ``not_hidden``, ``resolved``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from infitah.accounts.models import Organisation, User
from infitah.comments import conf, registry
from infitah.comments.models import Comment, CommentReport, ModerationReason
from infitah.core.text import normalize_for_search, strip_bidi_controls

__all__ = [
    "clean_text",
    "comment_create",
    "comment_delete_by_author",
    "comment_edit",
    "comment_hide",
    "comment_report",
    "comment_reports_dismiss",
    "comment_unhide",
    "report_dismiss",
]


# --- Helpers -------------------------------------------------------------------------

#: Relations set by the services themselves from checked objects: ``full_clean`` need
#: not look each of them up again.
_RELATIONS = ["content_type", "collectivity", "parent", "author", "organisation", "hidden_by"]


def clean_text(value: str | None) -> str:
    """Return typed text ready to store: no NUL, no bidi controls, unified line ends.

    Bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) and
    marks could reorder the page around the text; PostgreSQL refuses NUL. Leading and
    trailing blanks are trimmed; line breaks inside are kept (shown as ``<br>``).
    """
    text = (value or "").replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    return strip_bidi_controls(text).strip()


def _check_signed_in(user: Any, message: Any) -> None:
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied(message)


def _check_body(body: str) -> None:
    if not body:
        raise ValidationError({"body": ValidationError(_("Write something first."), code="empty")})
    limit = conf.max_length()
    if len(body) > limit:
        message = ngettext(
            "A comment has at most %(limit)d character (this one has %(count)d).",
            "A comment has at most %(limit)d characters (this one has %(count)d).",
            limit,
        ) % {"limit": limit, "count": len(body)}
        raise ValidationError({"body": ValidationError(message, code="too_long")})


def _check_reason(reason: str) -> None:
    if reason not in ModerationReason.values:
        raise ValidationError(
            {"reason": ValidationError(_("Choose a reason from the list."), code="reason")}
        )


def _check_note(note: str, limit: int, field: str = "note") -> None:
    if len(note) > limit:
        message = ngettext(
            "A note has at most %(limit)d character.",
            "A note has at most %(limit)d characters.",
            limit,
        ) % {"limit": limit}
        raise ValidationError({field: ValidationError(message, code="too_long")})


def _target_of(comment: Comment) -> tuple[registry.CommentTarget | None, Model | None]:
    """The registry entry and target object of ``comment`` (one query for the object)."""
    entry = registry.entry_for_content_type(comment.content_type_id)
    if entry is None:
        return None, None
    target = entry.model._default_manager.filter(pk=comment.object_id).first()
    return entry, target


def _notify(entry: registry.CommentTarget | None, target: Model | None) -> None:
    """Tell the target's app that its number of visible comments changed."""
    if entry is not None and target is not None and entry.on_change is not None:
        entry.on_change(target)


def _lock(comment: Comment) -> Comment:
    """Re-read ``comment`` with a row lock (``SELECT ... FOR UPDATE`` on PostgreSQL)."""
    return Comment.objects.select_for_update().get(pk=comment.pk)


def _require_moderator(moderator: Any, comment: Comment) -> None:
    _check_signed_in(moderator, _("Sign in to moderate comments."))
    if not moderator.has_perm("comments.moderate_comment", comment):
        raise PermissionDenied(_("You may not moderate the comments of this collectivity."))


def _check_rate(author: User, now: datetime.datetime) -> None:
    """Refuse a comment beyond ``RATE_LIMIT`` per ``RATE_WINDOW_SECONDS`` for ``author``.

    The author's row is locked first, so two requests of the same person cannot both
    pass the count (PostgreSQL; SQLite serialises write transactions anyway).
    """
    User.objects.select_for_update().filter(pk=author.pk).values_list("pk", flat=True).first()
    window = conf.rate_window_seconds()
    limit = conf.rate_limit()
    since = now - datetime.timedelta(seconds=window)
    recent = Comment.objects.filter(author_id=author.pk, created_at__gt=since).count()
    if recent >= limit:
        raise ValidationError(
            ngettext(
                "You are commenting too fast: at most %(limit)d comment per %(seconds)d "
                "seconds. Wait a moment and try again.",
                "You are commenting too fast: at most %(limit)d comments per %(seconds)d "
                "seconds. Wait a moment and try again.",
                limit,
            )
            % {"limit": limit, "seconds": window},
            code="rate_limited",
        )


# --- Posting -------------------------------------------------------------------------


@transaction.atomic
def comment_create(
    *,
    target: Model,
    author: User,
    body: str,
    parent: Comment | None = None,
    organisation: Organisation | None = None,
) -> Comment:
    """Post a comment on ``target``, or a reply to ``parent``.

    Args:
        target: an object of a registered model (:mod:`infitah.comments.registry`)
            that is public and open for comments.
        author: signed in, active, with a confirmed e-mail address
            (``comments.post_comment``).
        body: plain text; NUL and bidi controls are removed, blanks trimmed; at most
            ``INFITAH_COMMENTS_MAX_LENGTH`` characters after that.
        parent: a visible comment on the same target. A reply to a comment on the
            deepest level (``INFITAH_COMMENTS_MAX_DEPTH``) is attached to that comment's
            parent, so threads never get deeper.
        organisation: post on behalf of this organisation; the author must be its
            approved representative and it must be verified
            (``accounts.act_for_organisation``).

    Returns:
        The new, visible comment. The target's ``on_change`` has been called.

    Raises:
        PermissionDenied: not signed in, unconfirmed e-mail, or not a representative of
            ``organisation``.
        ValidationError: the target cannot be commented (``not_commentable``), is
            closed (``closed``); empty or too long text (``empty``, ``too_long``); a
            parent that is hidden, withdrawn or on another target (``bad_parent``);
            more than ``RATE_LIMIT`` comments in ``RATE_WINDOW_SECONDS``
            (``rate_limited``); replies not accepted (``INFITAH_COMMENTS_MAX_DEPTH`` 1).
    """
    _check_signed_in(author, _("Sign in to comment."))
    if not author.has_perm("comments.post_comment"):
        raise PermissionDenied(
            _("Confirm your e-mail address (follow the link we sent you) before commenting.")
        )
    if organisation is not None and not author.has_perm(
        "accounts.act_for_organisation", organisation
    ):
        raise PermissionDenied(
            _("You may only comment on behalf of an organisation you represent.")
        )
    entry = registry.get_target(target)
    if entry is None or target.pk is None or not entry.is_public(target):
        raise ValidationError(_("This item cannot be commented."), code="not_commentable")
    if not entry.is_open_for_comments(target):
        raise ValidationError(_("Comments are closed for this item."), code="closed")
    text = clean_text(body)
    _check_body(text)
    content_type = ContentType.objects.get_for_model(type(target))
    depth = 0
    if parent is not None:
        if (
            parent.content_type_id != content_type.pk
            or parent.object_id != target.pk
            or not parent.is_visible
        ):
            raise ValidationError(
                {
                    "parent": ValidationError(
                        _("You can only reply to a visible comment of this item."),
                        code="bad_parent",
                    )
                }
            )
        while parent.depth >= conf.max_depth() - 1:
            if parent.parent_id is None:
                raise ValidationError(
                    {
                        "parent": ValidationError(
                            _("Replies are not accepted here."), code="bad_parent"
                        )
                    }
                )
            parent = Comment.objects.get(pk=parent.parent_id)
        depth = parent.depth + 1
    _check_rate(author, timezone.now())
    collectivity = entry.collectivity_of(target)
    comment = Comment(
        content_type=content_type,
        object_id=target.pk,
        collectivity=collectivity,
        parent=parent,
        depth=depth,
        author=author,
        organisation=organisation,
        body=text,
        body_search=normalize_for_search(text),
    )
    comment.full_clean(exclude=_RELATIONS)
    comment._history_user = author  # type: ignore[attr-defined]
    comment.save()
    _notify(entry, target)
    return comment


@transaction.atomic
def comment_edit(
    *,
    comment: Comment,
    actor: User,
    body: str,
    now: datetime.datetime | None = None,
) -> Comment:
    """Correct one's own comment within ``INFITAH_COMMENTS_EDIT_MINUTES`` of posting.

    The earlier text stays in the comment's history (simple-history), for moderators.

    Args:
        comment: a visible comment.
        actor: its author (``comments.edit_comment``).
        body: the new text (cleaned as in :func:`comment_create`).
        now: the time of the request (tests).

    Returns:
        The comment, with ``edited_at`` set (unchanged when the text is the same).

    Raises:
        PermissionDenied: not the author (or an unconfirmed e-mail address).
        ValidationError: hidden (``hidden``) or withdrawn (``deleted``) comment, too late
            (``too_late``), empty or too long text.
    """
    _check_signed_in(actor, _("Sign in to edit your comment."))
    if not actor.has_perm("comments.edit_comment", comment):
        raise PermissionDenied(_("You may only edit your own comments."))
    locked = _lock(comment)
    if locked.is_hidden:
        raise ValidationError(_("A hidden comment cannot be edited."), code="hidden")
    if locked.is_deleted_by_author:
        raise ValidationError(_("This comment was withdrawn."), code="deleted")
    now = now or timezone.now()
    minutes = conf.edit_minutes()
    if now > locked.created_at + datetime.timedelta(minutes=minutes):
        raise ValidationError(
            ngettext(
                "A comment can only be edited in the %(minutes)d minute after posting.",
                "A comment can only be edited in the %(minutes)d minutes after posting.",
                minutes,
            )
            % {"minutes": minutes},
            code="too_late",
        )
    text = clean_text(body)
    _check_body(text)
    if text == locked.body:
        return locked
    locked.body = text
    locked.body_search = normalize_for_search(text)
    locked.edited_at = now
    locked.full_clean(exclude=_RELATIONS)
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.save(update_fields=["body", "body_search", "edited_at", "updated_at"])
    return locked


@transaction.atomic
def comment_delete_by_author(
    *, comment: Comment, actor: User, now: datetime.datetime | None = None
) -> Comment:
    """Withdraw one's own comment: the public sees "comment withdrawn" in its place.

    The row stays (replies keep their place; moderators keep the text if it was
    reported). Withdrawing is final.

    Returns:
        The comment, ``is_deleted_by_author`` set. ``on_change`` is called when the
        comment was counted (not hidden).

    Raises:
        PermissionDenied: not the author.
        ValidationError: already withdrawn (``deleted``).
    """
    _check_signed_in(actor, _("Sign in to withdraw your comment."))
    if not actor.has_perm("comments.delete_own_comment", comment):
        raise PermissionDenied(_("You may only withdraw your own comments."))
    locked = _lock(comment)
    if locked.is_deleted_by_author:
        raise ValidationError(_("This comment was already withdrawn."), code="deleted")
    was_visible = locked.is_visible
    locked.is_deleted_by_author = True
    locked.deleted_at = now or timezone.now()
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.save(update_fields=["is_deleted_by_author", "deleted_at", "updated_at"])
    if was_visible:
        _notify(*_target_of(locked))
    return locked


# --- Reports and moderation -------------------------------------------------------------


@transaction.atomic
def comment_report(
    *,
    comment: Comment,
    reporter: User,
    reason: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> CommentReport:
    """Report a comment to the moderators of its collectivity.

    Args:
        comment: a visible comment on a public item.
        reporter: anyone who may comment (``comments.report_comment``), not its author.
        reason: a :class:`~infitah.comments.models.ModerationReason` value.
        note: optional explanation (cleaned; at most ``REPORT_NOTE_MAX_LENGTH``).

    Returns:
        The new, open report. The comment's ``open_report_count`` grows by one.

    Raises:
        PermissionDenied: not signed in, unconfirmed e-mail, or one's own comment.
        ValidationError: bad reason (``reason``), note too long, the comment is hidden
            or withdrawn or its item not public (``hidden``), already reported by this
            person (``duplicate``).
    """
    _check_signed_in(reporter, _("Sign in to report a comment."))
    if comment.author_id is not None and comment.author_id == reporter.pk:
        raise PermissionDenied(_("You cannot report your own comment."))
    if not reporter.has_perm("comments.report_comment", comment):
        raise PermissionDenied(
            _("Confirm your e-mail address (follow the link we sent you) before reporting.")
        )
    _check_reason(reason)
    text = clean_text(note)
    _check_note(text, conf.report_note_max_length())
    locked = _lock(comment)
    entry, target = _target_of(locked)
    if not locked.is_visible or entry is None or target is None or not entry.is_public(target):
        raise ValidationError(_("This comment is no longer shown."), code="hidden")
    now = now or timezone.now()
    report = CommentReport(comment=locked, reporter=reporter, reason=reason, note=text)
    report.full_clean(exclude=["comment", "reporter"], validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:
        raise ValidationError(
            _("You have already reported this comment."), code="duplicate"
        ) from error
    Comment.objects.filter(pk=locked.pk).update(
        open_report_count=F("open_report_count") + 1, last_reported_at=now
    )
    return report


def _resolve_reports(
    comment: Comment, moderator: User, resolution: str, now: datetime.datetime
) -> int:
    """Resolve every open report of ``comment``; return how many (the counter is reset)."""
    resolved = CommentReport.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=now, resolution=resolution, resolved_by=moderator
    )
    Comment.objects.filter(pk=comment.pk).update(open_report_count=0)
    comment.open_report_count = 0
    return resolved


@transaction.atomic
def comment_hide(
    *,
    comment: Comment,
    moderator: User,
    reason: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Comment:
    """Hide a comment from the public, with a reason; its open reports are resolved.

    The text disappears from every public page, feed, count and export (the selectors
    never give it out); a hidden comment with visible replies shows as "hidden by a
    moderator" with the reason's label. Moderators still see it and may unhide it.

    Args:
        comment: a comment that is not hidden.
        moderator: holds ``comments.moderate_comment`` on it (moderator or
            administrator of its collectivity, or a coordinator).
        reason: a :class:`~infitah.comments.models.ModerationReason` value (required).
        note: the moderator's note (not public; at most ``HIDDEN_NOTE_MAX_LENGTH``).

    Returns:
        The hidden comment. ``on_change`` is called when it was counted (not withdrawn).

    Raises:
        PermissionDenied: not a moderator of the comment's collectivity.
        ValidationError: no or unknown reason (``reason``), note too long, already
            hidden (``already_hidden``).
    """
    _require_moderator(moderator, comment)
    _check_reason(reason)
    text = clean_text(note)
    _check_note(text, conf.hidden_note_max_length(), field="hidden_note")
    locked = _lock(comment)
    if locked.is_hidden:
        raise ValidationError(_("This comment is already hidden."), code="already_hidden")
    now = now or timezone.now()
    was_visible = locked.is_visible
    locked.is_hidden = True
    locked.hidden_reason = reason
    locked.hidden_note = text
    locked.hidden_by = moderator
    locked.hidden_at = now
    locked.full_clean(exclude=_RELATIONS)
    locked._history_user = moderator  # type: ignore[attr-defined]
    locked.save(
        update_fields=[
            "is_hidden",
            "hidden_reason",
            "hidden_note",
            "hidden_by",
            "hidden_at",
            "updated_at",
        ]
    )
    _resolve_reports(locked, moderator, CommentReport.Resolution.HIDDEN, now)
    if was_visible:
        _notify(*_target_of(locked))
    return locked


@transaction.atomic
def comment_unhide(*, comment: Comment, moderator: User) -> Comment:
    """Show a hidden comment again (a moderation mistake, or after an appeal).

    The hiding stays in the comment's history. Resolved reports stay resolved.

    Returns:
        The comment. ``on_change`` is called when it is counted again (not withdrawn).

    Raises:
        PermissionDenied: not a moderator of the comment's collectivity.
        ValidationError: the comment is not hidden (``not_hidden``).
    """
    _require_moderator(moderator, comment)
    locked = _lock(comment)
    if not locked.is_hidden:
        raise ValidationError(_("This comment is not hidden."), code="not_hidden")
    locked.is_hidden = False
    locked.hidden_reason = ""
    locked.hidden_note = ""
    locked.hidden_by = None
    locked.hidden_at = None
    locked._history_user = moderator  # type: ignore[attr-defined]
    locked.save(
        update_fields=[
            "is_hidden",
            "hidden_reason",
            "hidden_note",
            "hidden_by",
            "hidden_at",
            "updated_at",
        ]
    )
    if locked.is_visible:
        _notify(*_target_of(locked))
    return locked


@transaction.atomic
def report_dismiss(
    *, report: CommentReport, moderator: User, now: datetime.datetime | None = None
) -> CommentReport:
    """Dismiss one report (the comment is fine); the comment stays as it is.

    Raises:
        PermissionDenied: not a moderator of the comment's collectivity.
        ValidationError: the report is already resolved (``resolved``).
    """
    comment = Comment.objects.get(pk=report.comment_id)
    _require_moderator(moderator, comment)
    _lock(comment)
    locked = CommentReport.objects.select_for_update().get(pk=report.pk)
    if locked.resolved_at is not None:
        raise ValidationError(_("This report is already resolved."), code="resolved")
    locked.resolved_at = now or timezone.now()
    locked.resolution = CommentReport.Resolution.DISMISSED
    locked.resolved_by = moderator
    locked.full_clean(exclude=["comment", "reporter", "resolved_by"])
    locked.save(update_fields=["resolved_at", "resolution", "resolved_by", "updated_at"])
    Comment.objects.filter(pk=comment.pk, open_report_count__gt=0).update(
        open_report_count=F("open_report_count") - 1
    )
    return locked


@transaction.atomic
def comment_reports_dismiss(
    *, comment: Comment, moderator: User, now: datetime.datetime | None = None
) -> int:
    """Dismiss every open report of ``comment`` (the moderator found nothing wrong).

    Returns:
        The number of reports dismissed.

    Raises:
        PermissionDenied: not a moderator of the comment's collectivity.
        ValidationError: the comment has no open report (``resolved``).
    """
    _require_moderator(moderator, comment)
    locked = _lock(comment)
    count = _resolve_reports(
        locked, moderator, CommentReport.Resolution.DISMISSED, now or timezone.now()
    )
    if not count:
        raise ValidationError(_("This comment has no open report."), code="resolved")
    return count
