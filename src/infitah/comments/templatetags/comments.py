"""``{% load comments %}{% comment_thread target %}``: the thread of an object and its form.

For any page of another app that shows a commentable object (a proposal...). The page
also links the app's stylesheet in its head: ``{% include "comments/includes/head.html" %}``.

What is shown depends on the reader, and the rendering is safe on cached anonymous
pages: an anonymous visitor gets the public thread and a "log in to comment" link,
with no form, no token and nothing personal, identical for every anonymous visitor.
Signed-in people get the form (when the object is open for comments), reply, edit,
withdraw and report links, and moderators of the object's collectivity the hidden
comments (marked) with hide and unhide buttons. Such pages must not be cached for
signed-in people (``cache_public_page`` only stores anonymous answers).

Queries: two for the thread whatever its size, plus for a signed-in reader one each
for their e-mail address status, their organisations, their roles and their reports.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from infitah.accounts.models import Organisation
from infitah.comments import conf, registry, selectors
from infitah.comments.models import Comment, CommentReport
from infitah.comments.rendering import render_nodes

register = template.Library()

#: The query parameter of a thread's page number.
PAGE_PARAM = "comment_page"


def _represented(user: Any) -> list[Organisation]:
    """Verified organisations ``user`` is an approved representative of (one query)."""
    return list(
        Organisation.objects.filter(
            representatives__user=user, representatives__is_approved=True, is_verified=True
        )
        .order_by("name")
        .only("pk", "name", "name_ar", "name_fr", "name_en")
    )


def _url_builder(name: str, query: str) -> Any:
    """Return ``pk -> address of comments:<name>`` plus ``query``, reversed once."""
    marker = 987654321
    head, _marker, tail = reverse(f"comments:{name}", kwargs={"pk": marker}).rpartition(str(marker))
    return lambda pk: f"{head}{pk}{tail}{query}"


def _set_actions(
    nodes: list[selectors.ThreadNode],
    *,
    user: Any,
    next_url: str,
    may_reply: bool,
    may_report: bool,
    reported: set[int],
    is_moderator: bool,
    now: datetime.datetime,
) -> None:
    """Put the reader's possible actions on every shown node (no query)."""
    edit_window = datetime.timedelta(minutes=conf.edit_minutes())
    query = f"?next={quote(next_url)}"
    urls = {
        name: _url_builder(name, query)
        for name in ("reply", "edit", "delete", "report", "hide", "unhide")
    }
    for node in selectors.flatten(nodes):
        comment = node.comment
        if comment is None:
            continue
        is_author = comment.author_id is not None and comment.author_id == user.pk
        visible = node.state == selectors.VISIBLE
        flags = {
            "reply": may_reply and visible,
            "edit": is_author and visible and now - comment.created_at <= edit_window,
            "delete": is_author and visible,
            "report": may_report and visible and not is_author and node.pk not in reported,
            "reported": node.pk in reported,
            "hide": is_moderator and visible,
            "unhide": is_moderator and node.state == selectors.HIDDEN,
        }
        if not any(flags.values()):
            continue  # nothing to offer: no empty toolbar
        node.actions = {**flags, "urls": {name: build(node.pk) for name, build in urls.items()}}


@register.inclusion_tag("comments/thread.html", takes_context=True)
def comment_thread(
    context: template.Context, target: Model, per_page: int | None = None
) -> dict[str, Any]:
    """Render the thread of ``target`` with the reader's form and actions.

    Args:
        context: the page's context (``request`` is needed).
        target: an object of a registered model. Nothing is shown for an object that
            is not registered or not public.
        per_page: conversations per page (default ``INFITAH_COMMENTS_THREAD_PAGE_SIZE``);
            the page number is the ``?comment_page=`` parameter.

    Returns:
        The context of ``comments/thread.html``.
    """
    request: HttpRequest | None = context.get("request")
    entry = registry.get_target(target)
    if request is None or entry is None or target.pk is None or not entry.is_public(target):
        return {"thread": None}
    user = request.user
    signed_in = bool(user.is_authenticated and user.is_active)
    is_moderator = False
    if signed_in:
        probe = Comment(collectivity=entry.collectivity_of(target))
        is_moderator = user.has_perm("comments.moderate_comment", probe)
    thread = selectors.comment_thread_page(
        target,
        request.GET.get(PAGE_PARAM),
        per_page=per_page,
        include_hidden=is_moderator,
    )
    next_url = request.get_full_path()
    is_open = entry.is_open_for_comments(target)
    result: dict[str, Any] = {
        "request": request,
        "thread": thread,
        "is_open": is_open,
        "signed_in": signed_in,
        "page_param": PAGE_PARAM,
        "login_url": f"{reverse('account_login')}?next={quote(next_url)}",
    }
    if not signed_in:
        return result
    may_post = user.has_perm("comments.post_comment")
    reported = _reported_ids(user, target) if may_post else set()
    _set_actions(
        thread.nodes,
        user=user,
        next_url=next_url,
        may_reply=may_post and is_open,
        may_report=may_post,
        reported=reported,
        is_moderator=is_moderator,
        now=timezone.now(),
    )
    result.update(
        {
            "may_post": may_post,
            "is_moderator": is_moderator,
            "organisations": _represented(user) if may_post and is_open else [],
            "target_type": registry.target_label(target),
            "target_id": target.pk,
            "next": next_url,
            "max_length": conf.max_length(),
            "moderation_url": reverse("comments:moderation") if is_moderator else "",
        }
    )
    return result


def _reported_ids(user: Any, target: Model) -> set[int]:
    """Ids of ``target``'s comments that ``user`` has reported (one query)."""
    content_type = ContentType.objects.get_for_model(type(target))
    return set(
        CommentReport.objects.filter(
            reporter=user,
            comment__content_type=content_type,
            comment__object_id=target.pk,
        ).values_list("comment_id", flat=True)
    )


@register.simple_tag(takes_context=True)
def comment_nodes(context: template.Context, nodes: list[selectors.ThreadNode]) -> SafeString:
    """The ``<li>`` of a thread page's conversations (see :mod:`infitah.comments.rendering`).

    The page's CSRF token is read only for moderators (their unhide buttons): reading
    it sets the CSRF cookie, which would make an anonymous page uncacheable.
    """
    csrf_token = context.get("csrf_token") if context.get("is_moderator") else None
    return render_nodes(nodes, csrf_token=csrf_token, next_url=context.get("next") or "")
