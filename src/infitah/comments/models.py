"""Threaded comments on any public object, reports by readers and moderation.

A :class:`Comment` points at its target through a generic relation
(``content_type`` + ``object_id``); only models registered with
:func:`infitah.comments.registry.register_target` can be commented. ``collectivity``
is a copy of the target's owning collectivity, taken when the comment is posted, so
that the permission rules find who moderates it without loading the target: the
moderators and administrators of that collectivity, and network coordinators (a
network-level target, ``collectivity`` empty, is moderated by coordinators only).

Rows are written only by :mod:`infitah.comments.services`; pages, feeds, counts and
exports of other apps read them only through :mod:`infitah.comments.selectors`, which
never give the text of a hidden or withdrawn comment to the public.

A comment is *visible* when it is neither hidden by a moderator (``is_hidden``) nor
withdrawn by its author (``is_deleted_by_author``). Neither is ever removed from the
database by the site: the thread keeps its shape (a withdrawn or hidden comment with
visible replies shows as a short placeholder), and moderators keep the evidence.
When an account is deleted its comments stay, shown as by "a deleted account".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from infitah.core.models import TimeStampedModel

__all__ = ["Comment", "CommentQuerySet", "CommentReport", "ModerationReason"]


class ModerationReason(models.TextChoices):
    """Why a comment is reported or hidden (the same list for both)."""

    SPAM = "spam", _("spam or advertising")
    ABUSE = "abuse", _("insult, harassment or hate speech")
    PERSONAL_DATA = "personal_data", _("personal data of someone")
    OFF_TOPIC = "off_topic", _("off topic")
    OTHER = "other", _("other")


class CommentQuerySet(models.QuerySet["Comment"]):
    def visible(self) -> CommentQuerySet:
        """Comments the public may read: not hidden, not withdrawn by their author."""
        return self.filter(is_hidden=False, is_deleted_by_author=False)

    def for_target(self, target: models.Model) -> CommentQuerySet:
        """Comments on ``target`` (any model instance), whatever their state."""
        content_type = ContentType.objects.get_for_model(type(target))
        return self.filter(content_type=content_type, object_id=target.pk)


class Comment(TimeStampedModel):
    """A comment on a public object, or a reply to another comment on it.

    ``depth`` is 0 for a comment on the object, 1 for a reply, up to
    ``INFITAH_COMMENTS_MAX_DEPTH - 1`` (see :mod:`infitah.comments.conf`).
    ``body`` is plain text (never HTML), at most ``INFITAH_COMMENTS_MAX_LENGTH``
    characters, without bidi controls or NUL; ``body_search`` is its
    :func:`~infitah.core.text.normalize_for_search` form.
    ``open_report_count`` and ``last_reported_at`` summarise the unresolved reports
    (kept by the services) so that the moderation queue is an indexed read.
    """

    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("type of the commented item"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_id = models.PositiveBigIntegerField(_("id of the commented item"))
    target = GenericForeignKey("content_type", "object_id")
    collectivity = models.ForeignKey(
        "territories.Collectivity",
        verbose_name=_("collectivity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
        help_text=_(
            "The collectivity that owns the commented item (its moderators moderate); "
            "empty for an item of the network itself."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        help_text=_("Empty once the author's account is deleted (the text stays)."),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("on behalf of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    body = models.TextField(_("text"))
    body_search = models.TextField(editable=False, blank=True, default="")
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    is_deleted_by_author = models.BooleanField(_("withdrawn by its author"), default=False)
    deleted_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    hidden_reason = models.CharField(
        _("reason for hiding"), max_length=20, choices=ModerationReason.choices, blank=True
    )
    hidden_note = models.TextField(_("moderator's note"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)

    open_report_count = models.PositiveIntegerField(
        _("unresolved reports"), default=0, editable=False
    )
    last_reported_at = models.DateTimeField(
        _("last reported at"), null=True, blank=True, editable=False
    )

    history = HistoricalRecords(
        excluded_fields=["body_search", "updated_at", "open_report_count", "last_reported_at"]
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "created_at"],
                name="comments_comment_target_idx",
            ),
            models.Index(fields=["author", "created_at"], name="comments_comment_author_idx"),
            models.Index(
                fields=["collectivity", "-last_reported_at"],
                condition=Q(open_report_count__gt=0),
                name="comments_comment_reported_idx",
            ),
            models.Index(
                fields=["collectivity", "-hidden_at"],
                condition=Q(is_hidden=True),
                name="comments_comment_hidden_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_hidden=False) | ~Q(hidden_reason=""),
                name="comments_comment_hidden_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=0) | Q(parent__isnull=False, depth__gt=0),
                name="comments_comment_depth_matches_parent",
            ),
        ]

    def __str__(self) -> str:
        text = " ".join(self.body.split())
        return text[:60] + ("…" if len(text) > 60 else "")

    @property
    def is_visible(self) -> bool:
        """Whether the public may read the comment (not hidden, not withdrawn)."""
        return not self.is_hidden and not self.is_deleted_by_author

    @property
    def author_display_name(self) -> str:
        """The author's public name, or "deleted account" (never the e-mail address).

        Costs a query when ``author`` is not loaded (the selectors load it).
        """
        if self.author_id is None:
            return str(_("deleted account"))
        return str(self.author.public_name)  # type: ignore[union-attr]


class CommentReport(TimeStampedModel):
    """A reader's report of a comment, resolved by a moderator (hidden or dismissed).

    One per reader and comment (a database constraint). ``reporter`` is empty once the
    reader's account is deleted (the report stays for the moderators).
    """

    class Resolution(models.TextChoices):
        HIDDEN = "hidden", _("comment hidden")
        DISMISSED = "dismissed", _("dismissed")

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comment_reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ModerationReason.choices)
    note = models.TextField(_("note"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution.choices, blank=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="comments_commentreport_one_per_reporter"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolution="")
                | Q(resolved_at__isnull=False) & ~Q(resolution=""),
                name="comments_commentreport_resolution_with_date",
            ),
        ]
        indexes = [
            models.Index(fields=["comment", "resolved_at"], name="comments_report_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — {self.comment_id}"

    @property
    def is_open(self) -> bool:
        """Whether no moderator has resolved the report yet."""
        return self.resolved_at is None

    @property
    def collectivity_id(self) -> Any:
        """The reported comment's collectivity id (for the permission rules).

        Costs a query when ``comment`` is not loaded.
        """
        return self.comment.collectivity_id
