"""The HTML of a thread's comments, put together in Python.

A proposal's page can show a hundred comments; as a recursive template include each
comment costs some sixty node renders and a localised date format, about a quarter of
a millisecond, which made the thread most of the page's time. The markup is built
here instead, every value escaped exactly as the template engine escapes it
(``html.escape``), user text isolated with ``dir="auto"`` and its line breaks kept
(``linebreaksbr`` on the escaped text). The words come from :func:`labels`, translated
once per page. ``tests/comments/test_views.py`` checks the output on real pages.
"""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from infitah.comments.selectors import HIDDEN, VISIBLE, ThreadNode

__all__ = ["Labels", "labels", "render_nodes"]


@dataclass(frozen=True)
class Labels:
    """The thread's words in the active language, escaped, with ``%(reason)s`` kept."""

    deleted_account: str
    posted_for: str
    edited: str
    hidden_badge: str
    reply: str
    edit: str
    withdraw: str
    report: str
    reported: str
    hide: str
    show_again: str
    hidden_placeholder: str
    withdrawn_placeholder: str


def labels() -> Labels:
    """Translate the thread's words (about fifteen look-ups; once per page)."""
    e = html.escape
    return Labels(
        deleted_account=e(gettext("deleted account")),
        # Translators: "Comment by Amina for Association Amal": the organisation the
        # comment was posted on behalf of.
        posted_for=e(pgettext("comment posted for an organisation", "for")),
        edited=e(gettext("(edited)")),
        hidden_badge=gettext("Hidden: %(reason)s"),
        reply=e(gettext("Reply")),
        edit=e(gettext("Edit")),
        withdraw=e(gettext("Withdraw")),
        report=e(gettext("Report")),
        reported=e(gettext("You reported this comment.")),
        hide=e(gettext("Hide")),
        show_again=e(gettext("Show again")),
        hidden_placeholder=gettext("Comment hidden by a moderator (%(reason)s)."),
        withdrawn_placeholder=e(gettext("Comment withdrawn by its author.")),
    )


class _Times:
    """``<time>`` of the page's comments: the date formatted once per day (local time)."""

    def __init__(self) -> None:
        self._dates: dict[datetime.date, str] = {}

    def __call__(self, value: datetime.datetime) -> str:
        local = timezone.localtime(value)
        day = local.date()
        shown = self._dates.get(day)
        if shown is None:
            shown = self._dates[day] = date_format(day, "DATE_FORMAT")
        return f'<time datetime="{local.isoformat()}">{html.escape(shown)} {local:%H:%M}</time>'


def _text(value: str) -> str:
    """Escaped user text with its line breaks as ``<br>`` (``linebreaksbr``)."""
    return html.escape(value).replace("\n", "<br>")


def _with_reason(message: str, reason: str) -> str:
    """``message`` (a translation with ``%(reason)s``) with the reason, all escaped."""
    try:
        text = message % {"reason": reason}
    except (KeyError, ValueError, TypeError):  # a translation with a broken placeholder
        text = f"{message} ({reason})"
    return html.escape(text)


def _actions(node: ThreadNode, words: Labels, csrf_input: str, next_url: str) -> str:
    actions: dict[str, Any] = node.actions
    if not actions:
        return ""
    urls = actions["urls"]
    e = html.escape
    links = []
    if actions["reply"]:
        links.append(f'<a href="{e(urls["reply"])}">{words.reply}</a>')
    if actions["edit"]:
        links.append(f'<a href="{e(urls["edit"])}">{words.edit}</a>')
    if actions["delete"]:
        links.append(f'<a href="{e(urls["delete"])}">{words.withdraw}</a>')
    if actions["report"]:
        links.append(f'<a href="{e(urls["report"])}">{words.report}</a>')
    elif actions["reported"]:
        links.append(f'<span class="muted">{words.reported}</span>')
    if actions["hide"]:
        links.append(f'<a href="{e(urls["hide"])}">{words.hide}</a>')
    if actions["unhide"]:
        links.append(
            f'<form method="post" action="{e(urls["unhide"])}" class="inline-form">{csrf_input}'
            f'<input type="hidden" name="next" value="{e(next_url)}">'
            f'<button type="submit" class="link-button">{words.show_again}</button></form>'
        )
    return '\n    <div class="comment__actions">' + " ".join(links) + "</div>"


def _node(
    node: ThreadNode,
    parts: list[str],
    words: Labels,
    times: _Times,
    csrf_input: str,
    next_url: str,
) -> None:
    e = html.escape
    comment = node.comment
    if comment is None:
        parts.append(f'<li class="comment comment--placeholder" id="comment-{node.pk}">')
        if node.state == HIDDEN:
            text = _with_reason(words.hidden_placeholder, node.hidden_reason_label)
        else:
            text = words.withdrawn_placeholder
        parts.append(f'\n  <p class="comment__placeholder muted">{text}</p>')
    else:
        hidden = node.state != VISIBLE
        parts.append(
            f'<li class="comment{" comment--hidden" if hidden else ""}" id="comment-{node.pk}">'
            '\n  <article class="comment__card">\n    <p class="comment__meta">'
        )
        if comment.author_id is None:
            parts.append(f'<span class="comment__author muted">{words.deleted_account}</span>')
        else:
            parts.append(f'<bdi dir="auto" class="comment__author">{e(comment.author_name)}</bdi>')
        if comment.organisation_id is not None:
            parts.append(
                f' <span class="comment__organisation">{words.posted_for} '
                f'<bdi dir="auto">{e(comment.organisation_name)}</bdi></span>'
            )
        parts.append(
            f' · <a class="comment__permalink" href="#comment-{node.pk}">'
            f"{times(comment.created_at)}</a>"
        )
        if comment.edited_at is not None:
            parts.append(f' <span class="muted">{words.edited}</span>')
        if hidden:
            badge = _with_reason(words.hidden_badge, node.hidden_reason_label)
            parts.append(f' <span class="badge badge--warning">{badge}</span>')
        parts.append(
            '</p>\n    <div class="comment__body" dir="auto">'
            f"{_text(comment.body)}</div>"
            f"{_actions(node, words, csrf_input, next_url)}\n  </article>"
        )
    if node.replies:
        parts.append('\n  <ol class="comment-list comment-list--replies">\n')
        for reply in node.replies:
            _node(reply, parts, words, times, csrf_input, next_url)
        parts.append("  </ol>")
    parts.append("\n</li>\n")


def render_nodes(
    nodes: list[ThreadNode], *, csrf_token: str | None = None, next_url: str = ""
) -> SafeString:
    """Return the ``<li>`` of ``nodes`` and their replies (nested ``<ol>``), escaped.

    Args:
        nodes: from :func:`infitah.comments.selectors.comment_thread_page`; their
            ``actions`` (set for a signed-in reader by the template tag) add the
            reply, edit, withdraw, report, hide and unhide controls.
        csrf_token: the page's token, for the unhide buttons (moderators only).
        next_url: where the unhide button comes back to.
    """
    words = labels()
    times = _Times()
    csrf_input = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{html.escape(str(csrf_token))}">'
        if csrf_token
        else ""
    )
    parts: list[str] = []
    for node in nodes:
        _node(node, parts, words, times, csrf_input, next_url)
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
