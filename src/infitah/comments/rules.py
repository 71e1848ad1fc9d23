"""Permissions on comments (see :mod:`infitah.accounts.rules` for the conventions).

- ``comments.post_comment``: a signed-in, active account whose e-mail address is not an
  unconfirmed sign-up may comment and reply. Whether the object is public and open for
  comments is the service's question (:mod:`infitah.comments.services`).
- ``comments.edit_comment`` / ``comments.delete_own_comment``: the author of a comment
  (the service adds the time limit for edits).
- ``comments.report_comment``: anyone who may comment, except the comment's author.
- ``comments.moderate_comment`` (hide, unhide, resolve reports, the moderation queue):
  the moderators and administrators of the comment's collectivity (``Comment.collectivity``,
  the owner of the commented item), and network coordinators everywhere; a
  network-level comment (no collectivity) is the coordinators' alone.
- Admin: comments and reports are seen by the same people (``view_*``); they are never
  added or changed there (hiding is an action that goes through the services), and
  deleted by nobody but superusers (hiding is the tool).
"""

from __future__ import annotations

from typing import Any

import rules

from infitah.accounts.models import CollectivityRole
from infitah.accounts.rules import add_collectivity_perm, add_module_perm
from infitah.accounts.selectors import user_email_is_unverified

__all__ = ["MODERATOR_ROLES"]

Role = CollectivityRole.Role

#: Roles that moderate the comments on their collectivity's items.
MODERATOR_ROLES = frozenset({Role.ADMIN, Role.MODERATOR})


@rules.predicate
def may_comment(user: Any) -> bool:
    """An active, signed-in account whose e-mail address is not an unconfirmed sign-up.

    One query (the e-mail address record), cached on the user object for the request.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    cached: bool | None = getattr(user, "_infitah_may_comment", None)
    if cached is None:
        cached = not user_email_is_unverified(user)
        user._infitah_may_comment = cached
    return cached


@rules.predicate
def is_comment_author(user: Any, comment: Any = None) -> bool:
    """The signed-in user wrote ``comment`` (a ``Comment``)."""
    if comment is None or user is None or not user.is_authenticated:
        return False
    return bool(comment.author_id is not None and comment.author_id == user.pk)


rules.add_perm("comments.post_comment", may_comment)
rules.add_perm("comments.edit_comment", may_comment & is_comment_author)
rules.add_perm("comments.delete_own_comment", is_comment_author)
rules.add_perm("comments.report_comment", may_comment & ~is_comment_author)

add_collectivity_perm("comments.moderate_comment", MODERATOR_ROLES)
add_collectivity_perm("comments.view_comment", MODERATOR_ROLES)
add_collectivity_perm("comments.view_commentreport", MODERATOR_ROLES)
add_module_perm("comments")
