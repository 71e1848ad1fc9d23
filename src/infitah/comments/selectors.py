"""Reads of the comments app: the only way other apps (pages, feeds, counts, exports,
the API) read comments.

Public reads never give out the text, author or organisation of a comment that is
hidden by a moderator or withdrawn by its author. Such a comment appears only as a
placeholder (``state`` ``"hidden"`` or ``"deleted"``, no ``comment``) and only when
it has visible replies, so that the thread keeps its shape. Counts count visible
comments only.

A thread is read in two queries whatever its size: the *skeleton* (ids, parents and
states of every comment of the target, a few integers a row) is arranged into the
tree in Python, then the full rows of the comments to show (one page of
conversations) are read with their authors' public names and organisations.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page
from django.db.models import Count, Model, Prefetch, QuerySet
from django.utils.translation import gettext as _

from infitah.accounts.models import Organisation
from infitah.accounts.rules import collectivity_ids_with_perm
from infitah.comments import conf
from infitah.comments.models import Comment, CommentReport, ModerationReason
from infitah.core.selectors import language_order, localized_fields, paginate, translated_at

__all__ = [
    "QUEUE_STATUSES",
    "CommentRow",
    "ThreadNode",
    "ThreadPage",
    "comment_thread_page",
    "fill",
    "flatten",
    "moderation_collectivity_ids",
    "moderation_queue",
    "public_comment",
    "thread_nodes",
    "visible_comment_count",
    "visible_comment_counts",
    "visible_comments",
]

VISIBLE = "visible"
HIDDEN = "hidden"
DELETED = "deleted"

#: Statuses of the moderation queue: comments with unresolved reports, hidden comments.
QUEUE_STATUSES = ("reported", "hidden")

#: Columns of a comment shown on a page: the author's public name only (never the
#: e-mail address), the organisation's names (every language: chosen when read).
_ROW_COLUMNS = (
    "pk",
    "author_id",
    "organisation_id",
    "body",
    "created_at",
    "edited_at",
    "is_hidden",
    "hidden_reason",
    "is_deleted_by_author",
    "author__display_name",
    "author__first_name",
    "author__last_name",
    "organisation__slug",
    *(f"organisation__{column}" for column in localized_fields("name")),
)


@dataclass(slots=True)
class CommentRow:
    """A comment as pages and the API show it: plain values, no model instance.

    ``author_name`` is the author's public name (display name, else full name, else
    "Anonymous participant"), or "deleted account"; ``organisation_name`` is the
    organisation's name in the active language (``""`` without an organisation).
    """

    pk: int
    author_id: int | None
    organisation_id: int | None
    body: str
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    is_hidden: bool
    hidden_reason: str
    author_name: str
    organisation_name: str
    organisation_slug: str

    @property
    def author_display_name(self) -> str:
        """Same as :attr:`Comment.author_display_name`."""
        return self.author_name


@dataclass(eq=False)
class ThreadNode:
    """One comment of a thread as shown, with its replies.

    Attributes:
        pk: the comment's id (``#comment-<pk>`` on pages).
        parent_id: the id of the comment it replies to, ``None`` at the top.
        depth: 0 at the top, 1 for a reply...
        state: ``"visible"``; ``"hidden"`` (by a moderator) or ``"deleted"`` (withdrawn
            by its author), shown as a placeholder.
        hidden_reason: for a hidden comment, its ``ModerationReason`` value.
        comment: the comment's :class:`CommentRow` (text, author's public name,
            organisation), for a visible comment (and a hidden one in a moderator's
            thread); ``None`` for a placeholder or before :func:`fill` ran.
        replies: the nodes replying to it, oldest first.
    """

    pk: int
    parent_id: int | None
    depth: int
    state: str
    hidden_reason: str = ""
    comment: CommentRow | None = None
    replies: list[ThreadNode] = field(default_factory=list)
    #: Per-person flags set by the pages (template tag) for the signed-in reader.
    actions: dict[str, Any] = field(default_factory=dict)

    @property
    def is_visible(self) -> bool:
        """Whether the node shows a comment (not a placeholder)."""
        return self.comment is not None

    @property
    def hidden_reason_label(self) -> str:
        """The hidden comment's reason, translated ("" when not hidden)."""
        if not self.hidden_reason:
            return ""
        try:
            return str(ModerationReason(self.hidden_reason).label)
        except ValueError:
            return ""


@dataclass
class ThreadPage:
    """One page of a thread: ``nodes`` are its conversations (top-level nodes).

    ``visible_count`` counts every visible comment of the target (all pages);
    ``page`` is the Django page of conversations (for the pagination bar).
    """

    nodes: list[ThreadNode]
    page: Page[Any]
    visible_count: int


def _content_type(model: type[Model]) -> ContentType:
    """The content type of ``model`` (cached by Django after the first query)."""
    return ContentType.objects.get_for_model(model)


def thread_nodes(target: Model, *, include_hidden: bool = False) -> tuple[list[ThreadNode], int]:
    """Return the tree of ``target``'s comments, without their text, and the visible count.

    One query (ids, parents and states of every comment of the target).

    Args:
        target: any model instance.
        include_hidden: moderators' view: hidden comments are kept as nodes to show
            (state ``"hidden"``, filled by :func:`fill`) even without replies.

    Returns:
        ``(roots, visible_count)``: the top-level nodes, newest conversation first,
        each with its replies oldest first; a hidden or withdrawn comment is kept only
        when one of its replies (at any depth) is kept. ``visible_count`` is the number
        of visible comments (hidden and withdrawn ones are not counted).
    """
    rows = (
        Comment.objects.filter(content_type=_content_type(type(target)), object_id=target.pk)
        .order_by("created_at", "pk")
        .values_list(
            "pk", "parent_id", "depth", "is_hidden", "is_deleted_by_author", "hidden_reason"
        )
    )
    nodes: dict[int, ThreadNode] = {}
    order: list[ThreadNode] = []
    visible_count = 0
    for pk, parent_id, depth, is_hidden, is_deleted, reason in rows:
        if is_deleted:
            state = DELETED
        elif is_hidden:
            state = HIDDEN
        else:
            state = VISIBLE
            visible_count += 1
        node = ThreadNode(
            pk=pk,
            parent_id=parent_id,
            depth=depth,
            state=state,
            hidden_reason=reason if state == HIDDEN else "",
        )
        nodes[pk] = node
        order.append(node)
    # Children are posted after their parents: walking backwards settles every reply
    # before the comment it answers.
    kept: set[int] = set()
    for node in reversed(order):
        shown = node.state == VISIBLE or (include_hidden and node.state == HIDDEN)
        if shown or any(reply.pk in kept for reply in node.replies):
            kept.add(node.pk)
            parent = nodes.get(node.parent_id) if node.parent_id is not None else None
            if parent is not None:
                parent.replies.append(node)
    roots: list[ThreadNode] = []
    for node in reversed(order):  # newest conversation first
        if node.pk in kept and node.parent_id is None:
            roots.append(node)
        node.replies.reverse()  # appended newest first above; replies read oldest first
    return roots, visible_count


def flatten(nodes: Iterable[ThreadNode]) -> list[ThreadNode]:
    """Return ``nodes`` and their replies depth first, in reading order."""
    flat: list[ThreadNode] = []
    stack = list(reversed(list(nodes)))
    while stack:
        node = stack.pop()
        flat.append(node)
        stack.extend(reversed(node.replies))
    return flat


def fill(nodes: Sequence[ThreadNode], *, include_hidden: bool = False) -> None:
    """Load the comments of ``nodes`` (not their replies') in one query, in place.

    Visible nodes get their :class:`CommentRow` (author's public name, organisation's
    name in the active language); with ``include_hidden``, hidden nodes too.
    Placeholders stay empty. Rows are read as tuples (no model instances): a page of
    a hundred comments costs about a millisecond.
    """
    wanted = {
        node.pk: node
        for node in nodes
        if node.state == VISIBLE or (include_hidden and node.state == HIDDEN)
    }
    if not wanted:
        return
    deleted_account = str(_("deleted account"))
    anonymous = str(_("Anonymous participant"))
    name_columns = localized_fields("name")
    positions = [
        len(_ROW_COLUMNS) - len(name_columns) + name_columns.index(column)
        for column in language_order(Organisation, "name")
    ]
    rows = Comment.objects.filter(pk__in=list(wanted)).values_list(*_ROW_COLUMNS)
    for row in rows:
        (pk, author_id, organisation_id, body, created_at, edited_at, is_hidden, reason) = row[:8]
        # A comment hidden or withdrawn between the two reads stays a placeholder.
        if row[8] or (is_hidden and not include_hidden):
            continue
        if author_id is None:
            author = deleted_account
        else:
            author = row[9] or f"{row[10]} {row[11]}".strip() or anonymous
        wanted[pk].comment = CommentRow(
            pk=pk,
            author_id=author_id,
            organisation_id=organisation_id,
            body=body,
            created_at=created_at,
            edited_at=edited_at,
            is_hidden=is_hidden,
            hidden_reason=reason,
            author_name=author,
            organisation_name=translated_at(row, positions) if organisation_id else "",
            organisation_slug=row[12] or "",
        )


def comment_thread_page(
    target: Model,
    page_number: str | None = None,
    *,
    per_page: int | None = None,
    include_hidden: bool = False,
) -> ThreadPage:
    """Return one page of ``target``'s thread, ready to show: two queries.

    Args:
        target: any model instance (registered or not: an unregistered one simply has
            no comments to show).
        page_number: the raw ``?comment_page=`` value (any text; clamped).
        per_page: conversations per page; default ``INFITAH_COMMENTS_THREAD_PAGE_SIZE``.
        include_hidden: moderators' view (see :func:`thread_nodes`). Never for the
            public: the text of hidden comments would be shown.

    Returns:
        A :class:`ThreadPage`, newest conversation first.
    """
    roots, visible_count = thread_nodes(target, include_hidden=include_hidden)
    page = paginate(roots, page_number, per_page=per_page or conf.thread_page_size())
    nodes: list[ThreadNode] = list(page.object_list)
    fill(flatten(nodes), include_hidden=include_hidden)
    return ThreadPage(nodes=nodes, page=page, visible_count=visible_count)


def visible_comments(target: Model) -> list[ThreadNode]:
    """Return the whole public thread of ``target`` (every page): two queries.

    Returns:
        The top-level :class:`ThreadNode` list (newest conversation first), each with
        its replies (oldest first). Visible nodes carry their :class:`CommentRow`
        (text, author's public name, organisation); hidden and withdrawn comments
        appear only as placeholders (``comment`` ``None``) and only when they have
        visible replies.
    """
    roots, _count = thread_nodes(target)
    fill(flatten(roots))
    return roots


def visible_comment_count(target: Model) -> int:
    """Number of visible comments of ``target`` (hidden and withdrawn not counted). One query."""
    return (
        Comment.objects.filter(content_type=_content_type(type(target)), object_id=target.pk)
        .visible()
        .count()
    )


def visible_comment_counts(targets: Iterable[Model]) -> dict[Any, int]:
    """Return ``{target pk: number of visible comments}`` for objects of one model.

    One query (none for an empty list). Every target's pk is in the result (0 when it
    has no comment).

    Raises:
        ValueError: the targets are of different models.
    """
    items = list(targets)
    if not items:
        return {}
    model = type(items[0])
    if any(type(item) is not model for item in items):
        raise ValueError("visible_comment_counts() takes objects of one model")
    counts: dict[Any, int] = {item.pk: 0 for item in items}
    rows = (
        Comment.objects.filter(content_type=_content_type(model), object_id__in=list(counts))
        .visible()
        .order_by()
        .values("object_id")
        .annotate(total=Count("pk"))
        .values_list("object_id", "total")
    )
    for object_id, total in rows:
        counts[object_id] = total
    return counts


def public_comment(pk: Any) -> Comment | None:
    """Return the visible comment ``pk`` with author and organisation, else ``None``.

    Whether its target is public is the caller's question (the registry knows).
    One query (none for a key that is not a number).
    """
    text = str(pk)
    if not text.isdecimal() or len(text) > 18:
        return None
    return (
        Comment.objects.visible()
        .select_related("author", "organisation")
        .filter(pk=int(text))
        .first()
    )


# --- Moderation -------------------------------------------------------------------------


def moderation_collectivity_ids(user: Any) -> list[int] | None:
    """Ids of the collectivities whose comments ``user`` moderates; ``None``: all.

    ``None`` for coordinators (every collectivity and network-level items), ``[]``
    for people who moderate nowhere. No query beyond the cached role look-up.
    """
    return collectivity_ids_with_perm(user, "comments.moderate_comment")


def moderation_queue(
    user: Any, *, status: str = "reported", collectivity_id: int | None = None
) -> QuerySet[Comment]:
    """Comments waiting for ``user``'s moderation, newest first (paginate it).

    Args:
        user: the moderator: only the comments of collectivities where they hold
            ``comments.moderate_comment`` (coordinators: all, network-level included).
        status: ``"reported"`` (unresolved reports, latest report first) or
            ``"hidden"`` (hidden comments, latest hidden first).
        collectivity_id: narrow to one collectivity.

    Returns:
        A queryset with author, organisation, collectivity and ``hidden_by`` loaded,
        the open reports (with their reporters) in ``comment.open_reports`` and the
        commented objects in ``comment.target``: a page costs one query for its rows,
        one for the reports and one per model of commented objects, whatever its size.

    Raises:
        ValueError: an unknown ``status``.
    """
    if status not in QUEUE_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    ids = moderation_collectivity_ids(user)
    queryset = Comment.objects.all()
    if ids is not None:
        if not ids:
            return queryset.none()
        queryset = queryset.filter(collectivity_id__in=ids)
    if collectivity_id is not None:
        queryset = queryset.filter(collectivity_id=collectivity_id)
    if status == "reported":
        queryset = queryset.filter(open_report_count__gt=0).order_by("-last_reported_at", "-pk")
    else:
        queryset = queryset.filter(is_hidden=True).order_by("-hidden_at", "-pk")
    open_reports = (
        CommentReport.objects.filter(resolved_at__isnull=True)
        .select_related("reporter")
        .order_by("created_at", "pk")
    )
    return queryset.select_related(
        "author", "organisation", "collectivity", "hidden_by", "content_type"
    ).prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_reports"), "target")
