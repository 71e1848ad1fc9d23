"""Comments made straight in the database (fast, no rate limit) for the tests."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from infitah.accounts.models import User
from infitah.comments.models import Comment
from infitah.core.text import normalize_for_search
from tests import factories


def make_comment(
    target: Model,
    *,
    author: User | None = None,
    body: str = "A comment",
    parent: Comment | None = None,
    **extra: Any,
) -> Comment:
    """Save a comment on ``target`` (or a reply to ``parent``) without the services."""
    if author is None:
        author = factories.UserFactory()
    collectivity_id = getattr(target, "collectivity_id", None)
    return Comment.objects.create(
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=target.pk,
        collectivity_id=collectivity_id,
        parent=parent,
        depth=parent.depth + 1 if parent is not None else 0,
        author=author,
        body=body,
        body_search=normalize_for_search(body),
        **extra,
    )


def error_code(error: Any) -> str:
    """The code of a service's ``ValidationError``: its own, or its first field's."""
    if hasattr(error, "error_dict"):
        first = next(iter(error.error_dict.values()))[0]
        return str(first.code)
    return str(error.code)
